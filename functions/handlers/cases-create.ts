import { casesCreate } from '#http/api/cases-create.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(casesCreate);
