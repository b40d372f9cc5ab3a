/**
 * Record-level access, below HTTP: the rule itself, how tokens' groups become
 * teams, and the paging loop that leaves hidden items out of listings without
 * letting page lengths or cursors give them away.
 */
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { TeamGroupsSetting } from '#functions/config.js';
import { maySeeCase, sameAccess } from '#core/access.js';
import type { Caller, Role } from '#core/caller.js';
import { callerFromRequest, IDENTITY_ROLE_MAPPING, teamsFromGroups } from '#http/caller-from-claims.js';
import { createDevIssuer, DEMO_USERS } from '#lib/local/dev-issuer.js';
import { pageKept } from '#services/case-access.js';
import type { Page } from '#adapters/dynamodb/paging.js';

const caller = (roles: Role[], teams: string[] = [], sub = 'someone'): Caller => ({ sub, roles, teams });
const fraudOnly = { teams: ['fraud'] };
const caseOf = (requester: string) => ({ requester: { id: requester } });

describe('who may see a case', () => {
  const STAFF: Role[] = ['agent', 'supervisor', 'admin', 'integration'];
  it.each(STAFF)('%s: every unrestricted case; a restricted one only as a member of one of its teams', (role) => {
    expect(maySeeCase(caller([role]), caseOf('rita'), undefined)).toBe(true);
    expect(maySeeCase(caller([role]), caseOf('rita'), fraudOnly)).toBe(false);
    expect(maySeeCase(caller([role], ['billing']), caseOf('rita'), fraudOnly)).toBe(false);
    expect(maySeeCase(caller([role], ['billing', 'fraud']), caseOf('rita'), fraudOnly)).toBe(true);
    expect(maySeeCase(caller([role], ['fraud']), caseOf('rita'), { teams: ['aml', 'fraud'] })).toBe(true);
  });

  it('requesters: their own cases, restricted or not, and nobody else’s', () => {
    expect(maySeeCase(caller(['requester'], [], 'rita'), caseOf('rita'), fraudOnly)).toBe(true);
    expect(maySeeCase(caller(['requester'], [], 'rita'), caseOf('remy'), undefined)).toBe(false);
    // A team claim does not widen what a requester sees.
    expect(maySeeCase(caller(['requester'], ['fraud'], 'rita'), caseOf('remy'), fraudOnly)).toBe(false);
  });

  it('staff are judged by team even on a case they asked for (their view shows internal fields)', () => {
    expect(maySeeCase(caller(['agent'], [], 'alex'), caseOf('alex'), fraudOnly)).toBe(false);
  });

  it('compares access rules as sets of teams', () => {
    expect(sameAccess({ teams: ['a', 'b'] }, { teams: ['b', 'a', 'a'] })).toBe(true);
    expect(sameAccess({ teams: ['a'] }, undefined)).toBe(false);
    expect(sameAccess(undefined, undefined)).toBe(true);
  });
});

describe("teams from the verified token's groups", () => {
  const mapping = new Map(Object.entries({ 'fraud-team': 'fraud', 'caseway-aml': 'aml' }));
  it.each([
    ['each mapped group once, sorted', ['agent', 'fraud-team', 'caseway-aml', 'fraud-team'], ['aml', 'fraud']],
    ['only exact group names count', ['fraud', 'fraud-team-x', 'Fraud-Team', ' fraud-team', '[fraud-team]', 'x,fraud-team'], []],
    ['inherited object keys are no groups', ['constructor', 'toString', '__proto__'], []],
    ['what is not a string is no group', [1, null, ['fraud-team'], { 'fraud-team': true }], []],
    ['no groups', [], []],
  ] as const)('%s', (_name, groups, teams) => {
    expect(teamsFromGroups(groups, mapping)).toEqual(teams);
  });

  it('reads the groups from the token in the Authorization header, not from the flattened claim', async () => {
    const issuer = await createDevIssuer();
    const token = await issuer.sign(DEMO_USERS.agent, { groups: ['agent', 'x fraud-team'] });
    const payload = decodeJwt(token);
    // API Gateway's flattened form would read as three groups, one of them fraud-team.
    const claims = { sub: String(payload.sub), iss: String(payload.iss), 'cognito:groups': '[agent x fraud-team]' };
    const settings = { rolesClaim: 'cognito:groups', roleMapping: IDENTITY_ROLE_MAPPING, teamGroups: mapping };
    expect(callerFromRequest({ claims, authorization: `Bearer ${token}` }, settings).teams).toEqual([]);
    const member = await issuer.sign(DEMO_USERS.agent, { groups: ['agent', 'fraud-team'] });
    const memberClaims = { sub: String(payload.sub), iss: String(payload.iss), 'cognito:groups': '[agent fraud-team]' };
    expect(callerFromRequest({ claims: memberClaims, authorization: `Bearer ${member}` }, settings).teams).toEqual(['fraud']);
  });
});

describe('the TEAM_GROUPS setting', () => {
  it('maps exact group names to teams, __proto__ included, and nobody to a team when unset', () => {
    const mapping = TeamGroupsSetting.parse(JSON.stringify({ 'caseway fraud': 'fraud', ['__proto__']: 'aml' }));
    expect([...mapping]).toEqual([
      ['caseway fraud', 'fraud'],
      ['__proto__', 'aml'],
    ]);
    expect(TeamGroupsSetting.parse(undefined).size).toBe(0);
  });

  it('fails loudly at cold start on a malformed mapping', () => {
    for (const bad of ['not json', '[]', '{"g":"Fraud Team"}', '{"":"fraud"}', `{"${'g'.repeat(257)}":"fraud"}`]) {
      expect(TeamGroupsSetting.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe('pageKept', () => {
  /** A listing over `items` whose cursor is the index of the last item read (as a DynamoDB position would be). */
  const listing = (items: readonly { id: number; hidden: boolean }[]) => {
    let reads = 0;
    const fetch = async (limit: number, cursor: string | undefined): Promise<Page<{ id: number; hidden: boolean }>> => {
      reads++;
      const from = cursor === undefined ? 0 : Number(cursor) + 1;
      const page = items.slice(from, from + limit);
      const more = from + limit < items.length;
      return { items: page, ...(more ? { nextCursor: String(from + limit - 1) } : {}) };
    };
    return { fetch, reads: () => reads };
  };
  const judge = async (_caller: Caller, items: readonly { hidden: boolean }[]) => items.map((i) => !i.hidden);

  it('returns every visible item once and in order, never a hidden one, never a cursor at a hidden item, never an empty page with a cursor', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), async (hiddenFlags, limit) => {
        const items = hiddenFlags.map((hidden, id) => ({ id, hidden }));
        const { fetch, reads } = listing(items);
        const seen: number[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages <= items.length + 1; pages++) {
          const page = await pageKept(caller(['agent']), limit, cursor, fetch, judge);
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.items.map((i) => i.id));
          if (page.nextCursor !== undefined) {
            expect(page.items.length).toBeGreaterThan(0);
            expect(items[Number(page.nextCursor)]!.hidden).toBe(false);
          }
          cursor = page.nextCursor;
          if (cursor === undefined) break;
        }
        expect(cursor).toBeUndefined();
        expect(seen).toEqual(items.filter((i) => !i.hidden).map((i) => i.id));
        // Bounded work: each raw read either moves forward or shortens a window that ends in hidden items.
        expect(reads()).toBeLessThanOrEqual(2 * (items.length + 1) * (limit + 1));
      }),
    );
  });
});
