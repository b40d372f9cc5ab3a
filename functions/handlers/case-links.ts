import { caseLinks } from '#http/api/case-links.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(caseLinks);
