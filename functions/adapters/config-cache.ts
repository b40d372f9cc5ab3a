/**
 * The one cache of versioned configuration (case types, SLA calendars and
 * policies, routing rules, queues), with one rule:
 *
 * - A published version, named by kind, id and version, never changes: once
 *   read, a container keeps it for its life (a miss is not kept: it may be
 *   published later).
 * - What is *current* (a kind's latest version of one id, or the list of them)
 *   can change in another container at any moment, and no message tells this
 *   one. So it is kept for at most the kind's `currentForMs` (0: once per request, every time outside one),
 *   and a publish drops the kind's current entries at once in the container
 *   that published.
 *
 * A publish is therefore seen at once where it happened and within `currentForMs`
 * in every other Lambda instance, without any cross-instance signal. Entries are
 * promises, so concurrent readers share one read; a failed read is not kept.
 */

import { forgetInRequest, oncePerRequest } from '../request-scope.js';

const versions = new Map<string, Promise<unknown>>();
const currents = new Map<string, { readonly at: number; readonly value: Promise<unknown> }>();

/** A published version: read once per container. */
export function cachedVersion<T>(kind: string, id: string, version: number, read: () => Promise<T | undefined>): Promise<T | undefined> {
  const key = `${kind}/${id}@${version}`;
  const hit = versions.get(key);
  if (hit) return hit as Promise<T | undefined>;
  const value = read();
  versions.set(key, value);
  const drop = () => {
    if (versions.get(key) === value) versions.delete(key);
  };
  value.then((found) => found === undefined && drop(), drop);
  return value;
}

/** What is current for `kind` under `key` (an id, or a listing): at most `maxAgeMs` old. */
export function cachedCurrent<T>(kind: string, key: string, maxAgeMs: number, read: () => Promise<T>): Promise<T> {
  const name = `${kind}#${key}`;
  // Read every time means once per request: one request's checks agree, and none pays twice.
  if (maxAgeMs <= 0) return oncePerRequest(name, read);
  const hit = currents.get(name);
  if (hit && Date.now() - hit.at <= maxAgeMs) return hit.value as Promise<T>;
  const value = read();
  currents.set(name, { at: Date.now(), value });
  value.catch(() => {
    if (currents.get(name)?.value === value) currents.delete(name);
  });
  return value;
}

/** After a publish of `kind` in this container: its current entries are read again. */
export function forgetCurrent(kind: string): void {
  for (const name of currents.keys()) if (name.startsWith(`${kind}#`)) currents.delete(name);
  forgetInRequest(`${kind}#`);
}
