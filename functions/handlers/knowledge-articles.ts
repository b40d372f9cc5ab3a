import { knowledgeArticles } from '#http/api/knowledge-articles.js';
import { changeContextOf } from '#http/change-context.js';
import { etagOf, requiredIfMatch, serve } from '#http/http-handler.js';
import {
  articleVersions,
  caseArticles,
  changeArticleStatus,
  linkArticle,
  listArticles,
  readArticle,
  recordFeedback,
  updateArticle,
  verifyArticle,
  writeArticle,
} from '#services/knowledge.js';

export const handler = serve(knowledgeArticles, {
  createArticle: async (request) => {
    const article = await writeArticle(request.body, changeContextOf(request));
    return { status: 201, body: article, headers: { location: `/knowledge/articles/${article.articleId}`, etag: etagOf(article.version) } };
  },
  listArticles: async ({ query, caller }) => ({ status: 200, body: await listArticles(query, caller) }),
  getArticle: async ({ params, caller }) => {
    const article = await readArticle(params.articleId, caller);
    return { status: 200, body: article, headers: { etag: etagOf(article.version) } };
  },
  updateArticle: async (request) => {
    const ifMatch = requiredIfMatch(
      request.headers['if-match'],
      'Send If-Match with the ETag of the article version you are changing.',
      'If-Match is required for updates.',
    );
    const article = await updateArticle(request.params.articleId, request.body, ifMatch, changeContextOf(request));
    return { status: 200, body: article, headers: { etag: etagOf(article.version) } };
  },
  changeArticleStatus: async (request) => {
    const article = await changeArticleStatus(
      request.params.articleId,
      request.body.to,
      request.body.reason,
      request.headers['if-match'],
      changeContextOf(request),
    );
    return { status: 200, body: article, headers: { etag: etagOf(article.version) } };
  },
  listArticleVersions: async ({ params, query, caller }) => ({
    status: 200,
    body: await articleVersions(params.articleId, caller, query.limit, query.cursor),
  }),
  verifyArticleVersions: async ({ params, caller }) => ({ status: 200, body: await verifyArticle(params.articleId, caller) }),
  linkArticle: async (request) => {
    const { link, created } = await linkArticle(request.params.id, request.body.articleId, request.body.suggestionId, changeContextOf(request));
    if (created) request.count('ArticlesLinked');
    return { status: created ? 201 : 200, body: link };
  },
  listCaseArticles: async ({ params, query, caller }) => ({ status: 200, body: await caseArticles(params.id, caller, query.limit, query.cursor) }),
  suggestionFeedback: async (request) => {
    const result = await recordFeedback(request.body, request.caller, request.now);
    if (result.counted) request.count(`Suggestions${request.body.event[0]!.toUpperCase()}${request.body.event.slice(1)}`);
    return { status: 200, body: result };
  },
});
