/** ETags and If-Match: the versions a client reads and must name back to change something. */
import { DomainError } from '#core/errors.js';

/** ETag of a case version; If-Match accepts it back. */
export const etagOf = (version: number) => `"${version}"`;

/**
 * The version an If-Match names, where a write must name one: without it a save
 * could silently overwrite someone else's change (428, naming the header).
 */
export function requiredIfMatch(ifMatch: number | undefined, detail: string, message: string): number {
  if (ifMatch === undefined) throw new DomainError('PreconditionRequired', detail, [{ field: 'header.if-match', rule: 'required', message }]);
  return ifMatch;
}
