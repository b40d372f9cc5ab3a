/**
 * Use cases of case types: admins create a type and publish new versions of it;
 * everyone reads them (requesters see only what their intake form needs). A new
 * version must say where the previous version's states go if it drops any, so
 * publishing never strands an open case; cases keep their version until migrated.
 */
import { hasRole, isStaff, type Caller } from '#core/caller.js';
import type { ChangeContext } from '#core/audit-event.js';
import { checkCaseType, checkMigration, type CaseType, type CaseTypeInput, type Migration } from '#core/case-type.js';
import { DomainError, forbidden, notFound, validationFailed } from '#core/errors.js';
import { inTeams, sameAccess } from '#core/access.js';
import { transitMap, type TransitMap } from '#core/workflow.js';
import { caseTypes, type CaseTypeSummary } from '#adapters/dynamodb/config-kinds.js';
import { RETENTION_CLASS_NAMES } from '#topology/attachments.js';
import { publishConfig, publishedBy, type Publishing } from './config-publish.js';

function assertAdmin(caller: Caller): void {
  if (!hasRole(caller, 'admin')) throw forbidden('Only admins create and publish case types.');
}

function assertWellFormed(input: CaseTypeInput): void {
  const issues = checkCaseType(input, 'body', { retentionClasses: RETENTION_CLASS_NAMES });
  if (issues.length > 0) throw validationFailed(issues, 'The case type is not well formed.');
}

/**
 * Who a restricted type lets in is decided inside the team: an admin outside
 * every team the type names cannot widen, narrow or drop the rule (a version
 * without `access` drops it), or any admin could read the cases by publishing
 * a version. Restricting an open type is any admin's to do.
 */
function assertMayChangeAccess(previous: CaseType, input: CaseTypeInput, caller: Caller): void {
  if (!previous.access || sameAccess(previous.access, input.access)) return;
  if (inTeams(caller, previous.access)) return;
  throw new DomainError('Forbidden', `Only members of ${previous.access.teams.join(', ')} may change who sees ${previous.typeId} cases.`, [
    {
      field: 'body.access',
      rule: 'not_permitted',
      message: `Keep access as it is (teams: ${previous.access.teams.join(', ')}), or ask a member of the team to change it.`,
    },
  ]);
}

const typeNotFound = (typeId: string) => notFound(`There is no case type ${typeId}.`);

/** What an admin publishes: the definition, and where the previous version's dropped states go. */
interface CaseTypeDraft {
  readonly input: CaseTypeInput;
  readonly migration?: Migration | undefined;
}

/** A new version must say where the previous version's states go if it drops any, so publishing never strands an open case. */
const publishing: Publishing<CaseType, CaseTypeDraft> = {
  store: caseTypes,
  authorise: assertAdmin,
  checkAgainst({ input, migration }, previous, ctx) {
    assertWellFormed(input);
    if (!previous) return;
    assertMayChangeAccess(previous, input, ctx.caller);
    const issues = checkMigration(previous, input, migration);
    if (issues.length > 0) throw validationFailed(issues, 'The new version would strand cases in states it does not have.');
  },
  draft: ({ input, migration }, typeId, version, previous, ctx) => ({
    ...input,
    typeId,
    version,
    ...publishedBy(ctx),
    ...(migration && previous ? { migration: { ...migration, fromVersion: previous.version } } : {}),
  }),
  says: {
    exists: (typeId) => `Case type ${typeId} exists already: publish a new version of it instead.`,
    missing: (typeId) => `There is no case type ${typeId}.`,
    notAt: (typeId, current, ifMatch) => `${typeId} is at version ${current}, not ${ifMatch}; read it again and reapply your change.`,
    raced: (typeId) => `Another version of ${typeId} was published meanwhile; read it again and reapply your change.`,
  },
};

export async function createCaseType(typeId: string, input: CaseTypeInput, ctx: ChangeContext): Promise<CaseType> {
  return (await publishConfig(publishing, typeId, { input }, 'create', undefined, ctx)).published;
}

/** Publish the next version of a type; `ifMatch` is the version the admin edited (412 if another was published since). */
export async function publishVersion(
  typeId: string,
  input: CaseTypeInput,
  migration: Migration | undefined,
  ifMatch: number | undefined,
  ctx: ChangeContext,
): Promise<CaseType> {
  return (await publishConfig(publishing, typeId, { input, migration }, 'next', ifMatch, ctx)).published;
}

/** What a requester may know of a type: enough to fill in its intake form. */
export interface PublicCaseType {
  readonly typeId: string;
  readonly version: number;
  readonly name: string;
  readonly description?: string;
  readonly fields: CaseType['fields'];
  readonly intake: CaseType['intake'];
}

const publicView = (type: CaseType): PublicCaseType => ({
  typeId: type.typeId,
  version: type.version,
  name: type.name,
  ...(type.description ? { description: type.description } : {}),
  fields: type.fields.filter((f) => type.intake.questions.some((q) => q.field === f.name)),
  intake: type.intake,
});

async function versionOf(typeId: string, version: number | undefined): Promise<CaseType> {
  const type = version === undefined ? await caseTypes.current(typeId) : await caseTypes.version(typeId, version);
  if (!type) throw version === undefined ? typeNotFound(typeId) : notFound(`Case type ${typeId} has no version ${version}.`);
  return type;
}

export async function getCaseType(typeId: string, version: number | undefined, caller: Caller): Promise<CaseType | PublicCaseType> {
  const type = await versionOf(typeId, version);
  return isStaff(caller) ? type : publicView(type);
}

/** The current version of a type, if there is one (reading import files needs the field types). */
export const currentTypeIfAny = (typeId: string): Promise<CaseType | undefined> => caseTypes.current(typeId);

export async function listCaseTypes(): Promise<CaseTypeSummary[]> {
  return caseTypes.list();
}

export async function listVersions(typeId: string, caller: Caller): Promise<CaseType[]> {
  if (!isStaff(caller)) throw forbidden('Version history of case types is for staff.');
  const versions = await caseTypes.versions(typeId);
  if (versions.length === 0) throw typeNotFound(typeId);
  return versions;
}

export async function workflowOf(typeId: string, version: number | undefined, caller: Caller): Promise<TransitMap> {
  if (!isStaff(caller)) throw forbidden('The workflow of a case type is for staff.');
  return transitMap(await versionOf(typeId, version));
}
