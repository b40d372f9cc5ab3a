/**
 * What an event handler counts reaches CloudWatch as embedded-metric-format lines on
 * stdout, which Lambda turns into metrics: the SLA breach count the stack alarms on must
 * come out under exactly the namespace, name and dimensions the alarm names
 * (`SLA_BREACHES`), or the alarm would watch a metric nobody publishes.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { SHARED_FUNCTION_ENVIRONMENT } from '#topology/function-environment.js';
import { SLA_BREACHES } from '#topology/metrics.js';

type Emf = {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
} & Record<string, unknown>;

beforeAll(() => {
  // As deployed (CasewayFunction's environment): metrics on, Caseway's namespace and service.
  for (const [key, value] of Object.entries(SHARED_FUNCTION_ENVIRONMENT)) vi.stubEnv(key, value);
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_DEV', 'false');
});
afterEach(() => vi.restoreAllMocks());

/** The EMF documents written while `run` runs. */
async function emfOf(run: () => Promise<unknown>): Promise<Emf[]> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = String(chunk);
    if (text.includes('"_aws"')) lines.push(...text.split('\n').filter((l) => l.includes('"_aws"')));
    else return write(chunk, ...(rest as []));
    return true;
  });
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    const text = args.map(String).join(' ');
    if (text.includes('"_aws"')) lines.push(text);
  });
  await run();
  return lines.map((l) => JSON.parse(l) as Emf);
}

describe('a counted event metric', () => {
  it('is published with the namespace, name and dimensions the SLA breach alarm watches, once per count', async () => {
    const { onInvoke } = await import('#events/event-handler.js');
    const handler = onInvoke({
      name: SLA_BREACHES.dimensions.operation,
      input: z.object({ breaches: z.number().int() }),
      field: 'input',
      dedup: { idempotent: 'a test' },
      work: async (input, _context, meter) => {
        for (let i = 0; i < input.breaches; i++) meter.count(SLA_BREACHES.metricName);
        return input.breaches;
      },
    });
    const documents = await emfOf(() => handler({ breaches: 2 }));
    const breaches = documents.filter((d) => d._aws.CloudWatchMetrics.some((m) => m.Metrics.some((x) => x.Name === SLA_BREACHES.metricName)));
    expect(breaches).toHaveLength(1);
    const [document] = breaches;
    const [directive] = document!._aws.CloudWatchMetrics;
    expect(directive!.Namespace).toBe(SLA_BREACHES.namespace);
    expect(directive!.Metrics).toContainEqual({ Name: SLA_BREACHES.metricName, Unit: 'Count' });
    // The alarm names exactly these dimensions, with these values.
    expect([...directive!.Dimensions[0]!].sort()).toEqual(Object.keys(SLA_BREACHES.dimensions).sort());
    for (const [name, value] of Object.entries(SLA_BREACHES.dimensions)) expect(document![name]).toBe(value);
    // Two counts in one invocation are two values (CloudWatch's Sum, which the alarm uses, adds them).
    expect([document![SLA_BREACHES.metricName]].flat().reduce((a: number, b) => a + Number(b), 0)).toBe(2);

    // An invocation that counts nothing publishes no breach.
    const quiet = await emfOf(() => handler({ breaches: 0 }));
    expect(quiet.filter((d) => SLA_BREACHES.metricName in d)).toEqual([]);
  });
});
