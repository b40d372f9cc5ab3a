import { httpHandler } from '../http/http-handler.js';
import { openApiDocument } from '../http/openapi.js';

export const handler = httpHandler(
  {
    operation: 'OpenApiDocument',
    handle: async () => ({ status: 200, body: openApiDocument(), headers: { 'cache-control': 'public, max-age=300' } }),
  },
  { auth: false },
);
