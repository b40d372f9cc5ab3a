/** GET /openapi.json: the declaration the openapi handler serves. */
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
    responses: { 200: { description: 'The OpenAPI 3.1 document.' } },
    problems: [],
  }),
};
