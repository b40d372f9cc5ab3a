import { routing as declared } from '#http/api/routing.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(declared);
