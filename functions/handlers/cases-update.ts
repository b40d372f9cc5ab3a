import { casesUpdate } from '#http/api/cases-update.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(casesUpdate);
