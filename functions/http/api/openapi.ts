/**
 * GET /openapi.json: the declaration the openapi handler serves. The document is the one
 * `npm run api:generate` wrote from every declaration (functions/topology/openapi.json):
 * building it here would bundle every operation, and so every use case, into this function.
 */
import document from '#topology/openapi.json' with { type: 'json' };
import { operation } from '../operation.js';

export const openapi = {
  openApiDocument: operation({
    operationId: 'openApiDocument',
    method: 'GET',
    path: '/openapi.json',
    fn: 'openapi',
    auth: 'none',
    summary: 'This document',
    // No schema: the generator writes a plain object for it.
    description: 'Who: anyone. The API description.',
    responses: { 200: { description: 'The OpenAPI 3.1 document.' } },
    problems: [],
    handle: async () => ({ status: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } }),
  }),
};
