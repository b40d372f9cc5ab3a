/**
 * The intake form's answer to a hidden question says when it would be asked:
 * the condition that shows the question, and that it does not hold for this
 * case (it used to say the question "is not asked when" that very condition,
 * the wrong way round).
 */
import { describe, expect, it } from 'vitest';
import type { Caller } from '#core/caller.js';
import { checkFields } from '#core/fields.js';
import { publishedExample } from '../support/example-types.js';

const requester: Caller = { sub: 'rita', name: 'Rita', roles: ['requester'] };

describe('not_applicable', () => {
  it.each<[string, Record<string, string | string[]>, string, string]>([
    [
      'insurance-claim',
      { claimType: 'home', vehicleRegistration: 'AB-12' },
      'vehicleRegistration',
      'vehicleRegistration is asked only when claimType equals "motor", which does not hold here; leave it out.',
    ],
    [
      'insurance-claim',
      { claimType: 'motor', propertyDamage: ['structure'] },
      'propertyDamage',
      'propertyDamage is asked only when claimType equals "home", which does not hold here; leave it out.',
    ],
    [
      'support',
      { category: 'question', errorMessage: 'E42' },
      'errorMessage',
      'errorMessage is asked only when category in ["problem","incident"], which does not hold here; leave it out.',
    ],
  ])('%s %j: %s', (typeId, fields, hidden, message) => {
    const { invalid } = checkFields({
      type: publishedExample(typeId),
      caller: requester,
      mode: 'intake',
      current: {},
      change: fields,
      attributes: {},
    });
    expect(invalid.filter((i) => i.rule === 'not_applicable')).toEqual([{ field: `body.fields.${hidden}`, rule: 'not_applicable', message }]);
  });
});
