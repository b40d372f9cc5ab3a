/**
 * `npm run routing:reshard -- [options]`: once, after upgrading a table written before
 * routing was sharded (issue 16), move its agents (`ROUTING#AGENTS`) and open offers
 * (`ROUTING#OFFERS`) into their shards. Safe to run again, and beside a running
 * deployment: each item moves in one transaction that neither overwrites nor loses it.
 * Waiting entries need no move (the sweep's full pass reads the old partition).
 *
 *   --table NAME       the case table (default: $TABLE_NAME, else caseway-local)
 *   --endpoint URL     DynamoDB Local's endpoint, as `npm start` prints it (omit for AWS)
 *   --region REGION    AWS region (default: $AWS_REGION)
 */
import { parseArgs } from 'node:util';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#lib/local/dynamodb-local.js';

const { values } = parseArgs({ options: { table: { type: 'string' }, endpoint: { type: 'string' }, region: { type: 'string' } } });

// The repository reads its configuration from the environment at first use, as a Lambda does.
process.env.TABLE_NAME = values.table ?? process.env.TABLE_NAME ?? 'caseway-local';
if (values.endpoint) {
  process.env.DYNAMODB_ENDPOINT = values.endpoint;
  process.env.AWS_REGION = LOCAL_REGION;
  process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
} else if (values.region) {
  process.env.AWS_REGION = values.region;
}

const { reshardRoutingItems } = await import('#adapters/dynamodb/routing-repository.js');
const moved = await reshardRoutingItems();
console.log(`routing:reshard: moved ${moved.agents} agents and ${moved.offers} offers into their shards in ${process.env.TABLE_NAME}`);
