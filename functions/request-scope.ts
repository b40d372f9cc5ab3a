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
