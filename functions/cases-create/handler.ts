import * as z from 'zod';
import { changeContextOf } from '../http/change-context.js';
import { etagOf, httpHandler } from '../http/http-handler.js';
import { CreateCaseBody, IdempotencyKey } from '../http/schemas.js';
import { createCase } from '../services/cases.js';

export const CreateCaseHeaders = z.looseObject({ 'idempotency-key': IdempotencyKey.optional() });

export const handler = httpHandler({
  operation: 'CreateCase',
  headers: CreateCaseHeaders,
  body: CreateCaseBody,
  handle: async (request) => {
    const { case: created, replayed } = await createCase(request.body, changeContextOf(request), request.headers['idempotency-key']);
    return {
      status: 201,
      body: created,
      headers: {
        location: `/cases/${created.caseId}`,
        etag: etagOf(created.version),
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      },
    };
  },
});
