import { casesBulk } from '#http/api/cases-bulk.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(casesBulk);
