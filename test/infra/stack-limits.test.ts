/**
 * The deployment against CloudFormation's limits, in its largest shape (the console,
 * inbound email, the live feed, the API's web ACL and distribution on its own domain, backups, the functions in a VPC
 * with its endpoints): the parent stack and its three nested stacks (front
 * door, the API's functions, back end) each stay under 300 resources, so each can grow before the hard
 * limit of 500, and each template well under the 1 MB CloudFormation takes from S3;
 * and references between templates run one way, so no stack waits on another that
 * waits on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LARGEST_SHAPE, removeSynthOutput, synthCaseway, type Synthesized } from './synth.js';

/** Our budget per template, against CloudFormation's 500: room for each part to grow. */
const RESOURCE_BUDGET = 300;
/** Bytes per template, against CloudFormation's 1,000,000 for a template in S3: half, for room. */
const TEMPLATE_BUDGET = 500_000;

let s: Synthesized;
beforeAll(() => {
  s = synthCaseway(LARGEST_SHAPE, { bundle: false });
});
afterAll(removeSynthOutput);

type Json = Record<string, unknown>;

/** Logical ids a resource's body refers to (Ref, Fn::GetAtt, DependsOn, ${...} in Fn::Sub). */
function referencesIn(body: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(body)) for (const item of body) referencesIn(item, into);
  else if (body !== null && typeof body === 'object') {
    for (const [key, value] of Object.entries(body as Json)) {
      if (key === 'Ref' && typeof value === 'string') into.add(value);
      else if (key === 'Fn::GetAtt' && Array.isArray(value)) into.add(String(value[0]));
      else if (key === 'DependsOn') for (const id of ([] as unknown[]).concat(value)) into.add(String(id));
      else if (key === 'Fn::Sub') for (const [, id] of JSON.stringify(value).matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) into.add(id!);
      else referencesIn(value, into);
    }
  }
  return into;
}

/** A cycle among a template's resources, as the ids along it, or undefined. */
function cycleIn(resources: Record<string, Json>): string[] | undefined {
  const edges = new Map(Object.entries(resources).map(([id, body]) => [id, [...referencesIn(body, new Set())].filter((to) => to in resources)]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    for (const to of edges.get(id)!) {
      const cycle = visit(to);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('the deployment in its largest shape', () => {
  it('is a parent stack with the front door, the API functions and the back end nested in it', () => {
    expect([...s.stacks.keys()].sort()).toEqual(['Caseway', 'Caseway/Caseway/ApiFunctions', 'Caseway/Caseway/BackEnd', 'Caseway/Caseway/FrontDoor']);
  });

  it(`keeps every template under ${RESOURCE_BUDGET} resources and ${TEMPLATE_BUDGET.toLocaleString('en')} bytes`, () => {
    for (const [path, template] of s.stacks) {
      const json = template.toJSON() as { Resources: Json };
      expect(Object.keys(json.Resources).length, path).toBeLessThanOrEqual(RESOURCE_BUDGET);
      expect(JSON.stringify(json).length, path).toBeLessThan(TEMPLATE_BUDGET);
    }
  });

  it('has no cycle among the resources of any template, nested stacks included', () => {
    for (const [path, template] of s.stacks)
      expect(cycleIn((template.toJSON() as { Resources: Record<string, Json> }).Resources), path).toBeUndefined();
  });

  // The control: the detector does see a cycle when there is one.
  it('the cycle check finds one where there is one', () => {
    expect(cycleIn({ A: { Properties: { X: { Ref: 'B' } } }, B: { Properties: { Y: { 'Fn::GetAtt': ['A', 'Arn'] } } }, C: {} })).toEqual([
      'A',
      'B',
      'A',
    ]);
  });
});
