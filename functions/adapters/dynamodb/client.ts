/**
 * The DynamoDB document client, built once per container from configuration.
 * Every data-plane call asks for its consumed capacity and reports it to the
 * capacity meter: handlers publish it as a metric, the benchmark adds it up.
 */
import { DynamoDBClient, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../../config.js';
import { tracer } from '../../observability.js';
import { reportConsumedCapacity } from './capacity-meter.js';

const METERED = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactGetItemsCommand',
  'TransactWriteItemsCommand',
]);

function totalUnits(consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): number {
  if (!consumed) return 0;
  return (Array.isArray(consumed) ? consumed : [consumed]).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

let documentClient: DynamoDBDocumentClient | undefined;

export function dynamo(): DynamoDBDocumentClient {
  if (documentClient) return documentClient;
  const { AWS_REGION, DYNAMODB_ENDPOINT, DYNAMODB_TIMEOUT_MS } = config();
  const base = new DynamoDBClient({
    region: AWS_REGION,
    ...(DYNAMODB_ENDPOINT ? { endpoint: DYNAMODB_ENDPOINT } : {}),
    maxAttempts: 4,
    // Without a timeout a stalled connection waits until Lambda kills the function; with one the SDK
    // retries, then throws TimeoutError, which the HTTP layer answers with 503 and Retry-After. Connecting
    // gets the same deadline: a tighter one turned a burst of parallel requests into 503s before any call
    // had really stalled (DynamoDB Local accepting 1,000 connections at once takes longer than a second).
    requestHandler: { requestTimeout: DYNAMODB_TIMEOUT_MS, throwOnRequestTimeout: true, connectionTimeout: DYNAMODB_TIMEOUT_MS },
  });
  base.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      if (!METERED.has(command)) return next(args);
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity ??= 'TOTAL';
      const result = await next(args);
      const units = totalUnits((result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity);
      reportConsumedCapacity(command.replace(/Command$/, ''), units);
      return result;
    },
    { step: 'initialize', name: 'casewayConsumedCapacity' },
  );
  // X-Ray subsegments per DynamoDB call in AWS; a no-op where tracing is off (locally).
  documentClient = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(base), { marshallOptions: { removeUndefinedValues: true } });
  return documentClient;
}

/** Tables and indexes this code reads; in one place so the repository never spells them. */
export const tableName = (): string => config().TABLE_NAME;
