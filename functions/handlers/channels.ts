import { channels } from '#http/api/channels.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(channels);
