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
import { targetTable } from './table-target.js';

const { values } = parseArgs({ options: { table: { type: 'string' }, endpoint: { type: 'string' }, region: { type: 'string' } } });

// The repositories read their configuration from the environment at first use, as a Lambda does.
targetTable(values);

const { reshardRoutingItems } = await import('#adapters/dynamodb/routing-repository.js');
const moved = await reshardRoutingItems();
console.log(`routing:reshard: moved ${moved.agents} agents and ${moved.offers} offers into their shards in ${process.env.TABLE_NAME}`);
