/**
 * A test-only event target, loaded by the local bus from its entry like any rule
 * target: it counts every delivery it gets (an item per delivery: a retry carries the
 * same EventBridge event id, a second publication a new one) and applies its effect (a counter per case) once
 * per domain event, through `processOnce`. On the first delivery of each event it
 * fails after the effect, as a consumer that timed out after doing its work would,
 * so the bus retries it.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import type { DomainEventDetail } from '../../../functions/adapters/events.js';
import { dynamo, tableName } from '../../../functions/adapters/dynamodb/client.js';
import { processOnce } from '../../../functions/adapters/dynamodb/processed-events.js';

export const CONSUMER = 'test-idempotent-consumer';

export async function handler(event: EventBridgeEvent<string, DomainEventDetail>): Promise<void> {
  const { id, caseId } = event.detail;
  await dynamo().send(new PutCommand({ TableName: tableName(), Item: { pk: `TEST#${caseId}`, sk: `DELIVERY#${event.id}#${randomUUID()}`, domainEventId: id } }));
  const outcome = await processOnce(CONSUMER, id, async () => {
    await dynamo().send(new UpdateCommand({ TableName: tableName(), Key: { pk: `TEST#${caseId}`, sk: 'EFFECT' }, UpdateExpression: 'ADD applied :one', ExpressionAttributeValues: { ':one': 1 } }));
  });
  if (outcome === 'processed') throw new Error('deliberate failure after the effect: the bus must redeliver');
}
