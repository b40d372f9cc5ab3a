/**
 * What SLA timers cost: state transitions per case per SLA clock, counted from
 * the history of the local executions of the real ASL (the same file AWS runs),
 * for the typical paths of a case, and what that costs per 1,000 cases at the
 * public Step Functions Standard price. `npm run bench:sla-timers`.
 *
 * Baseline, measured in the same run: the same cases with the arming consumer
 * never stopping an execution (stale timers left to find out at their next
 * check), which is what StopExecution on every SLA change saves. `-- --smoke`: 1 case
 * per path (smoke.ts).
 */
import type { TimerStarter } from '#adapters/timers.js';
import { useTimerStarter } from '#adapters/timers.js';
import { startPlatform } from '#lib/local/platform.js';
import { transitionsOf } from '#lib/local/step-functions.js';
import { LONDON_OFFICE, policyBody, SlaHarness } from '../support/sla-timers.js';
import type { TestPlatform } from '../support/platform.js';
import { sized } from './smoke.js';

/** AWS Step Functions Standard workflows, us-east-1 list price (aws.amazon.com/step-functions/pricing), as of 2026-11-27. */
const PRICE_PER_1000_TRANSITIONS = 0.025;
const PRICE_DATE = '2026-11-27';
const CASES_PER_PATH = Number(process.env.CASES ?? sized(10, 1));

const LADDER = [
  { afterMinutes: 0, action: 'alertSupervisor', template: 'sla-breach' },
  { afterMinutes: 60, action: 'reassign', queue: 'escalations' },
  { afterMinutes: 120, action: 'notifyCustomer', template: 'sla-delay' },
  { afterMinutes: 240, action: 'alertSupervisor', template: 'sla-breach-again' },
];

async function main() {
  const base = await startPlatform({ port: 0, inMemory: true, quiet: true, frozenClock: true, seedSla: false });
  const platform = base as unknown as TestPlatform;
  const call = async (who: 'agent' | 'admin', path: string, init: RequestInit = {}) => {
    const response = await fetch(`${base.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${base.tokens[who]}`, 'content-type': 'application/json' },
    });
    if (response.status >= 300) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  try {
    const { calendarId, ...calendar } = LONDON_OFFICE;
    await call('admin', '/sla/calendars', { method: 'POST', body: JSON.stringify({ calendarId, name: 'London', ...calendar }) });
    await call('admin', '/sla/policies', {
      method: 'POST',
      body: JSON.stringify(policyBody('day', { match: { caseType: 'support', priority: 'low' }, targets: { resolution: 480 } })),
    });
    await call('admin', '/sla/policies', {
      method: 'POST',
      body: JSON.stringify(policyBody('hour', { match: { caseType: 'support', priority: 'high' }, targets: { resolution: 60 }, escalation: LADDER })),
    });
    const sla = new SlaHarness(platform);

    const open = async (priority: 'low' | 'high') => {
      const c = await call('agent', '/cases', {
        method: 'POST',
        body: JSON.stringify({
          type: 'support',
          priority,
          subject: 'Bench',
          description: 'Bench case.',
          requester: { id: 'bench' },
          fields: { product: 'web-app', category: 'problem', impact: 'team', urgency: 'high' },
        }),
      });
      sla.track(String(c.caseId));
      return String(c.caseId);
    };
    const resolve = async (caseId: string) => {
      await call('agent', `/cases/${caseId}/transitions`, { method: 'POST', body: JSON.stringify({ to: 'in_review' }) });
      await call('agent', `/cases/${caseId}/transitions`, {
        method: 'POST',
        body: JSON.stringify({ to: 'resolved', fields: { resolutionCode: 'fixed' } }),
      });
    };
    // Mondays 09:00 in London (BST), one batch a week from June 2032: no bank holiday in those weeks.
    let day = Date.parse('2032-05-31T08:00:00Z');
    const nextMonday = () => {
      day += 7 * 86_400_000;
      return day;
    };
    const at = (start: number, minutes: number) => new Date(start + minutes * 60_000).toISOString();

    const paths: Record<string, (ids: string[], start: number) => Promise<void>> = {
      'met before warning': async (ids, start) => {
        await sla.advanceTo(at(start, 60));
        for (const id of ids) await resolve(id);
        await sla.settle();
        await sla.advanceTo(at(start, 3 * 24 * 60));
      },
      'warned, then met': async (ids, start) => {
        await sla.advanceTo(at(start, 6 * 60 + 30)); // past 75 % of a working day
        for (const id of ids) await resolve(id);
        await sla.settle();
        await sla.advanceTo(at(start, 3 * 24 * 60));
      },
      'breached + 4 rungs': async (_ids, start) => {
        await sla.advanceTo(at(start, 30));
        await sla.advanceTo(at(start, 60));
        for (const minutes of [120, 180, 300, 24 * 60]) await sla.advanceTo(at(start, minutes));
      },
    };

    const machine = base.slaTimers;
    const measure = async (path: string, stopping: boolean) => {
      const noStop: TimerStarter = { start: (t) => machine.start(t), stop: async () => undefined };
      useTimerStarter(stopping ? machine : noStop);
      const start = nextMonday();
      await sla.advanceTo(new Date(start).toISOString());
      const ids: string[] = [];
      for (let i = 0; i < CASES_PER_PATH; i++) ids.push(await open(path.startsWith('breached') ? 'high' : 'low'));
      await sla.settle();
      await paths[path]!(ids, start);
      const perCase = ids.map((id) =>
        machine
          .executions()
          .filter((e) => e.name.startsWith(`${id}-resolution-`))
          .reduce((sum, e) => sum + transitionsOf(e), 0),
      );
      const executions = ids.map((id) => machine.executions().filter((e) => e.name.startsWith(`${id}-resolution-`)).length);
      const checks = ids.map((id) =>
        machine
          .executions()
          .filter((e) => e.name.startsWith(`${id}-resolution-`))
          .reduce((sum, e) => sum + e.taskRuns, 0),
      );
      if (process.env.DEBUG_BENCH)
        for (const e of machine.executions().filter((x) => x.name.startsWith(`${ids[0]}-`)))
          console.log(
            path,
            stopping,
            e.name,
            e.status,
            e.events
              .filter((x) => x.type === 'StateEntered')
              .map((x) => (x as { state: { name: string } }).state.name)
              .join(' > '),
            e.output,
          );
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      return { transitions: mean(perCase), executions: mean(executions), checks: mean(checks) };
    };

    console.log(
      `SLA timers: state transitions per case per SLA clock (resolution), ${CASES_PER_PATH} cases per path, counted from local execution histories of statemachines/sla-clock.asl.json`,
    );
    console.log(
      `Price: Step Functions Standard $${PRICE_PER_1000_TRANSITIONS} per 1,000 state transitions (us-east-1 list price, ${PRICE_DATE}; free tier ignored). Lambda: one check invocation per CheckStep.\n`,
    );
    const rows = [];
    for (const path of Object.keys(paths)) {
      const stopped = await measure(path, true);
      const baseline = await measure(path, false);
      rows.push({
        path,
        transitions: stopped.transitions,
        'baseline (never stop)': baseline.transitions,
        'ratio vs baseline': Number((stopped.transitions / baseline.transitions).toFixed(2)),
        executions: stopped.executions,
        'check invocations': stopped.checks,
        'USD per 1,000 cases': Number((((stopped.transitions * PRICE_PER_1000_TRANSITIONS) / 1000) * 1000).toFixed(3)),
      });
    }
    console.table(rows);
  } finally {
    await base.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
