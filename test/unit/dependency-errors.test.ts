/**
 * A dependency that throttles, times out or is unreachable answers 503 with
 * Retry-After, never 500: a table of the real exception classes the AWS SDKs and
 * the OpenSearch client throw, plus real timeouts, aborts and refused connections
 * from a DynamoDB client pointed at a socket that never answers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
  TransactionInProgressException,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeServiceException, InternalException, ThrottlingException as EventBridgeThrottling } from '@aws-sdk/client-eventbridge';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { KmsThrottlingException } from '@aws-sdk/client-sfn';
import { errors as openSearchErrors } from '@opensearch-project/opensearch';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '#core/errors.js';
import { dependencyUnavailable } from '#http/problem.js';

const meta = { $metadata: {}, message: 'from the service' };
const cancelled = (...codes: string[]) => new TransactionCanceledException({ ...meta, CancellationReasons: codes.map((Code) => ({ Code })) });
const openSearchMeta = (statusCode: number) => ({ body: {}, statusCode, headers: {}, warnings: null, meta: {} as never });

const TABLE: [string, unknown, 'throttled' | 'conflict' | 'timeout' | 'unavailable' | undefined][] = [
  ['DynamoDB ProvisionedThroughputExceededException', new ProvisionedThroughputExceededException(meta), 'throttled'],
  ['DynamoDB ThrottlingException', new ThrottlingException(meta), 'throttled'],
  ['DynamoDB RequestLimitExceeded', new RequestLimitExceeded(meta), 'throttled'],
  ['DynamoDB TransactionConflictException', new TransactionConflictException(meta), 'conflict'],
  ['DynamoDB TransactionInProgressException', new TransactionInProgressException(meta), 'conflict'],
  ['DynamoDB InternalServerError', new InternalServerError(meta), 'unavailable'],
  ['DynamoDB transaction cancelled by throttling', cancelled('None', 'ThrottlingError'), 'throttled'],
  ['DynamoDB transaction cancelled by a conflict beyond retries', cancelled('TransactionConflict', 'None'), 'conflict'],
  ['DynamoDB transaction cancelled by a failed condition', cancelled('ConditionalCheckFailed'), undefined],
  ['DynamoDB transaction cancelled by a condition and a conflict', cancelled('ConditionalCheckFailed', 'TransactionConflict'), undefined],
  ['DynamoDB ConditionalCheckFailedException', new ConditionalCheckFailedException(meta), undefined],
  ['S3 SlowDown', new S3ServiceException({ ...meta, name: 'SlowDown', $fault: 'client', $metadata: { httpStatusCode: 503 } }), 'throttled'],
  [
    'S3 ServiceUnavailable',
    new S3ServiceException({ ...meta, name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 } }),
    'unavailable',
  ],
  ['S3 AccessDenied', new S3ServiceException({ ...meta, name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } }), undefined],
  ['EventBridge ThrottlingException', new EventBridgeThrottling(meta), 'throttled'],
  ['EventBridge InternalException', new InternalException(meta), 'unavailable'],
  [
    'EventBridge unmodelled 429',
    new EventBridgeServiceException({ ...meta, name: 'Whatever', $fault: 'client', $metadata: { httpStatusCode: 429 } }),
    'throttled',
  ],
  ['Step Functions KmsThrottlingException', new KmsThrottlingException(meta), 'throttled'],
  ['OpenSearch 429', new openSearchErrors.ResponseError(openSearchMeta(429)), 'throttled'],
  ['OpenSearch 503', new openSearchErrors.ResponseError(openSearchMeta(503)), 'unavailable'],
  ['OpenSearch 400', new openSearchErrors.ResponseError(openSearchMeta(400)), undefined],
  ['OpenSearch TimeoutError', new openSearchErrors.TimeoutError('Request timed out', openSearchMeta(0)), 'timeout'],
  ['OpenSearch ConnectionError', new openSearchErrors.ConnectionError('connect ECONNREFUSED', openSearchMeta(0)), 'unavailable'],
  ['OpenSearch NoLivingConnectionsError', new openSearchErrors.NoLivingConnectionsError('none', openSearchMeta(0)), 'unavailable'],
  ['throttling wrapped as a cause', new Error('saving the case failed', { cause: new ProvisionedThroughputExceededException(meta) }), 'throttled'],
  ['a domain error', new DomainError('Conflict', 'changed'), undefined],
  ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')"), undefined],
  ['not an error at all', 'boom', undefined],
];

describe('dependency errors', () => {
  it.each(TABLE)('%s -> %s', (_name, error, reason) => {
    expect(dependencyUnavailable(error)?.reason).toBe(reason);
    if (reason) expect(dependencyUnavailable(error)!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });
});

describe('real client failures', () => {
  /** A TCP server that accepts connections and never answers: a stalled dependency. */
  let blackhole: Server;
  const sockets: Socket[] = [];
  let port: number;
  beforeAll(async () => {
    blackhole = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    port = (blackhole.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackhole.close(resolve));
  });

  const client = (endpoint: string, requestTimeout = 100) =>
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 2,
      requestHandler: { requestTimeout, throwOnRequestTimeout: true, connectionTimeout: 100 },
    });
  const get = new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' } } });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail('the call should fail'),
      (error: unknown) => error,
    );

  it('a DynamoDB call that gets no answer times out: 503, timeout', async () => {
    const error = await failure(client(`http://127.0.0.1:${port}`).send(get));
    expect((error as Error).name).toBe('TimeoutError');
    expect(dependencyUnavailable(error)?.reason).toBe('timeout');
  });

  it('a DynamoDB call aborted by its deadline: 503, timeout', async () => {
    const error = await failure(client(`http://127.0.0.1:${port}`, 10_000).send(get, { abortSignal: AbortSignal.timeout(100) }));
    expect((error as Error).name).toBe('AbortError');
    expect(dependencyUnavailable(error)?.reason).toBe('timeout');
  });

  it('a DynamoDB endpoint that refuses connections: 503, unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(client(`http://127.0.0.1:${closedPort}`).send(get));
    expect(dependencyUnavailable(error)).toEqual(expect.objectContaining({ reason: 'unavailable', error: 'ECONNREFUSED' }));
  });
});

describe('the HTTP answer', () => {
  it('is a 503 problem with Retry-After and the correlation id', async () => {
    process.env.TABLE_NAME ??= 'unit-test';
    const { errorResponse } = await import('#http/http-handler.js');
    const event = {
      rawPath: '/cases',
      headers: { 'x-correlation-id': 'corr-503' },
      requestContext: { requestId: 'req-1' },
    } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
    const response = errorResponse(new ProvisionedThroughputExceededException(meta), event);
    expect(response.statusCode).toBe(503);
    expect(response.headers).toEqual(
      expect.objectContaining({ 'content-type': 'application/problem+json', 'retry-after': '2', 'x-correlation-id': 'corr-503' }),
    );
    expect(JSON.parse(response.body!)).toEqual(
      expect.objectContaining({
        type: 'https://caseway.dev/problems/service-unavailable',
        status: 503,
        correlationId: 'corr-503',
        instance: '/cases',
      }),
    );
    // Anything else is still the logged 500 that says nothing.
    expect(errorResponse(new TypeError('bug'), event).statusCode).toBe(500);
  });
});
