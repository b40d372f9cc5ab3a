import { commentsAdd } from '#http/api/comments-add.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(commentsAdd);
