import { eventSchemas } from '#http/api/event-schemas.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(eventSchemas);
