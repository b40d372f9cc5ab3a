/**
 * Each function's settings derive from its declaration alone (functions/topology/functions.ts):
 * `environmentFor` brings exactly what a function's uses bring, and the local platform's loader
 * (lib/local/function-loader.ts) lets a handler sharing the process see exactly that, at its cold
 * start and in every invocation, so a use missing from a declaration fails locally as in AWS.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '#functions/config.js';
import { functionRegistry, type RegisteredFunction, type Uses } from '#topology/functions.js';
import { environmentFor, settingsFor, settingsOf, USE_SETTING_NAMES, USE_SETTINGS, type ResourceValues } from '#topology/function-environment.js';
import { loadFunction, observeInvocations, runAs } from '#lib/local/function-loader.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROBE = 'test/support/handlers/env-probe.ts';

/** A value for every field of every resource, both modes' at once, so any missing setting shows. */
const allFields = Object.fromEntries(
  Object.entries(USE_SETTINGS).map(([use, settings]) => [
    use,
    Object.fromEntries(Object.entries(settings).map(([name, field]) => [field, valueFor(name)])),
  ]),
) as ResourceValues;

/**
 * The platform's values in the loader's cases: all of them but the cursor key's secret ARN, which
 * config() refuses beside the key itself (one key source), so a function that pages can read its configuration.
 */
const everything: ResourceValues = { ...allFields, cursorKey: { key: valueFor('CURSOR_KEY') } };

function valueFor(name: string): string {
  // Values config() accepts, so a function that reads the whole configuration can.
  const valid: Record<string, string> = {
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:1',
    DYNAMODB_TIMEOUT_MS: '2000',
    CASES_PER_SECOND: '3200',
    EVENTBRIDGE_ENDPOINT: 'http://127.0.0.1:2/events',
    FILES_BASE_URL: 'http://127.0.0.1:3',
    FILES_SIGNING_KEY: 'k'.repeat(32),
    CURSOR_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cursor-AbCdEf',
    CURSOR_KEY: 'c'.repeat(32),
    SEARCH_MODE: 'opensearch',
    OPENSEARCH_ENDPOINT: 'https://search.example.com',
    OPENSEARCH_INDEX: 'knowledge',
    SLA_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:sla',
    LIVE_PUSH: 'local',
    LIVE_CONNECTIONS_ENDPOINT: 'https://live.example.com/live',
    TOKEN_JWKS_URL: 'https://issuer.example.com/jwks.json',
    ROLE_MAPPING: '{"agents":"agent"}',
    TEAM_GROUPS: '{"fraud-team":"fraud"}',
    NOTIFY_MODE: 'outbox',
    NOTIFY_FROM_ADDRESS: 'cases@example.com',
    NOTIFY_MESSAGE_ID_DOMAIN: 'example.com',
  };
  return valid[name] ?? `value-of-${name}`;
}

const caseway = (env: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => USE_SETTING_NAMES.has(entry[0]) && entry[1] !== undefined));

/** Every use at every level, one at a time: the table of cases. */
const SINGLE_USES: Uses[] = Object.entries({
  table: ['name', 'read', 'readWrite'],
  readLog: ['append'],
  bus: ['name', 'put'],
  files: ['readWrite'],
  inboundMail: ['read'],
  cursorKey: ['read'],
  search: ['read', 'write'],
  slaTimers: ['startStop'],
  live: ['push'],
  tokens: ['verify'],
  identity: ['rolesClaim', 'caller'],
  email: ['send'],
} satisfies { [K in keyof Uses]-?: NonNullable<Uses[K]>[] }).flatMap(([use, levels]) => levels.map((level) => ({ [use]: level }) as Uses));

const saved = { ...process.env };
beforeAll(() => {
  // The platform's environment: every setting, plus what every function shares.
  Object.assign(process.env, settingsFor(everything), { AWS_REGION: 'eu-west-1' });
});
afterAll(() => {
  for (const name of USE_SETTING_NAMES) if (!(name in saved)) delete process.env[name];
});

describe('environmentFor', () => {
  it.each(SINGLE_USES.map((uses) => [JSON.stringify(uses), uses] as const))('%s brings its own settings and no others', (_, uses) => {
    const environment = environmentFor({ uses }, allFields);
    const [use, level] = Object.entries(uses)[0]! as [keyof Uses, string];
    const expected = {
      table: { name: ['TABLE_NAME'], read: ['TABLE_NAME', 'DYNAMODB_ENDPOINT', 'DYNAMODB_TIMEOUT_MS', 'CASES_PER_SECOND'] },
      bus: { name: ['EVENT_BUS_NAME'], put: ['EVENT_BUS_NAME', 'EVENTBRIDGE_ENDPOINT'] },
      identity: { rolesClaim: ['ROLES_CLAIM'] },
    } as Record<string, Record<string, string[]>>;
    const names = expected[use]?.[level] ?? (use === 'table' ? expected.table!.read! : Object.keys(USE_SETTINGS[use]));
    expect(Object.keys(environment).sort()).toEqual([...names].sort());
    for (const name of names) expect(environment[name]).toBe(valueFor(name));
  });

  it("property: the settings of several uses are the union of each one's, and only settings a mode has a value for appear", () => {
    fc.assert(
      fc.property(fc.subarray(SINGLE_USES), fc.subarray([...USE_SETTING_NAMES]), (picked, missing) => {
        const uses = Object.assign({}, ...picked) as Uses;
        const values = Object.fromEntries(
          Object.entries(allFields).map(([use, fields]) => [
            use,
            Object.fromEntries(
              Object.entries(fields as Record<string, string>).filter(
                ([field]) => !missing.some((name) => (USE_SETTINGS[use as keyof Uses] as Record<string, string>)[name] === field),
              ),
            ),
          ]),
        ) as ResourceValues;
        const union = new Set(picked.flatMap((one) => Object.keys(environmentFor({ uses: one }, values))));
        const environment = environmentFor({ uses }, values);
        expect(new Set(Object.keys(environment))).toEqual(union);
        for (const name of missing) expect(environment).not.toHaveProperty(name);
        for (const name of Object.keys(environment)) expect(settingsOf(uses).has(name)).toBe(true);
      }),
    );
  });
});

describe('the local loader', () => {
  it.each(SINGLE_USES.map((uses, i) => [JSON.stringify(uses), uses, i] as const))(
    "%s: the handler sees exactly its declaration's settings, at cold start and when it runs",
    async (_, uses, i) => {
      // A name per case: each is a function of its own, with its own view (the module is shared, as modules are).
      const probe = await loadFunction<{ read: (name: string) => Promise<string | undefined> }>(ROOT, { name: `probe-${i}`, entry: PROBE, uses });
      const expected = environmentFor({ uses }, everything);
      for (const name of USE_SETTING_NAMES) expect([name, await probe.read(name)]).toEqual([name, expected[name]]);
      // What every function shares shows through.
      expect(await probe.read('AWS_REGION')).toBe('eu-west-1');
    },
  );

  it("gives a module its function's settings while it is first imported, modules it imports included", async () => {
    const coldStart = await loadFunction<{ handler: () => Promise<Record<string, string | undefined>> }>(ROOT, {
      name: 'probe-cold-start',
      entry: 'test/support/handlers/env-at-load.ts',
      uses: { cursorKey: 'read' },
    });
    expect(await coldStart.handler()).toEqual({ seen: valueFor('CURSOR_KEY'), hidden: undefined, seenByDependency: valueFor('CURSOR_KEY') });
  });

  it('runs the whole configuration of a granted function', async () => {
    const uses: Uses = { table: 'read', cursorKey: 'read' };
    const probe = await loadFunction<{ handler: () => Promise<{ now: Record<string, string>; tableName: string }> }>(ROOT, {
      name: 'probe-reader',
      entry: PROBE,
      uses,
    });
    const result = await probe.handler();
    expect(result.now).toEqual(environmentFor({ uses }, everything));
    expect(result.tableName).toBe(valueFor('TABLE_NAME'));
  });

  it('fails a function that reads a setting its declaration does not grant, as it would fail in AWS', async () => {
    const noTable = await loadFunction<{ handler: () => Promise<unknown> }>(ROOT, { name: 'probe-no-table', entry: PROBE, uses: { bus: 'put' } });
    await expect(noTable.handler()).rejects.toThrow(/Caseway configuration is invalid: TABLE_NAME/);
  });

  it('tells invocation observers of every handler call, returned or thrown, by function name, and of no other export', async () => {
    const heard: string[] = [];
    const stop = observeInvocations((name, ms) => heard.push(`${name} ${ms >= 0 ? 'timed' : 'untimed'}`));
    const probe = await loadFunction<{ handler: () => Promise<unknown>; read: (name: string) => Promise<unknown> }>(ROOT, {
      name: 'probe-observed',
      entry: PROBE,
      uses: { table: 'read', cursorKey: 'read' },
    });
    const failing = await loadFunction<{ handler: () => Promise<unknown> }>(ROOT, {
      name: 'probe-observed-failing',
      entry: PROBE,
      uses: { bus: 'put' },
    });
    await probe.handler();
    await probe.read('AWS_REGION');
    await expect(failing.handler()).rejects.toThrow(/TABLE_NAME/);
    stop();
    await probe.handler();
    expect(heard).toEqual(['probe-observed timed', 'probe-observed-failing timed']);
  });

  it('keeps one configuration per function, and the whole one outside any', () => {
    const publisher = () => runAs('outbox-publisher', () => process.env);
    expect(publisher()).toBe(publisher());
    expect(() => runAs('outbox-publisher', () => config())).toThrow(/TABLE_NAME/);
    const read = runAs('cases-get', () => config());
    expect(runAs('cases-get', () => config())).toBe(read);
    expect(read.CURSOR_KEY).toBeUndefined();
    expect(runAs('cases-list', () => config()).CURSOR_KEY).toBe(valueFor('CURSOR_KEY'));
    expect(config().CURSOR_KEY).toBe(valueFor('CURSOR_KEY'));
  });

  it('gives every registered function exactly environmentFor(its declaration)', () => {
    for (const name of Object.keys(functionRegistry) as RegisteredFunction[]) {
      const seen = runAs(name, () => caseway(process.env));
      expect([name, seen]).toEqual([name, environmentFor(functionRegistry[name], everything)]);
    }
  });
});
