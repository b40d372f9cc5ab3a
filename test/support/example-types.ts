/** The shipped example case types as the admin API would publish them (version 1), for domain tests. */
import { CaseTypeInputSchema, type CaseType } from '#core/case-type.js';
import { exampleCaseTypes } from '#lib/seed/case-types/index.js';

export function publishedExample(typeId: string, overrides: Partial<CaseType> = {}): CaseType {
  const raw = exampleCaseTypes().find((t) => t.typeId === typeId);
  if (!raw) throw new Error(`no example type ${typeId}`);
  const { typeId: _id, ...definition } = raw;
  return {
    ...CaseTypeInputSchema.parse(definition),
    typeId,
    version: 1,
    publishedAt: '2026-11-01T00:00:00.000Z',
    publishedBy: 'admin',
    ...overrides,
  };
}
