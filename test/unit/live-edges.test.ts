/**
 * Offers reach the bus as `CaseOffered` through the outbox (the stream of the table),
 * like every other event: an inserted offer item is published once with the offer's
 * fields and nothing of its storage, a removed one as `OfferClosed` at the removal's time; a
 * modified one, or an item of another partition that happens to share the sort-key prefix, is not. And the WebSocket token
 * check at its edges (the integration test covers the common refusals over a socket).
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { PublishedEvent } from '#adapters/events.js';
import { publishStream } from '#handlers/outbox-publisher.js';
import { createTokenVerifier, keysFrom } from '#http/token-verifier.js';
import { IDENTITY_ROLE_MAPPING } from '#http/caller-from-claims.js';
import { createDevIssuer, DEV_AUDIENCE, DEV_ISSUER } from '#lib/local/dev-issuer.js';

const offerItem = {
  pk: 'ROUTING#OFFERS#3',
  sk: 'OFFER#CASE-1.3',
  entity: 'RoutingOffer',
  offerId: 'CASE-1.3',
  caseId: 'CASE-1',
  agentId: 'agent-1',
  channel: 'phone',
  queue: 'q',
  offeredAt: '2026-12-03T08:00:00.000Z',
  deadline: '2026-12-03T08:00:30.000Z',
  version: 1,
};
const record = (sequence: string, item: Record<string, unknown>, eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT') => ({
  eventName,
  dynamodb: { SequenceNumber: sequence, NewImage: marshall(item) as never },
});
/** A removal as the stream reports it: the old image only, and when (epoch seconds). */
const removal = (sequence: string, item: Record<string, unknown>, at: number) => ({
  eventName: 'REMOVE',
  dynamodb: { SequenceNumber: sequence, OldImage: marshall(item) as never, ApproximateCreationDateTime: at },
});

describe('offers on the outbox', () => {
  it('publishes an inserted offer as CaseOffered, once, and nothing for other records', async () => {
    const published: PublishedEvent[] = [];
    const event = {
      Records: [
        record('1', offerItem),
        record('2', offerItem, 'MODIFY'),
        record('3', { ...offerItem, pk: 'ROUTING#AGENTS' }),
        record('4', { pk: 'ROUTING#OFFERS#3', sk: 'X#1' }),
      ],
    } as unknown as DynamoDBStreamEvent;
    expect(await publishStream(event, { publish: async (events) => (published.push(...events), []) })).toEqual({ batchItemFailures: [] });
    expect(published).toEqual([
      {
        id: 'offer/CASE-1.3',
        source: 'caseway.cases',
        type: 'CaseOffered',
        time: '2026-12-03T08:00:00.000Z',
        caseId: 'CASE-1',
        detail: {
          offerId: 'CASE-1.3',
          caseId: 'CASE-1',
          agentId: 'agent-1',
          queue: 'q',
          channel: 'phone',
          offeredAt: '2026-12-03T08:00:00.000Z',
          deadline: '2026-12-03T08:00:30.000Z',
        },
      },
    ]);
  });

  it('publishes a removed offer (accepted, declined, expired) as OfferClosed, at the removal, and nothing for other removals', async () => {
    const published: PublishedEvent[] = [];
    const at = Date.parse('2026-12-03T08:00:12.000Z') / 1000;
    const event = {
      Records: [
        removal('1', offerItem, at),
        removal('2', { ...offerItem, pk: 'ROUTING#AGENTS' }, at),
        removal('3', { pk: 'CASE#CASE-1', sk: 'AUDIT#0001' }, at),
      ],
    } as unknown as DynamoDBStreamEvent;
    expect(await publishStream(event, { publish: async (events) => (published.push(...events), []) })).toEqual({ batchItemFailures: [] });
    expect(published).toEqual([
      {
        id: 'offer/CASE-1.3/closed',
        source: 'caseway.cases',
        type: 'OfferClosed',
        time: '2026-12-03T08:00:12.000Z',
        caseId: 'CASE-1',
        detail: {
          offerId: 'CASE-1.3',
          caseId: 'CASE-1',
          agentId: 'agent-1',
          queue: 'q',
          channel: 'phone',
          offeredAt: '2026-12-03T08:00:00.000Z',
          deadline: '2026-12-03T08:00:30.000Z',
          closedAt: '2026-12-03T08:00:12.000Z',
        },
      },
    ]);
  });
});

describe('the WebSocket token check at its edges', () => {
  const agent = { sub: 'a-1', roles: ['agent'] as const };
  const settings = { rolesClaim: 'cognito:groups', roleMapping: IDENTITY_ROLE_MAPPING, teamGroups: new Map([['fraud-team', 'fraud']]) };

  it.each([
    ['expires this very second', { issuedAt: 1_000, expiresIn: 60 }, 1_060, 'the token has expired'],
    ['issued 61 s in the future', { issuedAt: 1_061, expiresIn: 600 }, 1_000, 'the token is not valid yet'],
    ['not valid for 61 s yet', { issuedAt: 1_000, expiresIn: 600, notBefore: 1_061 }, 1_000, 'the token is not valid yet'],
  ] as const)('refuses a token that %s', async (_what, options, nowSeconds, reason) => {
    const issuer = await createDevIssuer();
    const verify = createTokenVerifier({
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      keys: keysFrom({ jwks: JSON.stringify(issuer.jwks) }),
      callerSettings: settings,
      now: () => nowSeconds * 1000,
    });
    expect(await verify(await issuer.sign(agent, options))).toEqual({ ok: false, status: 401, reason });
  });

  it('accepts a token within the skew, and makes the caller with roles and teams from exact group names', async () => {
    const issuer = await createDevIssuer();
    const verify = createTokenVerifier({
      issuer: DEV_ISSUER,
      audience: [DEV_AUDIENCE, 'other'],
      keys: keysFrom({ jwks: JSON.stringify(issuer.jwks) }),
      callerSettings: settings,
      now: () => 1_000_000,
    });
    const token = await issuer.sign(agent, {
      issuedAt: 1_000 + 60,
      notBefore: 1_000 + 60,
      expiresIn: 600,
      groups: ['agent', 'fraud-team', 'IT admin', 'x,admin'],
    });
    expect(await verify(token)).toEqual({ ok: true, caller: { sub: 'a-1', roles: ['agent'], teams: ['fraud'] } });
  });
});
