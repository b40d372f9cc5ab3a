/**
 * Which policy a case gets, and which entitlement entitles it.
 *
 * Policy choice: a policy matches a case when every dimension it names (case
 * type, priority, entitlement level) equals the case's; the most specific match
 * wins, dimensions weighing entitlement level > case type > priority (so a
 * gold policy for any type beats a support policy for any level), and among
 * equals the policy id in alphabetical order decides, so the choice is stable.
 * A case without a usable entitlement has no level: only policies that name no
 * level match it (the default, e.g. Basic).
 *
 * Entitlement choice at create: the entitlements of the case's asset
 * (`fields.assetId`) come before those of the requester; among them the first
 * valid one (in force now, allowance not used up), latest-starting first. Every
 * entitlement passed over is noted with why, and the notes go into the audit event.
 */
import * as z from 'zod';
import { Slug } from '../case-type.js';
import type { Priority } from '../vocabulary.js';
import type { SlaPolicy } from './state.js';

export interface PolicySubject {
  readonly caseType: string;
  readonly priority: Priority;
  readonly entitlementLevel: string | null;
}

const specificity = (p: SlaPolicy) => (p.match.entitlementLevel ? 4 : 0) + (p.match.caseType ? 2 : 0) + (p.match.priority ? 1 : 0);

export function policyMatches(policy: SlaPolicy, subject: PolicySubject): boolean {
  const m = policy.match;
  return (
    (m.caseType === undefined || m.caseType === subject.caseType) &&
    (m.priority === undefined || m.priority === subject.priority) &&
    (m.entitlementLevel === undefined || m.entitlementLevel === subject.entitlementLevel)
  );
}

export function choosePolicy(policies: readonly SlaPolicy[], subject: PolicySubject): SlaPolicy | undefined {
  return policies
    .filter((p) => policyMatches(p, subject))
    .sort((a, b) => specificity(b) - specificity(a) || (a.policyId < b.policyId ? -1 : a.policyId > b.policyId ? 1 : 0))[0];
}

// ---------------------------------------------------------------- entitlements

export const ENTITLEMENT_HOLDERS = ['customer', 'asset'] as const;
const Instant = z.iso.datetime({ offset: true });

export const EntitlementInputSchema = z
  .object({
    holder: z
      .object({
        kind: z.enum(ENTITLEMENT_HOLDERS),
        /** The requester's id (customer) or the asset id cases carry in `fields.assetId`. */
        id: z.string().trim().min(1).max(200),
      })
      .strict(),
    level: Slug,
    name: z.string().trim().min(1).max(120).optional(),
    validFrom: Instant,
    validTo: Instant,
    /** How many cases it covers; absent: unlimited. */
    allowance: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict()
  .refine((e) => Date.parse(e.validTo) > Date.parse(e.validFrom), { message: 'validTo must be after validFrom', path: ['validTo'] });
export type EntitlementInput = z.infer<typeof EntitlementInputSchema>;

export interface Entitlement extends EntitlementInput {
  readonly entitlementId: string;
  /** Cases opened under it; consumed atomically with each case's creation. */
  readonly consumed: number;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface EntitlementChoice {
  readonly chosen: Entitlement | null;
  /** Why each entitlement passed over was not used, for the audit trail. */
  readonly notes: readonly string[];
}

const describe = (e: Entitlement) => `${e.entitlementId} (${e.level}, ${e.holder.kind} ${e.holder.id})`;

/** Why an entitlement cannot cover a case opened at `now`, or undefined when it can. */
export function unusableBecause(e: Entitlement, now: string): string | undefined {
  const t = Date.parse(now);
  if (t < Date.parse(e.validFrom)) return `not valid until ${e.validFrom}`;
  if (t >= Date.parse(e.validTo)) return `expired at ${e.validTo}`;
  if (e.allowance !== undefined && e.consumed >= e.allowance) return `exhausted (${e.consumed} of ${e.allowance} cases used)`;
  return undefined;
}

export function chooseEntitlement(forAsset: readonly Entitlement[], forCustomer: readonly Entitlement[], now: string): EntitlementChoice {
  const latestFirst = (list: readonly Entitlement[]) =>
    [...list].sort((a, b) => (a.validFrom < b.validFrom ? 1 : a.validFrom > b.validFrom ? -1 : a.entitlementId < b.entitlementId ? -1 : 1));
  const notes: string[] = [];
  for (const e of [...latestFirst(forAsset), ...latestFirst(forCustomer)]) {
    const why = unusableBecause(e, now);
    if (why === undefined) return { chosen: e, notes };
    notes.push(`entitlement ${describe(e)} not used: ${why}`);
  }
  return { chosen: null, notes };
}
