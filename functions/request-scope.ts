/**
 * What is known about the request being served, for code far below the handler
 * that must record it (the read-access log names the operation that read a
 * case). Set once per request by the HTTP handler wrapper; absent for work not
 * started by a request (stream consumers, timers), which reads no case for anyone.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestScope {
  /** The route's operation name, as in metrics and logs (`GetCase`, `ListCases`). */
  readonly operation: string;
  readonly correlationId: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

export const inRequestScope = <T>(scope: RequestScope, run: () => Promise<T>): Promise<T> => storage.run(scope, run);

export const requestScope = (): RequestScope | undefined => storage.getStore();

const memos = new WeakMap<RequestScope, Map<string, Promise<unknown>>>();

/**
 * Read once per request: the first call of a request reads, later calls in the same
 * request share that answer (configuration read "current" on every request, which
 * several checks of one request would otherwise each read again). Outside a request,
 * every call reads.
 */
export function oncePerRequest<T>(key: string, read: () => Promise<T>): Promise<T> {
  const scope = storage.getStore();
  if (!scope) return read();
  let memo = memos.get(scope);
  if (!memo) memos.set(scope, (memo = new Map()));
  const hit = memo.get(key);
  if (hit) return hit as Promise<T>;
  const value = read();
  memo.set(key, value);
  value.catch(() => memo.delete(key));
  return value;
}

/** Forget this request's answers whose keys start with `prefix` (after a write that changes them). */
export function forgetInRequest(prefix: string): void {
  const scope = storage.getStore();
  const memo = scope ? memos.get(scope) : undefined;
  for (const key of memo?.keys() ?? []) if (key.startsWith(prefix)) memo!.delete(key);
}
