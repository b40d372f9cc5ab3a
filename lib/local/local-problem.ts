/**
 * The RFC 9457 answer of the local-only routes (`/_local/*`): the same shape the API's
 * problems have, written here because these routes run outside the handlers' middleware.
 */
import type { LocalResponse } from './local-request.js';

export interface LocalFieldIssue {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

export const localProblem = (status: number, title: string, detail: string, errors: readonly LocalFieldIssue[] = []): LocalResponse => ({
  status,
  headers: { 'content-type': 'application/problem+json' },
  body: { type: 'about:blank', title, status, detail, ...(errors.length > 0 ? { errors } : {}) },
});
