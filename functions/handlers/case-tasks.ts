import { caseTasks } from '#http/api/case-tasks.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(caseTasks);
