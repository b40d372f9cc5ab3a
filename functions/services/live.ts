/**
 * Live updates as use cases: a connection authenticates (and resumes), a domain
 * event is fanned out. The decisions are the core's (`core/live.ts`); this reads
 * the facts they need, keeps the connection registry and the recent-event log, and
 * sends through the pusher.
 */
import * as z from 'zod';
import type { Caller } from '#core/caller.js';
import {
  audienceOf,
  isOfferEvent,
  isNews,
  instantOfLiveId,
  liveIdOf,
  liveMessageFor,
  type LiveEntry,
  type LiveScope,
  type LiveSource,
  type OfferDetail,
} from '#core/live.js';
import type { AuditEvent } from '#core/audit-event.js';
import type { DomainEventDetail, OfferClosedEventDetail, OfferEventDetail } from '#contracts/domain-events.js';
import { caseTypes } from '#adapters/dynamodb/config-kinds.js';
import * as repo from '#adapters/dynamodb/case-repository.js';
import * as live from '#adapters/dynamodb/live-repository.js';
import { CLOSE_CODES, type LivePusher } from '#adapters/live-push.js';
import type { Verdict } from '#core/caller.js';
import { logger } from '../observability.js';

/** What a client may send: `auth` first (again to swap in a fresh token), `ping` to keep an idle connection open. */
export const ClientMessage = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('auth'),
      token: z.string().min(1).max(16_384),
      after: z
        .string()
        .refine((id) => instantOfLiveId(id) !== undefined, 'must be the id of a live event (<13-digit epoch ms>-<8 hex>)')
        .optional(),
    })
    .strict(),
  z.object({ type: z.literal('ping') }).strict(),
]);

/** The `error` message sent before the server closes a connection. */
const problem = (status: number, title: string, detail: string, extra: Record<string, string> = {}) => ({
  type: 'error',
  status,
  title,
  detail,
  ...extra,
});

export interface LiveDeps {
  readonly pusher: LivePusher;
  readonly verify: (token: unknown) => Promise<Verdict>;
  readonly now: () => number;
}

/** One message from a client, as the `$default` route hands it over. */
export async function onClientMessage(connectionId: string, body: string | undefined, deps: LiveDeps): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    json = undefined;
  }
  const parsed = ClientMessage.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = ['message', ...issue.path.map(String)].join('.');
    await deps.pusher.send(connectionId, problem(400, 'Bad Request', `${field}: ${issue.message}`, { field, rule: issue.code }));
    await deps.pusher.disconnect(connectionId, { code: CLOSE_CODES.badRequest, reason: 'bad message' });
    return;
  }
  const message = parsed.data;
  if (message.type === 'ping') {
    await deps.pusher.send(connectionId, { type: 'pong' });
    return;
  }
  const verdict = await deps.verify(message.token);
  if (!verdict.ok) {
    // Nothing of the connection stays registered: a refused re-auth ends a connection that was live.
    await live.removeConnection(connectionId);
    await deps.pusher.send(connectionId, problem(verdict.status, verdict.status === 401 ? 'Unauthorized' : 'Forbidden', verdict.reason));
    await deps.pusher.disconnect(connectionId, {
      code: verdict.status === 401 ? CLOSE_CODES.unauthorized : CLOSE_CODES.forbidden,
      reason: verdict.reason.slice(0, 120),
    });
    return;
  }
  // Registered before the replay is read: an event logged from now on is pushed, one logged before is replayed.
  await live.putConnection(connectionId, verdict.caller, deps.now());
  if ((await deps.pusher.send(connectionId, { type: 'ready' })) === 'gone') return live.removeConnection(connectionId);
  if (message.after !== undefined) await replay(connectionId, verdict.caller, message.after, deps);
}

async function replay(connectionId: string, caller: Caller, after: string, deps: LiveDeps): Promise<void> {
  for (const entry of await live.entriesAfter(after, deps.now())) {
    const message = liveMessageFor(caller, entry);
    if (message && (await deps.pusher.send(connectionId, message)) === 'gone') return live.removeConnection(connectionId);
  }
}

export const onDisconnect = (connectionId: string): Promise<void> => live.removeConnection(connectionId);

/** What the fan-out receives from the bus (`functions/contracts/domain-events.ts`): a domain event's detail, or an offer's. */
export type BusDetail = DomainEventDetail | z.infer<typeof OfferEventDetail> | z.infer<typeof OfferClosedEventDetail>;

async function scopeOf(caseId: string): Promise<LiveScope | undefined> {
  const stored = await repo.getCase(caseId);
  if (!stored) return undefined;
  const c = stored.case;
  const [version, current] = await Promise.all([caseTypes.version(c.type, c.typeVersion), caseTypes.current(c.type)]);
  if (!version || !current) throw new Error(`Case type ${c.type} (version ${c.typeVersion}) of case ${caseId} is not in the store`);
  return {
    requesterId: c.requester.id,
    // Access follows the type's current version, as for the API; fields the version the case follows.
    ...(current.access ? { access: current.access } : {}),
    type: { fields: version.fields.map((f) => ({ name: f.name, sensitivity: f.sensitivity })), clearance: version.clearance },
  };
}

/** Log a domain event and push it to every connection that may see it, as much as each may see. */
export async function fanOut(eventType: string, detail: BusDetail, deps: Pick<LiveDeps, 'pusher' | 'now'>): Promise<{ sent: number }> {
  const now = deps.now();
  const { id: domainEventId, ...rest } = detail;
  const source: LiveSource = isOfferEvent(eventType) ? { kind: 'offer', offer: rest as OfferDetail } : { kind: 'audit', audit: rest as AuditEvent };
  if (!isNews(eventType, source)) return { sent: 0 };
  const caseId = source.kind === 'offer' ? source.offer.caseId : source.audit.caseId;
  const scope = await scopeOf(caseId);
  if (!scope) {
    logger.warn('Live fan-out skipped: the case is not in the table', { caseId, eventId: domainEventId });
    return { sent: 0 };
  }
  const { entry } = await live.appendEntry(
    { id: liveIdOf(now, domainEventId), event: eventType, caseId, source, scope } satisfies LiveEntry,
    domainEventId,
    now,
  );
  const connections = await live.connectionsFor(audienceOf(entry), now);
  let sent = 0;
  await Promise.all(
    connections.map(async ({ connectionId, caller }) => {
      const message = liveMessageFor(caller, entry);
      if (!message) return;
      if ((await deps.pusher.send(connectionId, message)) === 'gone') await live.removeConnection(connectionId);
      else sent++;
    }),
  );
  return { sent };
}
