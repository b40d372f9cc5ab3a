import { casesCreate } from '#http/api/cases-create.js';
import { changeContextOf } from '#http/change-context.js';
import { etagOf, serve } from '#http/http-handler.js';
import { createCaseThroughIntake } from '#services/intake.js';

/** RFC 7240 preferences are comma-separated tokens: `Prefer: dedup` asks for duplicate detection. */
const prefersDedup = (prefer: string | undefined) => (prefer ?? '').split(',').some((token) => token.trim().toLowerCase() === 'dedup');

export const handler = serve(casesCreate, {
  createCase: async (request) => {
    const dedup = prefersDedup(request.headers.prefer);
    const {
      case: created,
      replayed,
      duplicateOf,
    } = await createCaseThroughIntake(request.body, changeContextOf(request), request.headers['idempotency-key'], { dedup });
    return {
      // A repeat that joined the requester's open case created nothing: 200 with that case.
      status: duplicateOf ? 200 : 201,
      body: created,
      headers: {
        location: `/cases/${created.caseId}`,
        etag: etagOf(created.version),
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
        ...(dedup ? { 'preference-applied': 'dedup' } : {}),
        ...(duplicateOf ? { 'caseway-duplicate-of': duplicateOf.caseId, 'caseway-duplicate-score': String(duplicateOf.score) } : {}),
      },
    };
  },
});
