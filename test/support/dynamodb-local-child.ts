/**
 * Run as a separate Node process by the orphan test: starts DynamoDB Local with the
 * marker given as argv[2], reports readiness on stdout, then idles until killed.
 * The test SIGKILLs this process and checks that java went with it.
 */
import { startDynamoDbLocal } from '#lib/local/dynamodb-local.js';

const marker = process.argv[2];
if (!marker) throw new Error('usage: dynamodb-local-child.ts <marker>');
const db = await startDynamoDbLocal({ marker });
process.stdout.write(`ready ${db.endpoint}\n`);
setInterval(() => undefined, 60_000);
