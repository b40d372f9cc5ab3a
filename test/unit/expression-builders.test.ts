/**
 * DynamoDB refuses a request whose ExpressionAttributeNames or Values hold an
 * entry no expression uses (and one that uses an entry it does not define): a
 * builder that adds an optional part must add its names and values with it, and
 * only then. Every builder with optional parts, over every combination of them.
 * (`PUT /routing/agents/{id}` without a name answered 500 this way.)
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  agentReconfiguration,
  deleteOfferItem,
  presenceUpdate,
  putOfferItem,
  releaseCapacity,
  routingStateItems,
  takeCapacity,
  type RoutingState,
} from '#adapters/dynamodb/routing-repository.js';
import { processedMark } from '#adapters/dynamodb/processed-events.js';
import { PRESENCES } from '#core/routing/dispatch.js';
import { CHANNELS } from '#core/vocabulary.js';

beforeAll(() => {
  vi.stubEnv('TABLE_NAME', 'unit');
});

interface ExpressionInput {
  UpdateExpression?: string;
  ConditionExpression?: string;
  KeyConditionExpression?: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** Placeholders defined but not used, and used but not defined. */
function mismatches(input: ExpressionInput): { unusedNames: string[]; unusedValues: string[]; undefinedTokens: string[] } {
  const text = [input.UpdateExpression, input.ConditionExpression, input.KeyConditionExpression, input.FilterExpression, input.ProjectionExpression]
    .filter(Boolean)
    .join(' ');
  const used = new Set(text.match(/[#:][A-Za-z0-9_]+/g) ?? []);
  const names = Object.keys(input.ExpressionAttributeNames ?? {});
  const values = Object.keys(input.ExpressionAttributeValues ?? {});
  return {
    unusedNames: names.filter((n) => !used.has(n)),
    unusedValues: values.filter((v) => !used.has(v)),
    undefinedTokens: [...used].filter((t) => !names.includes(t) && !values.includes(t)),
  };
}

const clean = { unusedNames: [], unusedValues: [], undefinedTokens: [] };

/** Every part of a transaction item that carries expressions. */
function partsOf(item: Record<string, unknown>): ExpressionInput[] {
  return Object.values(item).filter((v): v is ExpressionInput => typeof v === 'object' && v !== null);
}

const NOW = '2026-12-03T06:00:00.000Z';

describe('expression builders name exactly what their expressions use', () => {
  it('agent reconfiguration: with and without a name and teams, over any capacity and skills', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
        fc.dictionary(fc.constantFrom(...CHANNELS), fc.integer({ min: 0, max: 5 })),
        fc.dictionary(fc.constantFrom('legal', 'spanish', 'vip'), fc.integer({ min: 1, max: 10 })),
        fc.integer({ min: 1, max: 100 }),
        fc.option(fc.subarray(['fraud', 'legal', 'hr']), { nil: undefined }),
        (name, capacity, skills, version, teams) => {
          expect(
            mismatches(agentReconfiguration({ agentId: 'a1', ...(name ? { name } : {}), capacity, skills, ...(teams ? { teams } : {}) }, version)),
          ).toEqual(clean);
        },
      ),
    );
  });

  it.each(PRESENCES)('presence %s', (presence) => {
    expect(mismatches(presenceUpdate('a1', presence, NOW))).toEqual(clean);
  });

  it.each([true, false])('taking capacity (available required: %s), and giving it back', (requireAvailable) => {
    for (const channel of CHANNELS) {
      expect(mismatches(takeCapacity('a1', channel, NOW, requireAvailable).Update as ExpressionInput)).toEqual(clean);
      for (const teams of [[], ['fraud'], ['fraud', 'legal']])
        expect(mismatches(takeCapacity('a1', channel, NOW, requireAvailable, teams).Update as ExpressionInput)).toEqual(clean);
      expect(mismatches(releaseCapacity('a1', channel, NOW).Update as ExpressionInput)).toEqual(clean);
    }
  });

  const state = (over: Partial<RoutingState>): RoutingState => ({
    caseId: 'CASE-2026-000001',
    state: 'waiting',
    queue: 'q',
    priority: 'medium',
    channel: 'web',
    skills: [],
    since: NOW,
    queuedAt: NOW,
    declinedBy: [],
    version: 1,
    ...over,
  });
  const STATES: (RoutingState | undefined)[] = [
    undefined,
    state({}),
    state({ state: 'offered', offerId: 'o1', agentId: 'a1', version: 2 }),
    state({ state: 'assigned', agentId: 'a1', version: 3 }),
    state({ state: 'done', doneReason: 'resolved', version: 4 }),
    state({ priority: 'urgent', timedOutBy: ['a1'], placement: { by: 'person', actor: 'p', field: 'queue', at: NOW, eventId: 'e' }, version: 5 }),
  ];

  it.each(
    STATES.flatMap((previous) =>
      STATES.filter((s): s is RoutingState => s !== undefined).map((next) => [previous?.state ?? 'none', next.state, previous, next] as const),
    ),
  )('routing state %s -> %s, with its waiting entry', (_from, _to, previous, next) => {
    for (const item of routingStateItems(next, previous)) for (const part of partsOf(item)) expect(mismatches(part)).toEqual(clean);
  });

  it('offer and handled-event items', () => {
    const offer = { offerId: 'o1', caseId: 'CASE-2026-000001', agentId: 'a1', channel: 'web' as const, queue: 'q', offeredAt: NOW, deadline: NOW };
    for (const item of [putOfferItem(offer), deleteOfferItem('o1'), processedMark('routing', 'e1')])
      for (const part of partsOf(item)) expect(mismatches(part)).toEqual(clean);
  });

  it('the checker itself catches what DynamoDB refuses', () => {
    expect(
      mismatches({
        UpdateExpression: 'SET #a = :a',
        ExpressionAttributeNames: { '#a': 'a', '#name': 'name' },
        ExpressionAttributeValues: { ':a': 1 },
      }).unusedNames,
    ).toEqual(['#name']);
    expect(
      mismatches({ UpdateExpression: 'SET #a = :a, b = :zero', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':a': 1 } })
        .undefinedTokens,
    ).toEqual([':zero']);
  });
});
