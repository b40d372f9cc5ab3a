/**
 * `npm run bench:sla`: what SLA clocks cost.
 *  1. Deadline maths: addBusinessMinutes and businessMinutesBetween over
 *     year-long spans on the London office calendar (two periods a day, GB bank
 *     holidays), per second, with a warm calendar (its days cached) and a cold one
 *     (a fresh calendar object per call); next to the naive walk (one luxon
 *     conversion per minute) over one week, measured in the same run. The ratio
 *     of minutes of span covered per second is the figure.
 *  2. DynamoDB capacity units of create, transition and public reply for a
 *     `support` case without any SLA policy, then with the example policies
 *     loaded, in the same run on the same platform.
 * `-- --smoke`: a few iterations of each (smoke.ts).
 */
import { DateTime } from 'luxon';
import { performance } from 'node:perf_hooks';
import { startPlatform } from '#lib/local/platform.js';
import { seedSla } from '#lib/local/seed-sla.js';
import { exampleCalendars } from '#lib/seed/sla/index.js';
import { CalendarInputSchema, WEEKDAYS, addBusinessMinutes, businessMinutesBetween, type CalendarRules } from '#core/sla/calendar.js';
import { sized } from './smoke.js';

const YEAR_MINUTES = 365 * 24 * 60;
const WEEK_MINUTES = 7 * 24 * 60;
/** Requests per capacity figure. */
const RUNS = sized(20, 2);

function rate(label: string, fullRuns: number, once: (i: number) => unknown) {
  const runs = sized(fullRuns, 2);
  for (let i = 0; i < Math.min(20, runs); i++) once(i);
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) once(i);
  const seconds = (performance.now() - t0) / 1000;
  return { label, perSecond: runs / seconds };
}

/** The obviously-correct walk: count minute by minute, one zone conversion each. */
function naiveBetween(cal: CalendarRules, holidays: Set<string>, a: number, b: number): number {
  let n = 0;
  for (let t = a; t < b; t += 60_000) {
    const local = DateTime.fromMillis(t, { zone: cal.timeZone });
    if (holidays.has(local.toISODate()!)) continue;
    const tod = local.hour * 60 + local.minute;
    const periods = cal.week[WEEKDAYS[local.weekday - 1]!] ?? [];
    if (
      periods.some(
        (p) => tod >= Number(p.start.slice(0, 2)) * 60 + Number(p.start.slice(3)) && tod < Number(p.end.slice(0, 2)) * 60 + Number(p.end.slice(3)),
      )
    )
      n++;
  }
  return n;
}

function deadlineMaths() {
  const { calendarId: _id, ...definition } = exampleCalendars()[0]!;
  const input = CalendarInputSchema.parse(definition);
  const warm: CalendarRules = input;
  const start = Date.parse('2026-01-05T09:17:00Z');
  const startAt = (i: number) => new Date(start + (i % 500) * 3_600_000 * 7);
  const yearOfWork = businessMinutesBetween(warm, '2026-01-05T00:00:00Z', '2027-01-05T00:00:00Z');
  // Sanity: the fast maths and the naive walk agree on a week before either is timed.
  const weekA = Date.parse('2026-12-21T00:00:00Z');
  const holidays = new Set(['2026-12-24', '2026-12-25', '2026-12-28']);
  const fast = businessMinutesBetween(warm, new Date(weekA), new Date(weekA + WEEK_MINUTES * 60_000));
  const naive = naiveBetween(warm, holidays, weekA, weekA + WEEK_MINUTES * 60_000);
  if (fast !== naive) throw new Error(`fast ${fast} != naive ${naive}`);

  const rows = [
    rate('addBusinessMinutes, a year of work, warm calendar', 2000, (i) => addBusinessMinutes(warm, startAt(i), yearOfWork)),
    rate('businessMinutesBetween, one year, warm calendar', 2000, (i) =>
      businessMinutesBetween(warm, startAt(i), new Date(startAt(i).getTime() + YEAR_MINUTES * 60_000)),
    ),
    rate('addBusinessMinutes, a year of work, cold calendar', 300, (i) => addBusinessMinutes({ ...input }, startAt(i), yearOfWork)),
    rate('businessMinutesBetween, one year, cold calendar', 300, (i) =>
      businessMinutesBetween({ ...input }, startAt(i), new Date(startAt(i).getTime() + YEAR_MINUTES * 60_000)),
    ),
    rate('addBusinessMinutes, 8 hours, warm calendar (a typical deadline)', 20000, (i) => addBusinessMinutes(warm, startAt(i), 480)),
  ];
  const baseline = rate('naive minute walk, one week (baseline)', 10, () => naiveBetween(warm, holidays, weekA, weekA + WEEK_MINUTES * 60_000));
  console.log('\nDeadline maths (London office calendar, GB bank holidays):');
  console.table(
    [...rows, baseline].map((r) => {
      const span = r === baseline ? WEEK_MINUTES : r.label.includes('8 hours') ? 0 : YEAR_MINUTES;
      return {
        computation: r.label,
        'per second': Math.round(r.perSecond),
        'vs baseline (calls/s)': `${(r.perSecond / baseline.perSecond).toFixed(1)}x`,
        'vs baseline (minutes of span/s)': span ? `${((r.perSecond * span) / (baseline.perSecond * WEEK_MINUTES)).toFixed(0)}x` : '-',
      };
    }),
  );
}

async function capacity() {
  // Each request's own units: the bus's consumers (routing, acknowledgements, SLA timers) would add theirs to the same meter.
  const platform = await startPlatform({ port: 0, inMemory: true, quiet: true, seedSla: false, publishEvents: false });
  const { onConsumedCapacity } = await import('#adapters/dynamodb/capacity-meter.js');
  try {
    const call = async (role: 'agent' | 'admin', path: string, init: RequestInit = {}) => {
      const response = await fetch(`${platform.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${platform.tokens[role]}`, 'content-type': 'application/json' },
      });
      if (response.status >= 300) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { caseId: string; version: number; sla?: unknown };
    };
    const body = (n: number) =>
      JSON.stringify({
        type: 'support',
        subject: `Bench ${n}`,
        description: 'Login spins',
        requester: { id: `bench-${n % 20}` },
        fields: { product: 'web-app', category: 'problem' },
      });
    let units = 0;
    const stop = onConsumedCapacity((_c, u) => (units += u));
    const measure = async (fn: () => Promise<unknown>, runs = RUNS) => {
      units = 0;
      for (let i = 0; i < runs; i++) await fn();
      return units / runs;
    };
    const run = async () => {
      for (let i = 0; i < sized(5, 1); i++) await call('agent', '/cases', { method: 'POST', body: body(i) });
      const create = await measure(() => call('agent', '/cases', { method: 'POST', body: body(7) }));
      const moving = await call('agent', '/cases', { method: 'POST', body: body(8) });
      await call('agent', `/cases/${moving.caseId}/transitions`, { method: 'POST', body: JSON.stringify({ to: 'in_review' }) });
      let blocked = false;
      // in_review <-> blocked: blocked is a waiting state, so with a policy each move pauses or resumes resolution.
      const transition = await measure(async () => {
        await call('agent', `/cases/${moving.caseId}/transitions`, {
          method: 'POST',
          body: JSON.stringify({ to: blocked ? 'in_review' : 'blocked', reason: 'Waiting for the vendor' }),
        });
        blocked = !blocked;
      });
      const replies: string[] = [];
      for (let i = 0; i < RUNS; i++) replies.push((await call('agent', '/cases', { method: 'POST', body: body(9) })).caseId);
      let r = 0;
      // The first public reply on each case: with a policy it meets firstResponse.
      const reply = await measure(() =>
        call('agent', `/cases/${replies[r++]}/comments`, { method: 'POST', body: JSON.stringify({ body: 'On it', visibility: 'public' }) }),
      );
      return { create, transition, reply, sample: moving };
    };
    const without = await run();
    if (without.sample.sla) throw new Error('expected no SLA without policies');
    await seedSla(platform.url, platform.tokens.admin);
    const withSla = await run();
    if (!withSla.sample.sla) throw new Error('expected an SLA once the example policies are loaded');
    stop();
    console.log(`\nCapacity units per request, support case (mean of ${RUNS}; DynamoDB Local ReturnConsumedCapacity):`);
    console.table(
      (['create', 'transition', 'reply'] as const).map((op) => ({
        operation: op === 'transition' ? 'transition (in_review <-> blocked)' : op === 'reply' ? 'first public staff reply' : 'create',
        'no policy': Number(without[op].toFixed(2)),
        'with SLA': Number(withSla[op].toFixed(2)),
        ratio: `${(withSla[op] / without[op]).toFixed(2)}x`,
      })),
    );
  } finally {
    await platform.stop();
  }
}

deadlineMaths();
await capacity();
