import { casesList } from '#http/api/cases-list.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(casesList);
