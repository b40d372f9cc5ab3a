import { knowledgeSearch } from '#http/api/knowledge-search.js';
import { serve } from '#http/http-handler.js';

export const handler = serve(knowledgeSearch);
