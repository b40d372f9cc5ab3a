/**
 * Events at EventBridge's size limits, on the local bus that counts bytes as AWS
 * does (a PutEvents call whose entries reach 256 KB together is refused whole). A
 * case with 20,000 CJK characters of description makes audit events of about 60 KB,
 * and every narrower event of the same change repeats them: the outbox sends each
 * such event as a claim check in calls that stay under the limit, the consumers read
 * the whole event back, and nothing waits in a dead-letter queue.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { auditClaims } from '#adapters/dynamodb/audit-claims.js';
import { EventBridgePublisher, toPutEventsEntry, type PublishedEvent } from '#adapters/events.js';
import { eventJsonSchema } from '#contracts/domain-events.js';
import { CLAIM_CHECK_BYTES } from '#core/event-size.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#lib/local/dynamodb-local.js';
import type { BusEvent } from '#lib/local/event-bus.js';
import { LOCAL_BUS_NAME } from '#lib/local/local-events.js';
import { eventually } from '../support/eventually.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let platform: TestPlatform;
const everything: BusEvent[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({
    eventRules: [{ name: 'test-everything', pattern: { source: ['caseway.cases'] }, handler: (event) => void everything.push(event) }],
  });
});
afterAll(async () => {
  await platform?.stop();
});

const json = { 'content-type': 'application/json' };
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
// 20,000 characters, the description's limit: 60 KB in UTF-8, where the same number of ASCII letters is 20 KB.
const CJK = '事件过大时以认领凭证发送'.repeat(2000).slice(0, 20_000);
const CJK_EDITED = '説明を書き直しました、'.repeat(2000).slice(0, 20_000);

const routingState = async (caseId: string) => {
  const response = await platform.fetchAs('supervisor', `/routing/cases/${caseId}`);
  return response.status === 200 ? ((await response.json()) as { state: string }).state : undefined;
};

describe('events larger than the bus takes whole', () => {
  it('go out as claim checks the consumers redeem, in calls under 256 KB, and none is lost', async () => {
    const created = await platform.fetchAs('agent', '/cases', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        subject: '大きな説明のケース 🚚📦',
        description: CJK,
        requester: { id: 'demo-requester', email: 'requester@example.com' },
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const caseId = ((await created.json()) as { caseId: string }).caseId;
    const mine = () => everything.filter((e) => (e.detail as { caseId?: string }).caseId === caseId);
    // Routing has placed the case before it is taken by hand below.
    await eventually(async () => ((await routingState(caseId)) === 'waiting' ? true : undefined), 'routing of the new case');

    // One edit: a new description (its before and after, 120 KB) and an owner: CaseUpdated and Assigned both carry it all.
    const edited = await platform.fetchAs('agent', `/cases/${caseId}`, {
      method: 'PATCH',
      headers: { ...json, 'if-match': created.headers.get('etag')! },
      body: JSON.stringify({ description: CJK_EDITED, owner: 'demo-agent' }),
    });
    expect(edited.status, await edited.clone().text()).toBe(200);
    const updated = await eventually(() => mine().find((e) => e['detail-type'] === 'CaseUpdated'), 'CaseUpdated');
    const seq = (updated.detail as { seq: number }).seq;
    await eventually(
      () => (mine().some((e) => e['detail-type'] === 'Assigned' && (e.detail as { seq: number }).seq === seq) ? true : undefined),
      'Assigned',
    );
    const fromEdit = mine().filter((e) => (e.detail as { seq: number }).seq === seq);
    const wholeBytes = (updated.detail as { claimCheck: { bytes: number } }).claimCheck.bytes;
    // Whole, each would be billed as two events and take half of a PutEvents call.
    expect(wholeBytes).toBeGreaterThan(120_000);
    expect(fromEdit.map((e) => e['detail-type']).sort()).toEqual(['Assigned', 'CaseUpdated']);

    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    for (const event of fromEdit) {
      const detail = event.detail as { claimCheck?: { reason: string; caseId: string; seq: number }; changes: Record<string, unknown>[] };
      expect(bytes(detail), event['detail-type']).toBeLessThanOrEqual(CLAIM_CHECK_BYTES);
      expect(detail.claimCheck).toMatchObject({ reason: 'size', caseId, seq });
      expect(detail.changes.find((c) => c.field === 'description')).toEqual({ field: 'description' });
      // The published schema describes the claim check: a partner's validator takes it.
      expect(ajv.validate({ ...eventJsonSchema(event['detail-type']), $id: undefined }, event), ajv.errorsText()).toBe(true);
    }

    // Where the claim check points, the whole change is: the case's history.
    const history = (await (await platform.fetchAs('supervisor', `/cases/${caseId}/history`)).json()) as {
      items: { seq: number; changes: { field: string; before: unknown; after: unknown }[] }[];
    };
    const entry = history.items.find((e) => e.seq === seq)!;
    expect(entry.changes.find((c) => c.field === 'description')).toMatchObject({ before: CJK, after: CJK_EDITED });

    // A consumer's wrapper redeems the claim check to the very detail the event would have had whole.
    const redeemed = (await auditClaims.redeem(updated.detail)) as { id: string; claimCheck?: unknown; changes: { field: string }[] };
    expect(redeemed.claimCheck).toBeUndefined();
    expect(redeemed.id).toBe((updated.detail as { id: string }).id);
    expect(redeemed.changes.find((c) => c.field === 'description')).toMatchObject({ before: CJK, after: CJK_EDITED });

    // The consumers redeemed it: routing saw the hand assignment and let the case go, and no event was dead-lettered.
    await eventually(async () => ((await routingState(caseId)) !== 'waiting' ? true : undefined), 'routing to let the case go');
    await platform.events.idle();
    expect(platform.events.deadLetters().filter((d) => (d.event.detail as { caseId?: string }).caseId === caseId)).toEqual([]);
  });

  it('events that fit one by one but not together go in as many calls as they need, which the bus refuses as AWS does', async () => {
    const client = new EventBridgeClient({
      endpoint: process.env.EVENTBRIDGE_ENDPOINT!,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    // Five events of 60 KB: each under the claim-check size, 300 KB together.
    const events: PublishedEvent[] = Array.from({ length: 5 }, (_, i) => ({
      id: `large-${i}`,
      source: 'caseway.cases',
      type: 'CaseTypeEvent',
      time: new Date().toISOString(),
      caseId: 'CASE-2026-999999',
      detail: { caseId: 'CASE-2026-999999', note: CJK.slice(0, 20_000 - 100), part: i },
    }));
    const entries = events.map((event) => toPutEventsEntry(event, LOCAL_BUS_NAME));
    const refused = await client.send(new PutEventsCommand({ Entries: entries })).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).name).toBe('ValidationException');

    expect(await new EventBridgePublisher(LOCAL_BUS_NAME, client).publish(events)).toEqual([]);
    await eventually(
      () => (everything.filter((e) => String((e.detail as { note?: string }).note ?? '').length > 0).length === 5 ? true : undefined),
      'five large events',
    );
  });

  it('a small event still goes whole', async () => {
    const created = await platform.fetchAs('agent', '/cases', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ subject: 'Small', description: 'A few words.', requester: { id: 'demo-requester' } }),
    });
    const caseId = ((await created.json()) as { caseId: string }).caseId;
    const event = await eventually(
      () => everything.find((e) => e['detail-type'] === 'CaseCreated' && (e.detail as { caseId: string }).caseId === caseId),
      'CaseCreated',
    );
    const detail = event.detail as { claimCheck?: unknown; changes: { field: string; after?: unknown }[] };
    expect(detail.claimCheck).toBeUndefined();
    expect(detail.changes.find((c) => c.field === 'description')!.after).toBe('A few words.');
  });
});
