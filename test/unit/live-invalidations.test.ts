/**
 * What each live event makes stale in the console (web/src/live/invalidations.ts): a table
 * over every event type the feed pushes, and the merge of a burst (each key once, none
 * already covered by a shorter prefix in the same set).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '../../web/src/api/query-keys.js';
import { invalidationsFor, invalidationsForAll } from '../../web/src/live/invalidations.js';
import { LIVE_EVENT_TYPES } from '#core/live.js';

const id = 'c-1';
const lists = [queryKeys.inbox, queryKeys.portalCases, queryKeys.boardOpen, queryKeys.boardQueues];
const theCase = [queryKeys.case(id), queryKeys.adminCase(id), queryKeys.routingCase(id)];

describe('live event -> stale queries', () => {
  it.each([
    ['CaseCreated', [...lists, ...theCase]],
    ['CaseUpdated', [...lists, ...theCase]],
    ['StatusChanged', [...lists, ...theCase]],
    ['Assigned', [...lists, ...theCase, queryKeys.routing, queryKeys.boardAgents]],
    ['CommentAdded', [queryKeys.caseComments(id), queryKeys.caseHistory(id)]],
    ['CaseOffered', [queryKeys.offers, queryKeys.routingCase(id)]],
    ['OfferClosed', [queryKeys.offers, queryKeys.routingCase(id)]],
    ['SlaStarted', [...lists, ...theCase]],
    ['SlaWarning', [...lists, ...theCase]],
    ['SlaBreached', [...lists, ...theCase]],
    ['SlaPaused', [...lists, ...theCase]],
    ['SomethingElse', []],
  ] as const)('%s', (event, expected) => {
    expect(invalidationsFor({ event, caseId: id })).toEqual(expected);
  });

  it('maps every event type the feed pushes to something', () => {
    for (const event of LIVE_EVENT_TYPES) expect(invalidationsFor({ event, caseId: id }).length, event).toBeGreaterThan(0);
  });

  it('the case view (and the requester portal) read comments and timeline under the case key, so a comment refreshes both', () => {
    const keys = invalidationsFor({ event: 'CommentAdded', caseId: id });
    // The agent's comments ['case', id, 'comments', 'all'] and the portal's ['case', id, 'comments'] both sit under the first.
    expect(keys[0]).toEqual(['case', id, 'comments']);
    expect(keys[1]).toEqual(['case', id, 'history']);
  });

  const isUnder = (key: readonly unknown[], prefix: readonly unknown[]) => prefix.length <= key.length && prefix.every((part, i) => part === key[i]);

  it('a burst refreshes each key once, and covers every key any one of its events names', () => {
    const events = fc.array(
      fc.record({ event: fc.constantFrom(...LIVE_EVENT_TYPES, 'SlaBreached', 'Other'), caseId: fc.constantFrom('a', 'b', 'c') }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(events, (burst) => {
        const merged = invalidationsForAll(burst);
        const texts = merged.map((key) => JSON.stringify(key));
        expect(new Set(texts).size).toBe(texts.length);
        // No key is under another of the set (it would refetch the same queries twice).
        for (const key of merged) expect(merged.filter((other) => isUnder(key, other))).toEqual([key]);
        for (const event of burst) for (const key of invalidationsFor(event)) expect(merged.some((prefix) => isUnder(key, prefix))).toBe(true);
      }),
    );
  });
});
