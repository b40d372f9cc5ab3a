/** OpenAPI descriptions of the knowledge base: articles, search, suggestions, links and feedback. */
import * as z from 'zod';
import {
  ArticleLinkRecord,
  ArticleParams,
  ArticlePatchBody,
  ArticleRecord,
  ArticleStatusBody,
  ArticleVersionRecord,
  DeflectBody,
  FeedbackBody,
  FeedbackRecord,
  LinkArticleBody,
  ListArticlesQuery,
  NewArticleBody,
  SearchQuery,
  SuggestionsQuery,
  SuggestionsRecord,
} from '../knowledge-schemas.js';
import { ChainReportRecord } from '../workflow-schemas.js';
import { CaseIdParams, IfMatch, pageOf, PageQuery } from '../schemas.js';
import { json, type Operation } from './shared.js';

const ArticleHeaders = { ETag: 'Version of the article, for If-Match.' };

export const knowledgeOperations: Record<string, Operation> = {
  'POST /knowledge/articles': {
    operationId: 'createArticle',
    summary: 'Write a knowledge article, as a draft (agents, supervisors, admins)',
    request: { body: { ...json(NewArticleBody), required: true } },
    ok: { status: 201, description: 'The article, version 1.', schema: ArticleRecord, headers: { ...ArticleHeaders, Location: 'URL of the article.' } },
    problems: [400, 401, 403, 413, 415],
  },
  'GET /knowledge/articles': {
    operationId: 'listArticles',
    summary: 'Articles, most recently changed first, by state, visibility, category or tag (requesters: published public ones)',
    request: { query: ListArticlesQuery },
    ok: { status: 200, description: 'A page of articles.', schema: pageOf(ArticleRecord, 'ArticlePage') },
    problems: [400, 401, 403],
  },
  'GET /knowledge/articles/{articleId}': {
    operationId: 'getArticle',
    summary: 'One article; staff also see how its suggestions fared',
    request: { params: ArticleParams },
    ok: { status: 200, description: 'The article.', schema: ArticleRecord, headers: ArticleHeaders },
    problems: [400, 401, 403, 404],
  },
  'PATCH /knowledge/articles/{articleId}': {
    operationId: 'updateArticle',
    summary: 'Save changes to an article as its next version (If-Match required)',
    request: { params: ArticleParams, headers: z.object({ 'If-Match': IfMatch }), body: { ...json(ArticlePatchBody), required: true } },
    ok: { status: 200, description: 'The saved article.', schema: ArticleRecord, headers: ArticleHeaders },
    problems: [400, 401, 403, 404, 409, 412, 413, 415, 428],
  },
  'POST /knowledge/articles/{articleId}/status': {
    operationId: 'changeArticleStatus',
    summary: 'Move an article along its lifecycle; into or out of published takes a supervisor or admin (If-Match optional)',
    request: { params: ArticleParams, headers: z.object({ 'If-Match': IfMatch.optional() }), body: { ...json(ArticleStatusBody), required: true } },
    ok: { status: 200, description: 'The article in its new state.', schema: ArticleRecord, headers: ArticleHeaders },
    problems: [400, 401, 403, 404, 409, 412, 413, 415],
  },
  'GET /knowledge/articles/{articleId}/versions': {
    operationId: 'listArticleVersions',
    summary: 'Every version of an article, oldest first: who saved what, when, why, chained (staff)',
    request: { params: ArticleParams, query: PageQuery },
    ok: { status: 200, description: 'A page of versions.', schema: pageOf(ArticleVersionRecord, 'ArticleVersionPage') },
    problems: [400, 401, 403, 404],
  },
  'GET /knowledge/articles/{articleId}/versions/verify': {
    operationId: 'verifyArticleVersions',
    summary: "Recompute the article's version chain against its head (staff)",
    request: { params: ArticleParams },
    ok: { status: 200, description: 'The verification report.', schema: ChainReportRecord },
    problems: [400, 401, 403, 404],
  },
  'POST /cases/{id}/articles': {
    operationId: 'linkArticle',
    summary: "Link the published article that resolved the case; the case's words then teach the article (agents, supervisors, admins)",
    request: { params: CaseIdParams, body: { ...json(LinkArticleBody), required: true } },
    ok: { status: 201, description: 'The link (200 with the existing link when it was already there).', schema: ArticleLinkRecord },
    problems: [400, 401, 403, 404, 409, 413, 415],
  },
  'GET /cases/{id}/articles': {
    operationId: 'listCaseArticles',
    summary: 'Articles linked to the case (requesters: those they may read)',
    request: { params: CaseIdParams, query: PageQuery },
    ok: { status: 200, description: 'A page of links.', schema: pageOf(ArticleLinkRecord, 'ArticleLinkPage') },
    problems: [400, 401, 403, 404],
  },
  'POST /knowledge/feedback': {
    operationId: 'suggestionFeedback',
    summary: 'Count a suggestion shown, clicked, or a case deflected by it (once per suggestion, event and article)',
    request: { body: { ...json(FeedbackBody), required: true } },
    ok: { status: 200, description: 'Whether it counted.', schema: FeedbackRecord },
    problems: [400, 401, 403, 404, 409, 413, 415],
  },
  'GET /knowledge/search': {
    operationId: 'searchKnowledge',
    summary: 'Search the articles you may read: score, matched terms and highlights per hit',
    request: { query: SearchQuery },
    ok: { status: 200, description: 'The hits, best first, with a suggestionId for feedback.', schema: SuggestionsRecord },
    problems: [400, 401, 403],
  },
  'GET /cases/{id}/suggestions': {
    operationId: 'suggestForCase',
    summary: "Articles that may answer the case, from its subject and description",
    request: { params: CaseIdParams, query: SuggestionsQuery },
    ok: { status: 200, description: 'The suggestions, best first.', schema: SuggestionsRecord },
    problems: [400, 401, 403, 404],
  },
  'POST /knowledge/deflect': {
    operationId: 'deflectCase',
    summary: 'Articles that may answer a case before it is submitted (deflection)',
    request: { body: { ...json(DeflectBody), required: true } },
    ok: { status: 200, description: 'The suggestions, best first.', schema: SuggestionsRecord },
    problems: [400, 401, 403, 413, 415],
  },
};
