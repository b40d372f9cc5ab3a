import { caseTypes as declared } from '#http/api/case-types.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(declared);
