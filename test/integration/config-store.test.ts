/**
 * The one versioned-configuration store, against DynamoDB Local, for every kind
 * it holds (a table of cases): a version is written once; of publishers racing
 * from the same version exactly one wins; old versions stay readable where the
 * kind keeps history; the items keep the keys and entity names they had before
 * the store (so existing tables read as they are); and a publish is seen at once
 * by this container's cached reads, even for kinds whose current items are cached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTING_RULESET, caseTypes, routingQueues, routingRules, slaCalendars, slaPolicies } from '#adapters/dynamodb/config-kinds.js';
import type { ConfigStore } from '#adapters/dynamodb/config-store.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { scanTable } from '../support/table-snapshot.js';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ seedCaseTypes: false, seedSla: false, seedRouting: false });
});

afterAll(async () => {
  await platform?.stop();
});

type Item = { readonly version: number } & Record<string, unknown>;

interface KindCase {
  readonly name: string;
  readonly store: ConfigStore<Item, unknown>;
  readonly id: string;
  /** Version `version` of the item, `tag` telling racing publishers' drafts apart. */
  readonly make: (version: number, tag: string) => Item;
  /** The keys and entities of its items after versions 1 and 2 (as before the store). */
  readonly items: readonly { pk: string; sk: string; entity: string }[];
  readonly history: boolean;
}

const at = (version: number) => `2026-12-03T10:00:0${version}.000Z`;
const stamp = (version: number) => ({ version, publishedAt: at(version), publishedBy: 'store-test' });

const kinds: KindCase[] = [
  {
    name: 'case types',
    store: caseTypes as unknown as ConfigStore<Item, unknown>,
    id: 'store-type',
    make: (version, tag) => ({ typeId: 'store-type', name: `Type ${tag}`, ...stamp(version) }),
    items: [
      { pk: 'CASETYPE#store-type', sk: '#CURRENT', entity: 'CaseTypeCurrent' },
      { pk: 'CASETYPE#store-type', sk: 'VERSION#0000000001', entity: 'CaseTypeVersion' },
      { pk: 'CASETYPE#store-type', sk: 'VERSION#0000000002', entity: 'CaseTypeVersion' },
    ],
    history: true,
  },
  {
    name: 'SLA calendars',
    store: slaCalendars as unknown as ConfigStore<Item, unknown>,
    id: 'store-calendar',
    make: (version, tag) => ({ calendarId: 'store-calendar', name: `Calendar ${tag}`, ...stamp(version) }),
    items: [
      { pk: 'SLACALENDAR#store-calendar', sk: '#CURRENT', entity: 'SlaCalendarCurrent' },
      { pk: 'SLACALENDAR#store-calendar', sk: 'VERSION#0000000001', entity: 'SlaCalendarVersion' },
      { pk: 'SLACALENDAR#store-calendar', sk: 'VERSION#0000000002', entity: 'SlaCalendarVersion' },
    ],
    history: true,
  },
  {
    name: 'SLA policies',
    store: slaPolicies as unknown as ConfigStore<Item, unknown>,
    id: 'store-policy',
    make: (version, tag) => ({ policyId: 'store-policy', name: `Policy ${tag}`, ...stamp(version) }),
    items: [
      { pk: 'SLAPOLICY#store-policy', sk: '#CURRENT', entity: 'SlaPolicyCurrent' },
      { pk: 'SLAPOLICY#store-policy', sk: 'VERSION#0000000001', entity: 'SlaPolicyVersion' },
      { pk: 'SLAPOLICY#store-policy', sk: 'VERSION#0000000002', entity: 'SlaPolicyVersion' },
    ],
    history: true,
  },
  {
    name: 'routing rules',
    store: routingRules as unknown as ConfigStore<Item, unknown>,
    id: ROUTING_RULESET,
    make: (version, tag) => ({ rules: [{ id: `rule-${tag}`, when: { all: [] }, then: {} }], ...stamp(version) }),
    items: [
      { pk: 'ROUTING#RULES', sk: '#CURRENT', entity: 'RoutingRulesCurrent' },
      { pk: 'ROUTING#RULES', sk: 'VERSION#0000000001', entity: 'RoutingRules' },
      { pk: 'ROUTING#RULES', sk: 'VERSION#0000000002', entity: 'RoutingRules' },
    ],
    history: true,
  },
  {
    name: 'queues',
    store: routingQueues as unknown as ConfigStore<Item, unknown>,
    id: 'store-queue',
    make: (version, tag) => ({ queueId: 'store-queue', name: `Queue ${tag}`, offerTimeoutSeconds: 60, version }),
    items: [{ pk: 'ROUTING#QUEUES', sk: 'QUEUE#store-queue', entity: 'RoutingQueue' }],
    history: false,
  },
];

describe.each(kinds)('the config store: $name', (kind) => {
  it('writes a version once, lets one of 8 racing publishers win, and keeps the item layout', async () => {
    expect(await kind.store.publish(kind.make(1, 'first'))).toBe('written');
    expect(await kind.store.publish(kind.make(1, 'again'))).toBe('stale');

    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => kind.store.publish(kind.make(2, `racer-${i}`))));
    expect(outcomes.filter((o) => o === 'written')).toHaveLength(1);
    const winner = outcomes.indexOf('written');
    expect(await kind.store.current(kind.id, 'fresh')).toEqual(kind.make(2, `racer-${winner}`));
    expect(await kind.store.current(kind.id)).toEqual(kind.make(2, `racer-${winner}`));

    // A version may only follow the one in force.
    expect(await kind.store.publish(kind.make(4, 'skipping'))).toBe('stale');

    const stored = (await scanTable(platform)).filter((item) => kind.items.some((expected) => expected.pk === item.pk));
    expect(
      stored.map((item) => ({ pk: item.pk, sk: item.sk, entity: item.entity })).sort((a, b) => String(a.sk).localeCompare(String(b.sk))),
    ).toEqual(kind.items);
  });

  it(kind.history ? 'keeps every published version readable' : 'keeps only the version in force', async () => {
    const winner = (await kind.store.current(kind.id))!;
    if (kind.history) {
      expect(await kind.store.version(kind.id, 1)).toEqual(kind.make(1, 'first'));
      expect(await kind.store.versions(kind.id)).toEqual([kind.make(1, 'first'), winner]);
    } else {
      expect(await kind.store.version(kind.id, 1)).toBeUndefined();
    }
    expect(await kind.store.version(kind.id, 2)).toEqual(winner);
    expect(await kind.store.version(kind.id, 3)).toBeUndefined();
  });

  it('shows a publish at once to this container, cached reads and listings included', async () => {
    const cachedBefore = await kind.store.current(kind.id);
    const listedBefore = kind.store.kind.listing ? await kind.store.list() : [];
    expect(await kind.store.publish(kind.make(3, 'third'))).toBe('written');
    expect(cachedBefore?.version).toBe(2);
    expect(await kind.store.current(kind.id)).toEqual(kind.make(3, 'third'));
    if (kind.store.kind.listing) {
      expect(listedBefore).toContainEqual(expect.objectContaining({ version: 2 }));
      expect(await kind.store.list()).toContainEqual(expect.objectContaining({ version: 3 }));
    }
  });
});
