/**
 * The three states every view has besides its content: loading, empty, and failed.
 * A failure shows the API problem's title and detail, the fields at fault, and for a
 * server fault (5xx) the correlation id, which is what support needs to find the request.
 */
import type { ReactNode } from 'react';
import { ApiProblem } from '../api/problem';
import { text } from '../app/text';

export function Loading({ label = text.loading }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const problem = error instanceof ApiProblem ? error : undefined;
  const title = problem?.problem.title ?? (error instanceof Error ? error.message : String(error));
  const detail = problem?.problem.detail;
  const fieldErrors = problem?.problem.errors ?? [];
  const serverFault = problem !== undefined && problem.status >= 500;
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">{title}</p>
      {detail ? <p>{detail}</p> : null}
      {fieldErrors.length > 0 ? (
        <ul>
          {fieldErrors.map((e) => (
            <li key={`${e.field}:${e.rule}`}>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {serverFault && problem.correlationId ? (
        <p className="correlation">
          {text.errorSupport} {text.reference}: <code data-testid="correlation-id">{problem.correlationId}</code>
        </p>
      ) : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          {text.tryAgain}
        </button>
      ) : null}
    </div>
  );
}
