/**
 * Concurrency reserved per function (`reservedConcurrency`, `-c reservedConcurrency`): on exactly the
 * functions named, whichever nested stack they are in; a name that is no function, or a count that is
 * not a whole number of at least 1, fails the synth saying which.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { functionRegistry } from '#topology/functions.js';
import { functionIdByDescription, removeSynthOutput, resources, synthCaseway } from './synth.js';

afterAll(removeSynthOutput);

describe('reserved concurrency', () => {
  it('is set on the functions named, in whichever stack they are, and on no other', () => {
    const s = synthCaseway(
      { console: false, reservedConcurrency: { 'cases-create': 50, 'routing-sweep': 5, 'outbox-publisher': 10 } },
      { bundle: false },
    );
    const fns = resources(s.template, 'AWS::Lambda::Function');
    const reserved = Object.fromEntries(
      Object.entries(fns)
        .filter(([, fn]) => fn.Properties.ReservedConcurrentExecutions !== undefined)
        .map(([id, fn]) => [id, fn.Properties.ReservedConcurrentExecutions]),
    );
    expect(reserved).toEqual({
      [functionIdByDescription(s.template, functionRegistry['cases-create'].description)]: 50,
      [functionIdByDescription(s.template, functionRegistry['routing-sweep'].description)]: 5,
      [functionIdByDescription(s.template, functionRegistry['outbox-publisher'].description)]: 10,
    });
  });

  it('refuses a name that is no function, and a count below 1 or not whole', () => {
    expect(() => synthCaseway({ console: false, reservedConcurrency: { 'cases-creat': 5 } as never }, { bundle: false })).toThrow(
      /reservedConcurrency: 'cases-creat' is not a Caseway function; the functions are .*cases-create/,
    );
    expect(() => synthCaseway({ console: false, reservedConcurrency: { 'cases-create': 0 } }, { bundle: false })).toThrow(
      /reservedConcurrency.cases-create must be a whole number of at least 1, got 0/,
    );
    expect(() => synthCaseway({ console: false, reservedConcurrency: { 'cases-create': 2.5 } }, { bundle: false })).toThrow(/got 2.5/);
  });
});
