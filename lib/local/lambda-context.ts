/**
 * A Lambda `Context` that looks like the one the Node.js runtime passes: Powertools
 * and the handlers read the function name, request id and remaining time from it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID } from './http-api-event.js';

export interface LambdaContextInput {
  /** The route table's function name; the deployed function is `caseway-<name>`. */
  readonly fn: string;
  readonly timeoutMs: number;
  readonly memoryMb?: number;
}

export function createLambdaContext(input: LambdaContextInput): Context {
  const functionName = `caseway-${input.fn}`;
  const region = process.env.AWS_REGION ?? 'local';
  const deadline = Date.now() + input.timeoutMs;
  const today = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  const unsupported = (name: string) => (): never => {
    throw new Error(`context.${name}() is not supported: return a result (or a promise) from the handler`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: String(input.memoryMb ?? 1024),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${today}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
