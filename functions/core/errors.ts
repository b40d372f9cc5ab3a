/**
 * Typed domain errors. The domain throws these; `functions/http/problem.ts` maps
 * each kind to one HTTP status and an RFC 9457 problem body in one place.
 */
export interface FieldIssue {
  /** Dotted path of the offending input, e.g. `body.subject` or `header.if-match`. */
  readonly field: string;
  /** Machine-readable rule that failed, e.g. `too_small`, `invalid_value`, `required`. */
  readonly rule: string;
  readonly message: string;
}

export type DomainErrorKind =
  | 'ValidationFailed'
  | 'Unauthenticated'
  | 'Forbidden'
  | 'NotFound'
  | 'Conflict'
  /** No transition of the workflow leads there from the case's state. */
  | 'InvalidTransition'
  /** The transition exists, but a guard blocks it now. */
  | 'TransitionBlocked'
  /** A well-formed assignment the case's access rule refuses (an assignee outside the type's teams). */
  | 'AssignmentRefused'
  | 'PreconditionFailed'
  | 'PreconditionRequired'
  | 'IdempotencyKeyReused'
  | 'PayloadTooLarge'
  | 'UnsupportedMediaType'
  | 'MethodNotAllowed'
  /** An all-or-nothing batch had rows that are not valid, so none was written. */
  | 'RowsRejected'
  /** A dependency the answer may not go out without (the read-access log) is failing: retry later. */
  | 'ServiceUnavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = kind;
  }
}

export const validationFailed = (issues: FieldIssue[], message = 'The request is not valid.') => new DomainError('ValidationFailed', message, issues);
export const forbidden = (message: string) => new DomainError('Forbidden', message);
export const notFound = (message: string) => new DomainError('NotFound', message);
export const conflict = (message: string, extra: Record<string, unknown> = {}) => new DomainError('Conflict', message, [], extra);
export const preconditionFailed = (message: string, extra: Record<string, unknown> = {}) => new DomainError('PreconditionFailed', message, [], extra);

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
