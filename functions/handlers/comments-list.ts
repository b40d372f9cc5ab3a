import { commentsList } from '#http/api/comments-list.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(commentsList);
