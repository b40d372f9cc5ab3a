import * as z from 'zod';
import { changeContextOf } from '../http/change-context.js';
import { etagOf, httpHandler, httpRoutes, requiredIfMatch } from '../http/http-handler.js';
import { ArticleParams, ArticlePatchBody, ArticleStatusBody, FeedbackBody, LinkArticleBody, ListArticlesQuery, NewArticleBody } from '../http/knowledge-schemas.js';
import { CaseIdParams, IfMatch, PageQuery } from '../http/schemas.js';
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
} from '../services/knowledge.js';

const IfMatchHeaders = z.looseObject({ 'if-match': IfMatch.optional() });

export const handler = httpRoutes({
  'POST /knowledge/articles': httpHandler({
    operation: 'CreateArticle',
    body: NewArticleBody,
    handle: async (request) => {
      const article = await writeArticle(request.body, changeContextOf(request));
      return { status: 201, body: article, headers: { location: `/knowledge/articles/${article.articleId}`, etag: etagOf(article.version) } };
    },
  }),
  'GET /knowledge/articles': httpHandler({
    operation: 'ListArticles',
    query: ListArticlesQuery,
    handle: async ({ query, caller }) => ({ status: 200, body: await listArticles(query, caller) }),
  }),
  'GET /knowledge/articles/{articleId}': httpHandler({
    operation: 'GetArticle',
    params: ArticleParams,
    handle: async ({ params, caller }) => {
      const article = await readArticle(params.articleId, caller);
      return { status: 200, body: article, headers: { etag: etagOf(article.version) } };
    },
  }),
  'PATCH /knowledge/articles/{articleId}': httpHandler({
    operation: 'UpdateArticle',
    params: ArticleParams,
    headers: IfMatchHeaders,
    body: ArticlePatchBody,
    handle: async (request) => {
      const ifMatch = requiredIfMatch(request.headers['if-match'], 'Send If-Match with the ETag of the article version you are changing.', 'If-Match is required for updates.');
      const article = await updateArticle(request.params.articleId, request.body, ifMatch, changeContextOf(request));
      return { status: 200, body: article, headers: { etag: etagOf(article.version) } };
    },
  }),
  'POST /knowledge/articles/{articleId}/status': httpHandler({
    operation: 'ChangeArticleStatus',
    params: ArticleParams,
    headers: IfMatchHeaders,
    body: ArticleStatusBody,
    handle: async (request) => {
      const article = await changeArticleStatus(request.params.articleId, request.body.to, request.body.reason, request.headers['if-match'], changeContextOf(request));
      return { status: 200, body: article, headers: { etag: etagOf(article.version) } };
    },
  }),
  'GET /knowledge/articles/{articleId}/versions': httpHandler({
    operation: 'ListArticleVersions',
    params: ArticleParams,
    query: PageQuery,
    handle: async ({ params, query, caller }) => ({ status: 200, body: await articleVersions(params.articleId, caller, query.limit, query.cursor) }),
  }),
  'GET /knowledge/articles/{articleId}/versions/verify': httpHandler({
    operation: 'VerifyArticleVersions',
    params: ArticleParams,
    handle: async ({ params, caller }) => ({ status: 200, body: await verifyArticle(params.articleId, caller) }),
  }),
  'POST /cases/{id}/articles': httpHandler({
    operation: 'LinkArticle',
    params: CaseIdParams,
    body: LinkArticleBody,
    handle: async (request) => {
      const { link, created } = await linkArticle(request.params.id, request.body.articleId, request.body.suggestionId, changeContextOf(request));
      if (created) request.count('ArticlesLinked');
      return { status: created ? 201 : 200, body: link };
    },
  }),
  'GET /cases/{id}/articles': httpHandler({
    operation: 'ListCaseArticles',
    params: CaseIdParams,
    query: PageQuery,
    handle: async ({ params, query, caller }) => ({ status: 200, body: await caseArticles(params.id, caller, query.limit, query.cursor) }),
  }),
  'POST /knowledge/feedback': httpHandler({
    operation: 'SuggestionFeedback',
    body: FeedbackBody,
    handle: async (request) => {
      const result = await recordFeedback(request.body, request.caller, request.now);
      if (result.counted) request.count(`Suggestions${request.body.event[0]!.toUpperCase()}${request.body.event.slice(1)}`);
      return { status: 200, body: result };
    },
  }),
});
