/**
 * A test-only event target, loaded by the local bus from its entry like any rule
 * target: it counts every delivery it gets (an item per delivery: a retry carries the
 * same EventBridge event id, a second publication a new one) and applies its effect (a counter per case) once
 * per domain event, through the event wrapper's `after-work` dedup (`processOnce`).
 * On the first delivery of each event it fails after the effect and its mark, as a
 * consumer that timed out after doing its work would, so the bus retries it.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { dynamo, tableName } from '#adapters/dynamodb/client.js';
import { processedEvents } from '#adapters/dynamodb/processed-events.js';
import { DomainEventDetailContract, type DomainEventDetail } from '#contracts/domain-events.js';
import { onEventBridge } from '#events/event-handler.js';

export const CONSUMER = 'test-idempotent-consumer';

const consume = onEventBridge({
  name: CONSUMER,
  detail: DomainEventDetailContract,
  dedup: { key: (event) => event.detail.id, mark: 'after-work', marks: processedEvents, duplicate: 'duplicate' as const },
  work: async (event) => {
    const { caseId } = event.detail;
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: `TEST#${caseId}`, sk: 'EFFECT' },
        UpdateExpression: 'ADD applied :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    return 'applied' as const;
  },
});

export async function handler(event: EventBridgeEvent<string, DomainEventDetail>, context: Context): Promise<void> {
  const { id, caseId } = event.detail;
  await dynamo().send(
    new PutCommand({ TableName: tableName(), Item: { pk: `TEST#${caseId}`, sk: `DELIVERY#${event.id}#${randomUUID()}`, domainEventId: id } }),
  );
  if ((await consume(event, context)) === 'applied') throw new Error('deliberate failure after the effect: the bus must redeliver');
}
