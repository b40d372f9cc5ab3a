/**
 * A test-only Lambda handler for the local gateway's own tests: it answers with
 * the event and context it was given, or misbehaves on request (header
 * `x-test-behaviour`), so the tests can see exactly what a handler would see and
 * how the gateway maps every kind of result.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

export interface Echo {
  readonly event: APIGatewayProxyEventV2WithJWTAuthorizer;
  readonly context: { functionName: string; awsRequestId: string; remainingMs: number; invokedFunctionArn: string };
  readonly env: Record<string, string | undefined>;
}

const ENV_SEEN = [
  'TABLE_NAME',
  'DYNAMODB_ENDPOINT',
  'AWS_REGION',
  'ROLES_CLAIM',
  'POWERTOOLS_TRACE_ENABLED',
  'POWERTOOLS_METRICS_DISABLED',
  'POWERTOOLS_DEV',
];

export async function handler(event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context): Promise<unknown> {
  switch (event.headers['x-test-behaviour']) {
    case 'throw':
      throw new Error('deliberate failure from the echo handler');
    case 'bare-object':
      return { hello: 'world' };
    case 'string':
      return 'plain words';
    case 'slow':
      return new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: 'late' }), 2000));
    case 'bad-status':
      return { statusCode: 'two hundred', body: '' };
    case 'binary':
      return {
        statusCode: 200,
        headers: { 'content-type': 'image/png' },
        body: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64'),
        isBase64Encoded: true,
      };
    case 'cookies':
      return { statusCode: 204, cookies: ['a=1; Path=/', 'b=2; HttpOnly'], headers: { 'X-Mixed-Case': 'yes', 'content-length': '999' } };
    default: {
      const echo: Echo = {
        event,
        context: {
          functionName: context.functionName,
          awsRequestId: context.awsRequestId,
          remainingMs: context.getRemainingTimeInMillis(),
          invokedFunctionArn: context.invokedFunctionArn,
        },
        env: Object.fromEntries(ENV_SEEN.map((name) => [name, process.env[name]])),
      };
      const result: APIGatewayProxyStructuredResultV2 = {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(echo),
      };
      return result;
    }
  }
}
