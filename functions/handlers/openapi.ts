import { openapi } from '#http/api/openapi.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(openapi);
