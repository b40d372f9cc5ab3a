/**
 * Who hears the capacity units DynamoDB reports. Kept apart from the client so
 * that handlers which never touch the table (openapi, fallback) can share the
 * HTTP stack without bundling the DynamoDB SDK.
 */
export type CapacityListener = (command: string, units: number) => void;

const listeners = new Set<CapacityListener>();

/** Hear the capacity units of every call this process makes; returns the unsubscribe. */
export function onConsumedCapacity(listener: CapacityListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function reportConsumedCapacity(command: string, units: number): void {
  for (const listener of listeners) listener(command, units);
}
