import { assets } from '#http/api/assets.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(assets);
