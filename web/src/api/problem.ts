/**
 * Errors from the API as the console shows them: RFC 9457 problem details (title, detail, the
 * fields at fault), with the correlation id for a 5xx so support can find the request. Anything
 * that is not a problem (the gateway's plain 401, a network failure) is turned into one here,
 * so every view has one kind of error to show.
 */
import type { components } from './schema.js';

export type Problem = components['schemas']['Problem'];
export type FieldError = NonNullable<Problem['errors']>[number];

export class ApiProblem extends Error {
  readonly problem: Problem;
  readonly status: number;
  /** The problem's correlationId, else the gateway's request id. */
  readonly correlationId: string | undefined;

  constructor(problem: Problem, correlationId?: string) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = 'ApiProblem';
    this.problem = problem;
    this.status = problem.status;
    this.correlationId = problem.correlationId ?? correlationId;
  }

  /** The messages the API gave for one field (`fields.orderNumber`, `subject`). */
  errorsFor(field: string): FieldError[] {
    return (this.problem.errors ?? []).filter((error) => error.field === field || error.field.endsWith(`.${field}`));
  }
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).title === 'string' && typeof (body as Problem).status === 'number';
}

/** Whatever came back with a failing response, as a problem. */
export function toProblem(body: unknown, response: Response | undefined): ApiProblem {
  const correlationId = response?.headers.get('x-request-id') ?? undefined;
  if (isProblem(body)) return new ApiProblem(body, correlationId);
  const status = response?.status ?? 0;
  const message =
    typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string'
      ? (body as { message: string }).message
      : undefined;
  return new ApiProblem({ type: 'about:blank', title: message ?? (response?.statusText || 'Request failed'), status }, correlationId);
}

/** A failure before any answer (offline, DNS, CORS). */
export function networkProblem(error: unknown): ApiProblem {
  return new ApiProblem({
    type: 'about:blank',
    title: 'The server could not be reached',
    detail: error instanceof Error ? error.message : String(error),
    status: 0,
  });
}
