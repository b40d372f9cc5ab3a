/**
 * The one field filter, as a property: for any type (fields of any sensitivity,
 * priority inputs on any of them, any clearance) and any caller, the case view
 * and the transition options never carry what the filter hides. Names and values
 * are unique tokens, so a search of the serialised answer finds any leak.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES, type Caller, type Role } from '#core/caller.js';
import type { Case } from '#core/case.js';
import { caseView } from '#core/case-view.js';
import type { CaseType, Sensitivity } from '#core/case-type.js';
import { optionsFor } from '#core/workflow.js';
import { accessFor } from '#core/visibility.js';

const SENSITIVITIES: Sensitivity[] = ['public', 'internal', 'restricted'];

const world: fc.Arbitrary<World> = fc.record({
  fields: fc.array(fc.record({ sensitivity: fc.constantFrom(...SENSITIVITIES), set: fc.boolean(), input: fc.boolean() }), {
    minLength: 1,
    maxLength: 8,
  }),
  clearance: fc.subarray([...ROLES] as Role[]),
  roles: fc.subarray([...ROLES] as Role[], { minLength: 1 }),
});

interface World {
  readonly fields: readonly { readonly sensitivity: Sensitivity; readonly set: boolean; readonly input: boolean }[];
  readonly clearance: Role[];
  readonly roles: Role[];
}

function build(w: World) {
  const name = (i: number) => `fld${i}Name`;
  const value = (i: number) => `fld${i}Value`;
  const inputs = w.fields.map((f, i) => ({ f, i })).filter(({ f }) => f.input);
  const type = {
    typeId: 'prop',
    version: 1,
    publishedAt: '2026-01-01T00:00:00.000Z',
    publishedBy: 'admin',
    name: 'Prop',
    defaultQueue: 'prop',
    clearance: w.clearance,
    fields: w.fields.map((f, i) => ({
      name: name(i),
      label: `Label ${i}`,
      type: 'text' as const,
      sensitivity: f.sensitivity,
      required: false,
      maxLength: 4000,
    })),
    intake: { questions: [] },
    ...(inputs.length > 0
      ? {
          priority: {
            inputs: inputs.map(({ i }) => ({ name: `inp${i}`, field: name(i), weight: 1, points: { [value(i)]: 80 }, default: 10 })),
            bands: [{ priority: 'low' as const, min: 0 }],
          },
        }
      : {}),
    workflow: {
      initial: 'open',
      states: [
        { id: 'open', label: 'Open', category: 'active' as const, editable: true },
        { id: 'done', label: 'Done', category: 'resolved' as const, editable: true },
      ],
      transitions: [
        {
          id: 'finish',
          label: 'Finish',
          from: ['open'],
          to: 'done',
          reopen: false,
          reasonRequired: false,
          effects: [],
          guards: [
            { kind: 'role' as const, roles: [...ROLES] },
            { kind: 'fieldsPresent' as const, fields: w.fields.map((_, i) => name(i)) },
          ],
        },
        // An administrator's message that names every field it tests and a value of each, as real ones do ("fraud score under 80").
        {
          id: 'close',
          label: 'Close',
          from: ['open'],
          to: 'done',
          reopen: false,
          reasonRequired: false,
          effects: [],
          guards: [
            { kind: 'role' as const, roles: [...ROLES] },
            {
              kind: 'condition' as const,
              when: { all: w.fields.map((_, i) => ({ field: name(i), op: 'absent' as const })) },
              message: `Only while ${w.fields.map((_, i) => `${name(i)} is not ${value(i)}`).join(' and ')}.`,
            },
          ],
        },
      ],
    },
  } as CaseType;
  const fields = Object.fromEntries(w.fields.flatMap((f, i) => (f.set ? [[name(i), value(i)]] : [])));
  const c: Case = {
    caseId: 'CASE-2026-000001',
    type: 'prop',
    typeVersion: 1,
    status: 'open',
    statusCategory: 'active',
    priority: 'low',
    priorityScore:
      inputs.length > 0
        ? {
            score: 10,
            band: 'low',
            inputs: inputs.map(({ f, i }) => ({
              name: `inp${i}`,
              field: name(i),
              value: f.set ? value(i) : null,
              points: f.set ? 80 : 10,
              weight: 1,
              assumed: !f.set,
            })),
          }
        : null,
    owner: null,
    queue: 'prop',
    requester: { id: 'rita' },
    channel: 'web',
    subject: 'S',
    description: 'D',
    fields,
    attachments: [],
    reopenCount: 0,
    resolvedAt: null,
    parentId: null,
    mergedInto: null,
    handoff: null,
    sla: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'rita',
    version: 1,
  };
  return { type, c, name, value };
}

describe('the field filter', () => {
  it('no read model shows a hidden name, nor a value the caller may not read', () => {
    fc.assert(
      fc.property(world, (w) => {
        const { type, c, name, value } = build(w);
        const caller: Caller = { sub: 'rita', roles: w.roles };
        const seen = JSON.stringify([caseView(c, type, caller), optionsFor(type, 'open', c.fields, caller, { openMandatoryTasks: 0 })]);
        w.fields.forEach((f, i) => {
          // The oracle, written out: requesters read public; staff internal too; restricted needs a cleared staff role.
          const staff = w.roles.some((r) => r !== 'requester');
          const reads = f.sensitivity === 'public' || (staff && (f.sensitivity === 'internal' || w.roles.some((r) => w.clearance.includes(r))));
          const knows = reads || staff;
          expect(accessFor(f.sensitivity, w.clearance, caller)).toBe(reads ? 'read' : knows ? 'redacted' : 'hidden');
          if (!knows) expect(seen).not.toContain(name(i));
          if (!reads) expect(seen).not.toContain(value(i));
          if (reads && f.set) expect(seen).toContain(value(i));
        });
      }),
      { numRuns: 300 },
    );
  });
});
