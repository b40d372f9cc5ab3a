/**
 * Which table a command-line tool works on, set in the environment the repositories read
 * at first use (as a Lambda's): `--table`, and `--endpoint` for DynamoDB Local (with its
 * fixed credentials and region) or `--region` for AWS.
 */
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#lib/local/dynamodb-local.js';

export interface TableTarget {
  readonly table?: string;
  readonly endpoint?: string;
  readonly region?: string;
}

/** Call before importing any repository: they read this configuration once. */
export function targetTable(target: TableTarget): void {
  process.env.TABLE_NAME = target.table ?? process.env.TABLE_NAME ?? 'caseway-local';
  if (target.endpoint) {
    process.env.DYNAMODB_ENDPOINT = target.endpoint;
    process.env.AWS_REGION = LOCAL_REGION;
    process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
  } else if (target.region) {
    process.env.AWS_REGION = target.region;
  }
}
