import { caseHandoff } from '#http/api/case-handoff.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(caseHandoff);
