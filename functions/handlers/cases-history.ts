import { casesHistory } from '#http/api/cases-history.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(casesHistory);
