import { slaAdmin } from '#http/api/sla-admin.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(slaAdmin);
