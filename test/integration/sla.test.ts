/**
 * SLA policies, calendars, entitlements and clocks over real HTTP against
 * DynamoDB Local, with the example configuration the local platform seeds.
 * Business time is driven through the clock seam (`useClock`), so a weekend
 * passes without sleeping; the handlers run in this process and read the same clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useClock, systemClock } from '#adapters/clock.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;
type Who = 'agent' | 'supervisor' | 'requester' | 'requester2' | 'admin' | 'integration';

let platform: TestPlatform;
let now = Date.parse('2026-11-27T10:00:00Z'); // a Friday; London is on GMT
const setNow = (iso: string) => {
  const t = Date.parse(iso);
  if (t < now) throw new Error('time only moves forward');
  now = t;
};

beforeAll(async () => {
  useClock({ now: () => new Date(now) });
  platform = await startTestPlatform({ seedSla: true });
});
afterAll(async () => {
  useClock(systemClock);
  await platform?.stop();
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

async function call(who: Who, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await platform.fetchAs(who, path, { method, ...(body === undefined ? { headers } : json(body, headers)) });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as Body,
    etag: response.headers.get('etag'),
    type: response.headers.get('content-type'),
  };
}

let customerSeq = 0;
/** A fresh customer id per test, so entitlements of one test never cover another's cases. */
const newCustomer = () => `cust-${Date.now().toString(36)}-${++customerSeq}`;

async function newCase(requesterId: string, extra: Body = {}): Promise<Body> {
  const created = await call('agent', 'POST', '/cases', {
    type: 'support',
    subject: 'Cannot log in',
    description: 'The login page spins forever',
    requester: { id: requesterId },
    fields: { product: 'web-app', category: 'problem', impact: 'team', urgency: 'normal' },
    ...extra,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

async function grant(customerId: string, level: string, extra: Body = {}) {
  const granted = await call('supervisor', 'POST', '/entitlements', {
    holder: { kind: 'customer', id: customerId },
    level,
    validFrom: '2026-01-01T00:00:00Z',
    validTo: '2027-01-01T00:00:00Z',
    ...extra,
  });
  expect(granted.status, JSON.stringify(granted.body)).toBe(201);
  return granted.body;
}

const history = async (caseId: string) => (await call('agent', 'GET', `/cases/${caseId}/history?limit=100`)).body.items as Body[];
const slaEvents = async (caseId: string) => (await history(caseId)).filter((e) => String(e.action).startsWith('Sla'));

describe('SLA configuration API', () => {
  it('lists the seeded calendar and policies, to staff only', async () => {
    const calendars = await call('agent', 'GET', '/sla/calendars');
    expect(calendars.status).toBe(200);
    expect(calendars.body.items.map((c: Body) => c.calendarId)).toContain('london-office');
    const policies = await call('supervisor', 'GET', '/sla/policies');
    expect(policies.body.items.map((p: Body) => p.policyId).sort()).toEqual([
      'support-basic',
      'support-gold',
      'support-gold-urgent',
      'support-silver',
    ]);
    expect(policies.body.items.find((p: Body) => p.policyId === 'support-gold').escalation[0]).toEqual({
      afterMinutes: 0,
      action: 'alertSupervisor',
      template: 'sla-breached',
    });
    expect((await call('requester', 'GET', '/sla/policies')).status).toBe(403);
    expect((await call('requester', 'GET', '/entitlements?customerId=demo-requester')).status).toBe(403);
  });

  it('refuses bad definitions with problems naming the field, and writes nothing', async () => {
    const badCalendar = await call('admin', 'POST', '/sla/calendars', {
      calendarId: 'mars',
      name: 'Mars',
      timeZone: 'Mars/Olympus',
      week: { mon: [{ start: '17:00', end: '09:00' }] },
    });
    expect(badCalendar.status).toBe(400);
    expect(badCalendar.type).toContain('application/problem+json');
    expect(JSON.stringify(badCalendar.body)).toContain('timeZone');
    const ladder = await call('admin', 'POST', '/sla/policies', {
      policyId: 'bad-ladder',
      name: 'Bad',
      calendarId: 'london-office',
      targets: { resolution: 60 },
      escalation: [{ afterMinutes: 0, action: 'reassign' }],
    });
    expect(ladder.status).toBe(400);
    expect(JSON.stringify(ladder.body)).toContain('queue');
    const unknown = await call('admin', 'POST', '/sla/policies', {
      policyId: 'no-calendar',
      name: 'X',
      calendarId: 'nowhere',
      targets: { resolution: 60 },
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('unknown_calendar');
    expect(
      (await call('agent', 'POST', '/sla/policies', { policyId: 'by-agent', name: 'X', calendarId: 'london-office', targets: { resolution: 60 } }))
        .status,
    ).toBe(403);
    expect((await call('agent', 'GET', '/sla/policies/no-calendar')).status).toBe(404);
    expect(
      (
        await call('admin', 'POST', '/entitlements', {
          holder: { kind: 'customer', id: 'x' },
          level: 'gold',
          validFrom: '2026-02-01T00:00:00Z',
          validTo: '2026-01-01T00:00:00Z',
        })
      ).status,
    ).toBe(400);
  });

  it('publishes versions: If-Match guards against a lost update', async () => {
    const created = await call('admin', 'POST', '/sla/calendars', {
      calendarId: 'night-shift',
      name: 'Night',
      timeZone: 'America/New_York',
      week: { mon: [{ start: '22:00', end: '24:00' }] },
    });
    expect(created.status).toBe(201);
    const next = await call(
      'admin',
      'POST',
      '/sla/calendars/night-shift/versions',
      { name: 'Night', timeZone: 'America/New_York', week: { tue: [{ start: '00:00', end: '06:00' }] } },
      { 'if-match': '"1"' },
    );
    expect(next.status).toBe(201);
    expect(next.body.version).toBe(2);
    expect(
      (
        await call(
          'admin',
          'POST',
          '/sla/calendars/night-shift/versions',
          { name: 'Night', timeZone: 'UTC', week: { mon: [{ start: '00:00', end: '01:00' }] } },
          { 'if-match': '"1"' },
        )
      ).status,
    ).toBe(412);
    expect((await call('agent', 'GET', '/sla/calendars/night-shift?version=1')).body.week.mon).toEqual([{ start: '22:00', end: '24:00' }]);
    expect((await call('agent', 'GET', '/sla/calendars/night-shift/versions')).body.items.map((c: Body) => c.version)).toEqual([1, 2]);
  });
});

describe('SLA on cases', () => {
  it('a case without an entitlement gets the default policy, its clocks start in the create transaction', async () => {
    const c = await newCase(newCustomer());
    expect(c.sla).toMatchObject({ policyId: 'support-basic', policyVersion: 1, calendarId: 'london-office', entitlement: null, escalationLevel: 0 });
    // Friday 10:00 + 480 business minutes (lunch 12-13) = Monday 10:00.
    expect(c.sla.clocks.firstResponse).toMatchObject({
      status: 'running',
      targetMinutes: 480,
      elapsedMinutes: 0,
      dueAt: '2026-11-30T10:00:00.000Z',
      generation: 1,
    });
    expect(c.sla.nextDueAt).toBe('2026-11-30T10:00:00.000Z');
    const events = await history(c.caseId);
    expect(events.map((e) => e.action)).toEqual(['CaseCreated', 'SlaStarted']);
    expect(events[1]!.changes).toEqual([{ field: 'sla', before: null, after: c.sla }]);
    expect((await call('agent', 'GET', `/cases/${c.caseId}/history/verify`)).body.valid).toBe(true);
    // Requesters see no clocks.
    expect((await call('requester', 'GET', `/cases/${(await newCase('demo-requester')).caseId}`)).body.sla).toBeNull();
  });

  it('an entitlement picks its policy and is used up atomically; an exhausted one falls back to Basic, and says so', async () => {
    const customer = newCustomer();
    const ent = await grant(customer, 'gold', { allowance: 1 });
    const first = await newCase(customer);
    expect(first.sla).toMatchObject({ policyId: 'support-gold', entitlement: { id: ent.entitlementId, level: 'gold' } });
    expect(first.sla.clocks.firstResponse.targetMinutes).toBe(60);
    expect((await call('agent', 'GET', `/entitlements/${ent.entitlementId}`)).body.consumed).toBe(1);

    const second = await newCase(customer);
    expect(second.sla).toMatchObject({ policyId: 'support-basic', entitlement: null });
    const started = (await slaEvents(second.caseId))[0]!;
    expect(started.action).toBe('SlaStarted');
    expect(started.reason).toMatch(new RegExp(`${ent.entitlementId} .*exhausted \\(1 of 1 cases used\\).*fell back to the default policy`));
    expect((await call('agent', 'GET', `/entitlements?customerId=${customer}`)).body.items.map((e: Body) => [e.entitlementId, e.consumed])).toEqual([
      [ent.entitlementId, 1],
    ]);
  });

  it('an expired entitlement falls back too', async () => {
    const customer = newCustomer();
    await grant(customer, 'gold', { validFrom: '2025-01-01T00:00:00Z', validTo: '2026-01-01T00:00:00Z' });
    const c = await newCase(customer);
    expect(c.sla).toMatchObject({ policyId: 'support-basic', entitlement: null });
    expect((await slaEvents(c.caseId))[0]!.reason).toMatch(/expired at 2026-01-01/);
  });

  it('parallel creates never take more cases than the allowance', async () => {
    const customer = newCustomer();
    const ent = await grant(customer, 'silver', { allowance: 3 });
    const made = await Promise.all(Array.from({ length: 8 }, () => newCase(customer)));
    const silver = made.filter((c) => c.sla.policyId === 'support-silver');
    expect(silver).toHaveLength(3);
    expect(made.filter((c) => c.sla.policyId === 'support-basic')).toHaveLength(5);
    expect((await call('agent', 'GET', `/entitlements/${ent.entitlementId}`)).body.consumed).toBe(3);
  });

  it('a pause over the weekend keeps the elapsed time; replies meet and start the response clocks', async () => {
    const customer = 'demo-requester';
    const ent = await grant(customer, 'gold');
    setNow('2026-11-27T10:00:00Z');
    const c = await newCase(customer);
    expect(c.sla.entitlement.id).toBe(ent.entitlementId);
    const id = c.caseId as string;

    setNow('2026-11-27T10:30:00Z');
    expect((await call('agent', 'POST', `/cases/${id}/comments`, { body: 'Looking into it', visibility: 'internal' })).status).toBe(201);
    expect((await call('agent', 'GET', `/cases/${id}`)).body.sla.clocks.firstResponse.status).toBe('running');
    expect((await call('agent', 'POST', `/cases/${id}/comments`, { body: 'Which browser do you use?', visibility: 'public' })).status).toBe(201);
    const replied = (await call('agent', 'GET', `/cases/${id}`)).body;
    expect(replied.sla.clocks.firstResponse).toMatchObject({ status: 'met', elapsedMinutes: 30, metAt: '2026-11-27T10:30:00.000Z' });
    expect(replied.version).toBe(1); // a reply is not a revision of the case

    setNow('2026-11-27T10:45:00Z');
    expect((await call('agent', 'POST', `/cases/${id}/transitions`, { to: 'in_review' })).status).toBe(200);
    setNow('2026-11-27T11:00:00Z');
    const asked = await call('agent', 'POST', `/cases/${id}/transitions`, { to: 'waiting_on_customer' });
    expect(asked.status).toBe(200);
    expect(asked.body.sla.clocks.resolution).toMatchObject({ status: 'paused', elapsedMinutes: 60, dueAt: null });
    expect(asked.body.sla.nextDueAt).toBeNull();

    setNow('2026-11-30T10:00:00Z'); // Monday
    const back = await call('requester', 'POST', `/cases/${id}/transitions`, { to: 'in_review' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    const resolution = (await call('agent', 'GET', `/cases/${id}`)).body.sla.clocks.resolution;
    // 960 - 60 = 900 left from Monday 10:00: Mon 360, Tue 480, Wed 08:00-09:00.
    expect(resolution).toMatchObject({
      status: 'running',
      elapsedMinutes: 60,
      runningSince: '2026-11-30T10:00:00.000Z',
      dueAt: '2026-12-02T09:00:00.000Z',
    });
    const actions = (await slaEvents(id)).map((e) => e.action);
    expect(actions).toEqual(['SlaStarted', 'SlaMet', 'SlaPaused', 'SlaStarted']);

    // The customer_replied transition started nextResponse; a requester comment while it runs starts nothing new.
    setNow('2026-11-30T10:05:00Z');
    expect((await call('requester', 'POST', `/cases/${id}/comments`, { body: 'Firefox 140' })).status).toBe(201);
    expect((await call('agent', 'GET', `/cases/${id}`)).body.sla.clocks.nextResponse).toMatchObject({
      status: 'running',
      runningSince: '2026-11-30T10:00:00.000Z',
    });
    setNow('2026-11-30T10:20:00Z');
    await call('agent', 'POST', `/cases/${id}/comments`, { body: 'Thanks, a fix is coming', visibility: 'public' });
    expect((await call('agent', 'GET', `/cases/${id}`)).body.sla.clocks.nextResponse).toMatchObject({ status: 'met', elapsedMinutes: 20 });
    // The next requester message starts nextResponse again.
    setNow('2026-11-30T10:30:00Z');
    await call('requester', 'POST', `/cases/${id}/comments`, { body: 'Any news?' });
    expect((await call('agent', 'GET', `/cases/${id}`)).body.sla.clocks.nextResponse).toMatchObject({
      status: 'running',
      elapsedMinutes: 0,
      dueAt: '2026-11-30T13:30:00.000Z',
    });

    setNow('2026-11-30T11:00:00Z');
    const resolved = await call('agent', 'POST', `/cases/${id}/transitions`, { to: 'resolved', fields: { resolutionCode: 'fixed' } });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body.sla.clocks.resolution).toMatchObject({ status: 'met', elapsedMinutes: 120 });
    expect(resolved.body.sla.clocks.nextResponse.status).toBe('stopped');
    expect(resolved.body.sla.nextDueAt).toBeNull();
    expect((await call('agent', 'GET', `/cases/${id}/history/verify`)).body.valid).toBe(true);
  });

  it('a priority change moves the due instant and keeps the elapsed time', async () => {
    const customer = newCustomer();
    await grant(customer, 'gold');
    setNow('2026-11-30T13:00:00Z');
    const c = await newCase(customer);
    expect(c.sla.policyId).toBe('support-gold');
    expect(c.sla.clocks.resolution.dueAt).toBe('2026-12-02T12:00:00.000Z');
    setNow('2026-11-30T14:00:00Z');
    const raised = await call(
      'agent',
      'PATCH',
      `/cases/${c.caseId}`,
      { priority: 'urgent', reason: 'Whole team blocked' },
      { 'if-match': `"${c.version}"` },
    );
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    expect(raised.body.priority).toBe('urgent');
    expect(raised.body.sla).toMatchObject({ policyId: 'support-gold-urgent' });
    // 240 minutes, 60 already counted: 180 left from 14:00 = 17:00.
    expect(raised.body.sla.clocks.resolution).toMatchObject({
      status: 'running',
      elapsedMinutes: 60,
      targetMinutes: 240,
      dueAt: '2026-11-30T17:00:00.000Z',
    });
    expect(raised.body.sla.clocks.resolution.generation).toBeGreaterThan(c.sla.clocks.resolution.generation);
    // The platform's SLA timers follow this clock too: the hour just skipped may also have breached the
    // first-response clock, so look for the recompute itself rather than the last event.
    const recomputed = (await slaEvents(c.caseId)).filter((e) => e.action === 'SlaRecomputed').at(-1)!;
    expect(recomputed).toMatchObject({ action: 'SlaRecomputed', caseVersion: raised.body.version });
    expect(recomputed.reason).toContain('support-gold v1 -> support-gold-urgent v1');
  });

  it('a new policy version re-targets a case at its next change', async () => {
    const customer = newCustomer();
    await grant(customer, 'platinum');
    const made = await call('admin', 'POST', '/sla/policies', {
      policyId: 'support-platinum',
      name: 'Platinum',
      calendarId: 'london-office',
      match: { caseType: 'support', entitlementLevel: 'platinum' },
      targets: { resolution: 480 },
    });
    expect(made.status).toBe(201);
    setNow('2026-12-01T09:00:00Z');
    const c = await newCase(customer);
    expect(c.sla).toMatchObject({ policyId: 'support-platinum', policyVersion: 1 });
    expect(c.sla.clocks.firstResponse).toBeUndefined();
    const v2 = await call(
      'admin',
      'POST',
      '/sla/policies/support-platinum/versions',
      { name: 'Platinum', calendarId: 'london-office', match: { caseType: 'support', entitlementLevel: 'platinum' }, targets: { resolution: 240 } },
      { 'if-match': '"1"' },
    );
    expect(v2.status).toBe(201);
    setNow('2026-12-01T10:00:00Z');
    const moved = await call('agent', 'PATCH', `/cases/${c.caseId}`, { subject: 'Cannot log in (SSO)' }, { 'if-match': `"${c.version}"` });
    expect(moved.body.sla).toMatchObject({ policyId: 'support-platinum', policyVersion: 2 });
    expect(moved.body.sla.clocks.resolution).toMatchObject({ elapsedMinutes: 60, targetMinutes: 240, dueAt: '2026-12-01T14:00:00.000Z' });
  });
});

describe('asset entitlements', () => {
  it("an asset's entitlement comes before its requester's", async () => {
    const type = {
      typeId: 'asset-care',
      name: 'Asset care',
      defaultQueue: 'field-service',
      fields: [{ name: 'assetId', label: 'Asset', type: 'reference', target: 'asset' }],
      intake: { questions: [{ field: 'assetId' }] },
      workflow: {
        initial: 'open',
        states: [
          { id: 'open', label: 'Open', category: 'active' },
          { id: 'done', label: 'Done', category: 'resolved' },
        ],
        transitions: [{ id: 'finish', label: 'Finish', from: ['open'], to: 'done' }],
      },
    };
    expect((await call('admin', 'POST', '/case-types', type)).status).toBe(201);
    for (const [policyId, level, resolution] of [
      ['asset-basic', undefined, 2400],
      ['asset-gold', 'gold', 480],
      ['asset-silver', 'silver', 960],
    ] as const) {
      const made = await call('admin', 'POST', '/sla/policies', {
        policyId,
        name: policyId,
        calendarId: 'london-office',
        match: { caseType: 'asset-care', ...(level ? { entitlementLevel: level } : {}) },
        targets: { resolution },
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
    }
    const customer = newCustomer();
    await grant(customer, 'silver');
    const asset = `PUMP-${customer}`;
    const onAsset = await call('supervisor', 'POST', '/entitlements', {
      holder: { kind: 'asset', id: asset },
      level: 'gold',
      validFrom: '2026-01-01T00:00:00Z',
      validTo: '2027-01-01T00:00:00Z',
    });
    expect(onAsset.status).toBe(201);
    const open = (fields: Body) =>
      call('agent', 'POST', '/cases', {
        type: 'asset-care',
        subject: 'Pump leaks',
        description: 'Drips under the seal',
        requester: { id: customer },
        fields,
      });
    const covered = await open({ assetId: asset });
    expect(covered.status, JSON.stringify(covered.body)).toBe(201);
    expect(covered.body.sla).toMatchObject({ policyId: 'asset-gold', entitlement: { id: onAsset.body.entitlementId, level: 'gold' } });
    const other = await open({ assetId: 'PUMP-unknown' });
    expect(other.body.sla).toMatchObject({ policyId: 'asset-silver', entitlement: { level: 'silver' } });
    expect((await call('agent', 'GET', `/entitlements?assetId=${asset}&customerId=${customer}`)).body.items.map((e: Body) => e.holder.kind)).toEqual([
      'asset',
      'customer',
    ]);
  });
});

describe('merging', () => {
  it("stops the duplicate's clocks with the merge, and drops it from the due listing", async () => {
    const customer = newCustomer();
    const [dup, survivor] = [await newCase(customer), await newCase(customer)];
    const merged = await call('agent', 'POST', `/cases/${dup.caseId}/merge`, { survivorId: survivor.caseId, reason: 'Same login problem' });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body.sla.clocks.resolution.status).toBe('stopped');
    expect(merged.body.sla.nextDueAt).toBeNull();
    expect((await slaEvents(dup.caseId)).map((e) => e.action)).toEqual(['SlaStarted', 'SlaStopped']);
    const due = await call('supervisor', 'GET', '/cases?slaDueBefore=2030-01-01T00:00:00Z&limit=100');
    const listed = (due.body.items as Body[]).map((c) => c.caseId);
    expect(listed).toContain(survivor.caseId);
    expect(listed).not.toContain(dup.caseId);
    expect((await call('agent', 'GET', `/cases/${dup.caseId}/history/verify`)).body.valid).toBe(true);
  });
});

describe('cases due soon', () => {
  it('lists cases by their next deadline, soonest first, a page at a time, for staff', async () => {
    setNow('2026-12-03T09:00:00Z');
    const due = async (before: string, limit = 100, cursor?: string) =>
      call(
        'supervisor',
        'GET',
        `/cases?slaDueBefore=${encodeURIComponent(before)}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
    const all = await due('2027-01-01T00:00:00Z');
    expect(all.status).toBe(200);
    const deadlines = (all.body.items as Body[]).map((c) => c.sla.nextDueAt as string);
    expect(deadlines.length).toBeGreaterThan(5);
    expect([...deadlines].sort()).toEqual(deadlines);
    // Paused and finished cases are not in the index at all.
    expect((all.body.items as Body[]).every((c) => c.sla.nextDueAt !== null)).toBe(true);

    const cutoff = deadlines[2]!;
    const before = await due(cutoff);
    expect((before.body.items as Body[]).every((c) => c.sla.nextDueAt < cutoff)).toBe(true);

    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await due('2027-01-01T00:00:00Z', 2, cursor);
      pages.push(...(page.body.items as Body[]).map((c) => c.caseId as string));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual((all.body.items as Body[]).map((c) => c.caseId));

    expect((await call('requester', 'GET', '/cases?slaDueBefore=2027-01-01T00:00:00Z')).status).toBe(403);
    const mixed = await call('agent', 'GET', '/cases?slaDueBefore=2027-01-01T00:00:00Z&queue=support');
    expect(mixed.status).toBe(400);
    expect(JSON.stringify(mixed.body)).toContain('query.queue');
    expect((await call('agent', 'GET', '/cases?slaDueBefore=tomorrow')).status).toBe(400);
  });
});
