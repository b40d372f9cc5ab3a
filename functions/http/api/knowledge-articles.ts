/** Knowledge articles: versions, lifecycle, links to cases, suggestion feedback; what the knowledge-articles handler serves. */
import {
  ArticleLinkRecord,
  ArticleParams,
  ArticlePatchBody,
  ArticleRecord,
  ArticleStatusBody,
  ArticleVersionRecord,
  FeedbackBody,
  FeedbackRecord,
  LinkArticleBody,
  ListArticlesQuery,
  NewArticleBody,
} from '../knowledge-schemas.js';
import { operation } from '../operation.js';
import { ChainReportRecord } from '../chain-report-schema.js';
import { CaseIdParams, IfMatch, pageOf, PageQuery } from '../schemas.js';
import { changeContextOf } from '../change-context.js';
import { etagOf, requiredIfMatch } from '../preconditions.js';
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

const ArticleHeaders = { ETag: 'Version of the article, for If-Match.' };

export const knowledgeArticles = {
  createArticle: operation({
    operationId: 'createArticle',
    method: 'POST',
    path: '/knowledge/articles',
    fn: 'knowledge-articles',
    auth: 'jwt',
    summary: 'Write a knowledge article, as a draft (agents, supervisors, admins)',
    description:
      'Who: agent, supervisor, admin. Write an article (markdown `body`, `category`, `tags`, `visibility` internal/public): a draft, version 1.',
    body: NewArticleBody,
    responses: {
      201: { description: 'The article, version 1.', schema: ArticleRecord, headers: { ...ArticleHeaders, Location: 'URL of the article.' } },
    },
    problems: [400, 401, 403, 413, 415],
    handle: async (request) => {
      const article = await writeArticle(request.body, changeContextOf(request));
      return { status: 201, body: article, headers: { location: `/knowledge/articles/${article.articleId}`, etag: etagOf(article.version) } };
    },
  }),
  listArticles: operation({
    operationId: 'listArticles',
    method: 'GET',
    path: '/knowledge/articles',
    fn: 'knowledge-articles',
    auth: 'jwt',
    summary: 'Articles, most recently changed first, by state, visibility, category or tag (requesters: published public ones)',
    description:
      'Who: all roles. Most recently changed first, by `status` (comma list), `visibility`, `category`, `tag`; requesters: published public ones only.',
    query: ListArticlesQuery,
    responses: { 200: { description: 'A page of articles.', schema: pageOf(ArticleRecord, 'ArticlePage') } },
    problems: [400, 401, 403],
    handle: async ({ query, caller }) => ({ status: 200, body: await listArticles(query, caller) }),
  }),
  getArticle: operation({
    operationId: 'getArticle',
    method: 'GET',
    path: '/knowledge/articles/{articleId}',
    fn: 'knowledge-articles',
    auth: 'jwt',
    summary: 'One article; staff also see how its suggestions fared',
    description:
      'Who: all roles (requesters: published public). The article with `ETag`; staff also get `stats` (shown, clicked, linked, deflected).',
    params: ArticleParams,
    responses: { 200: { description: 'The article.', schema: ArticleRecord, headers: ArticleHeaders } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, caller }) => {
      const article = await readArticle(params.articleId, caller);
      return { status: 200, body: article, headers: { etag: etagOf(article.version) } };
    },
  }),
  updateArticle: operation({
    operationId: 'updateArticle',
    method: 'PATCH',
    path: '/knowledge/articles/{articleId}',
    fn: 'knowledge-articles',
    auth: 'jwt',
    summary: 'Save changes to an article as its next version (If-Match required)',
    description:
      'Who: agent, supervisor, admin. Save changes as the next version; `If-Match` required (428 without, 412 if stale); archived articles refuse (409).',
    params: ArticleParams,
    headers: { 'If-Match': { schema: IfMatch, required: true } },
    body: ArticlePatchBody,
    responses: { 200: { description: 'The saved article.', schema: ArticleRecord, headers: ArticleHeaders } },
    problems: [400, 401, 403, 404, 409, 412, 413, 415, 428],
    handle: async (request) => {
      const ifMatch = requiredIfMatch(
        request.headers['if-match'],
        'Send If-Match with the ETag of the article version you are changing.',
        'If-Match is required for updates.',
      );
      const article = await updateArticle(request.params.articleId, request.body, ifMatch, changeContextOf(request));
      return { status: 200, body: article, headers: { etag: etagOf(article.version) } };
    },
  }),
  changeArticleStatus: operation({
    operationId: 'changeArticleStatus',
    method: 'POST',
    path: '/knowledge/articles/{articleId}/status',
    fn: 'knowledge-articles',
    auth: 'jwt',
    summary: 'Move an article along its lifecycle; into or out of published takes a supervisor or admin (If-Match optional)',
    description:
      'Who: agent, supervisor, admin; into or out of `published`: supervisor, admin. Move along the lifecycle (`to`, `reason`); 409 names the allowed moves; `If-Match` optional.',
    params: ArticleParams,
    headers: { 'If-Match': { schema: IfMatch } },
    body: ArticleStatusBody,
    responses: { 200: { description: 'The article in its new state.', schema: ArticleRecord, headers: ArticleHeaders } },
    problems: [400, 401, 403, 404, 409, 412, 413, 415],
    handle: async (request) => {
      const article = await changeArticleStatus(
        request.params.articleId,
        request.body.to,
        request.body.reason,
        request.headers['if-match'],
        changeContextOf(request),
      );
      return { status: 200, body: article, headers: { etag: etagOf(article.version) } };
    },
  }),
  listArticleVersions: operation({
    operationId: 'listArticleVersions',
    method: 'GET',
    path: '/knowledge/articles/{articleId}/versions',
    fn: 'knowledge-articles',
    auth: 'jwt',
    summary: 'Every version of an article, oldest first: who saved what, when, why, chained (staff)',
    description: 'Who: staff. Every version, oldest first: snapshot, who, when, why, hash-chained.',
    params: ArticleParams,
    query: PageQuery,
    responses: { 200: { description: 'A page of versions.', schema: pageOf(ArticleVersionRecord, 'ArticleVersionPage') } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, query, caller }) => ({
      status: 200,
      body: await articleVersions(params.articleId, caller, query.limit, query.cursor),
    }),
  }),
  verifyArticleVersions: operation({
    operationId: 'verifyArticleVersions',
    method: 'GET',
    path: '/knowledge/articles/{articleId}/versions/verify',
    fn: 'knowledge-articles',
    auth: 'jwt',
    summary: "Recompute the article's version chain against its head (staff)",
    description: "Who: staff. Recompute the article's version chain against its head.",
    params: ArticleParams,
    responses: { 200: { description: 'The verification report.', schema: ChainReportRecord } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, caller }) => ({ status: 200, body: await verifyArticle(params.articleId, caller) }),
  }),
  linkArticle: operation({
    operationId: 'linkArticle',
    method: 'POST',
    path: '/cases/{id}/articles',
    fn: 'knowledge-articles',
    auth: 'jwt',
    summary: "Link the published article that resolved the case; the case's words then teach the article (agents, supervisors, admins)",
    description:
      "Who: agent, supervisor, admin. Link the published article that resolved the case (`articleId`, `suggestionId`): `ArticleLinked` on the case's chain; teaches the article the case's words.",
    params: CaseIdParams,
    body: LinkArticleBody,
    responses: {
      201: { description: 'The link.', schema: ArticleLinkRecord },
      200: { description: 'The existing link: it was already there.', schema: ArticleLinkRecord },
    },
    problems: [400, 401, 403, 404, 409, 413, 415],
    handle: async (request) => {
      const { link, created } = await linkArticle(request.params.id, request.body.articleId, request.body.suggestionId, changeContextOf(request));
      if (created) request.count('ArticlesLinked');
      return { status: created ? 201 : 200, body: link };
    },
  }),
  listCaseArticles: operation({
    operationId: 'listCaseArticles',
    method: 'GET',
    path: '/cases/{id}/articles',
    fn: 'knowledge-articles',
    auth: 'jwt',
    summary: 'Articles linked to the case (requesters: those they may read)',
    description: "Who: own case / staff. The case's linked articles (requesters: those they may read).",
    params: CaseIdParams,
    query: PageQuery,
    responses: { 200: { description: 'A page of links.', schema: pageOf(ArticleLinkRecord, 'ArticleLinkPage') } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, query, caller }) => ({ status: 200, body: await caseArticles(params.id, caller, query.limit, query.cursor) }),
  }),
  suggestionFeedback: operation({
    operationId: 'suggestionFeedback',
    method: 'POST',
    path: '/knowledge/feedback',
    fn: 'knowledge-articles',
    auth: 'jwt',
    summary: 'Count a suggestion shown, clicked, or a case deflected by it (once per suggestion, event and article)',
    description: "Who: all roles. Count `shown`, `clicked` or `deflected` for a suggestion's article, once per suggestion, event and article.",
    body: FeedbackBody,
    responses: { 200: { description: 'Whether it counted.', schema: FeedbackRecord } },
    problems: [400, 401, 403, 404, 409, 413, 415],
    handle: async (request) => {
      const result = await recordFeedback(request.body, request.caller, request.now);
      if (result.counted) request.count(`Suggestions${request.body.event[0]!.toUpperCase()}${request.body.event.slice(1)}`);
      return { status: 200, body: result };
    },
  }),
};
