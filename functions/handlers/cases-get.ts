import { casesGet } from '#http/api/cases-get.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(casesGet);
