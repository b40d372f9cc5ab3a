import { caseWorkflow } from '#http/api/case-workflow.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(caseWorkflow);
