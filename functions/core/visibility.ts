/**
 * What a caller may know of a case's custom fields: the one rule every read model
 * applies (the case and its listings, the priority explanation, guard messages,
 * history). A read model that shows anything derived from a field asks this
 * filter first, so a new read model cannot forget a rule the others keep.
 *
 * - `read`: the name and the value (public fields for everyone; internal ones for
 *   staff; restricted ones for staff the type clears).
 * - `redacted`: the name, never the value (staff without clearance: they learn a
 *   restricted field is there, so they know to ask).
 * - `hidden`: neither (requesters never learn of a field that is not public).
 */
import { type Caller, isStaff } from './caller.js';
import { type CaseType, canReadRestricted, fieldOf, type Sensitivity } from './case-type.js';
import { CASE_ATTRIBUTES } from './conditions.js';

export type FieldAccess = 'read' | 'redacted' | 'hidden';

/** The access a caller has to a field of this sensitivity on a type cleared for `clearance`. */
export function accessFor(sensitivity: Sensitivity, clearance: CaseType['clearance'], caller: Caller): FieldAccess {
  if (sensitivity === 'public') return 'read';
  if (!isStaff(caller)) return 'hidden';
  if (sensitivity === 'internal') return 'read';
  return canReadRestricted({ clearance }, caller.roles) ? 'read' : 'redacted';
}

export interface FieldFilter {
  /** The access to a custom field or case attribute by name. */
  access(name: string): FieldAccess;
  /** The values the caller may read, in the type's order, and the names they may know of but not read. */
  values<V>(fields: Readonly<Record<string, V>>): { fields: Record<string, V>; redacted: string[] };
  /** The names among `names` the caller may know of (hidden ones left out). */
  known(names: readonly string[]): string[];
}

/** The filter for one caller on one type version. */
export function fieldFilter(type: Pick<CaseType, 'fields' | 'clearance'>, caller: Caller): FieldFilter {
  const access = (name: string): FieldAccess => {
    if ((CASE_ATTRIBUTES as readonly string[]).includes(name)) return 'read';
    // A field the case's type version no longer defines is treated as internal.
    return accessFor(fieldOf(type, name)?.sensitivity ?? 'internal', type.clearance, caller);
  };
  return {
    access,
    values<V>(fields: Readonly<Record<string, V>>) {
      const out: Record<string, V> = {};
      const redacted: string[] = [];
      // In the type's order (stored maps keep none), then any field the version no longer defines.
      const defined = type.fields.map((f) => f.name).filter((name) => fields[name] !== undefined);
      const names = [
        ...defined,
        ...Object.keys(fields)
          .filter((name) => !defined.includes(name))
          .sort(),
      ];
      for (const name of names) {
        const seen = access(name);
        if (seen === 'read') out[name] = fields[name]!;
        else if (seen === 'redacted') redacted.push(name);
      }
      return { fields: out, redacted };
    },
    known: (names) => names.filter((name) => access(name) !== 'hidden'),
  };
}
