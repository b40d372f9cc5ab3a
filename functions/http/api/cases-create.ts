/** POST /cases: the declaration the cases-create handler serves. */
import * as z from 'zod';
import { CaseHeaders, operation } from '../operation.js';
import { CaseRecord, CreateCaseBody, IdempotencyKey } from '../schemas.js';
import { changeContextOf } from '../change-context.js';
import { etagOf } from '../preconditions.js';
import { createCaseThroughIntake } from '#services/intake.js';

/** RFC 7240 preferences are comma-separated tokens: `Prefer: dedup` asks for duplicate detection. */
const prefersDedup = (prefer: string | undefined) => (prefer ?? '').split(',').some((token) => token.trim().toLowerCase() === 'dedup');

const Created = { ...CaseHeaders, Location: 'URL of the case.' };

export const casesCreate = {
  createCase: operation({
    operationId: 'createCase',
    method: 'POST',
    path: '/cases',
    fn: 'cases-create',
    auth: 'jwt',
    summary: 'Open a case',
    description:
      "With `Prefer: dedup`, a near-identical repeat (subject and description) of the same requester's open case within the intake window opens nothing: it joins that case as the requester's comment, with a DuplicateIntake event (score, window) in its history, and answers 200 with that case and Caseway-Duplicate-Of.",
    headers: {
      'Idempotency-Key': { schema: IdempotencyKey },
      Prefer: { schema: z.string().max(200).meta({ description: '`dedup`: join a near-identical open case instead of opening another.' }) },
    },
    body: CreateCaseBody,
    responses: {
      201: { description: 'Created, or the first result replayed for a repeated Idempotency-Key.', schema: CaseRecord, headers: Created },
      200: {
        description: "With `Prefer: dedup`, a repeat that joined the requester's open case: that case, with Caseway-Duplicate-Of.",
        schema: CaseRecord,
        headers: { ...Created, 'Caseway-Duplicate-Of': 'The open case the repeat joined.' },
      },
    },
    problems: [400, 401, 403, 409, 413, 415, 422],
    handle: async (request) => {
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
  }),
};
