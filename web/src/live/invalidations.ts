/**
 * Which server state a live event makes stale: the query-key prefixes to invalidate.
 * Pure, so the mapping is tested as a table; `app/live.tsx` applies it. An event only
 * marks queries stale, the views read the API again (the event's detail is never the
 * data shown: the API applies field visibility to what it returns, and order of arrival
 * does not matter).
 */
import type { LiveEvent } from './live-client.js';
import { queryKeys } from '../api/query-keys.js';

export type QueryKeyPrefix = readonly unknown[];

/** Lists a case may appear in, or move in or out of. */
const caseLists: readonly QueryKeyPrefix[] = [queryKeys.inbox, queryKeys.portalCases, queryKeys.boardOpen, queryKeys.boardQueues];

export function invalidationsFor(event: Pick<LiveEvent, 'event' | 'caseId'>): QueryKeyPrefix[] {
  const { caseId } = event;
  const theCase = [queryKeys.case(caseId), queryKeys.adminCase(caseId), queryKeys.routingCase(caseId)];
  switch (event.event) {
    case 'CaseCreated':
    case 'CaseUpdated':
    case 'StatusChanged':
      return [...caseLists, ...theCase];
    case 'Assigned':
      // An accepted offer ends the offer everywhere it is shown, and moves the agents' load.
      return [...caseLists, ...theCase, queryKeys.routing, queryKeys.boardAgents];
    case 'CommentAdded':
      return [queryKeys.caseComments(caseId), queryKeys.caseHistory(caseId)];
    case 'CaseOffered':
    case 'OfferClosed':
      // Made or ended (accepted, declined, expired): every browser of the agent shows the offers as they are.
      return [queryKeys.offers, queryKeys.routingCase(caseId)];
    default:
      // SlaStarted, SlaWarned, SlaBreached, SlaPaused, ...: the case's clocks and the lists' badges and order.
      if (event.event.startsWith('Sla')) return [...caseLists, ...theCase];
      return [];
  }
}

/** The keys of many events, each once (a burst of events refreshes each view once). */
export function invalidationsForAll(events: readonly Pick<LiveEvent, 'event' | 'caseId'>[]): QueryKeyPrefix[] {
  const unique = new Map<string, QueryKeyPrefix>();
  for (const event of events) for (const key of invalidationsFor(event)) unique.set(JSON.stringify(key), key);
  // A key under another in the set is refreshed by that one already.
  const keys = [...unique.values()];
  return keys.filter((key) => !keys.some((other) => other !== key && other.length < key.length && other.every((part, i) => part === key[i])));
}
