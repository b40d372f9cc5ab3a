import { openapi } from '#http/api/openapi.js';
import { serve } from '#http/http-handler.js';
import { openApiDocument } from '#http/openapi.js';

export const handler = serve(openapi, {
  openApiDocument: async () => ({ status: 200, body: openApiDocument(), headers: { 'cache-control': 'public, max-age=300' } }),
});
