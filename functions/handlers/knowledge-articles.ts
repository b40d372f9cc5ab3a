import { knowledgeArticles } from '#http/api/knowledge-articles.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(knowledgeArticles);
