/**
 * Request and response schemas of the knowledge base: they validate requests and
 * generate its part of the OpenAPI document.
 */
import * as z from 'zod';
import { ARTICLE_STATUSES, ARTICLE_VISIBILITIES } from '#core/article.js';
import { Slug } from '#core/case-type.js';
import { CaseId, Cursor, Limit } from './schemas.js';

const text = (max: number) => z.string().trim().min(1).max(max);

export const ArticleId = z
  .string()
  .regex(/^KB-[0-9A-F]{12}$/, 'an article id such as KB-1A2B3C4D5E6F')
  .meta({ example: 'KB-1A2B3C4D5E6F' });
export const SuggestionId = z
  .string()
  .regex(/^SG-[0-9a-f]{16}$/, 'the suggestionId of a search or suggestion answer')
  .meta({ example: 'SG-0123456789abcdef' });
export const ArticleStatus = z.enum(ARTICLE_STATUSES).meta({ id: 'ArticleStatus' });
export const ArticleVisibility = z
  .enum(ARTICLE_VISIBILITIES)
  .meta({ id: 'ArticleVisibility', description: 'public: requesters may read it once published; internal: staff only.' });
const Tag = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[^#,\s][^#,]*$/, 'no "#" or ","');
const Tags = z.array(Tag).max(20);

export const ArticleParams = z.object({ articleId: ArticleId }).strict();

export const NewArticleBody = z
  .object({
    title: text(200),
    body: text(50_000).meta({ description: 'Markdown.' }),
    category: Slug.meta({ description: 'A slug such as billing or login.' }),
    tags: Tags.optional(),
    visibility: ArticleVisibility.optional().meta({ description: 'Default internal.' }),
  })
  .strict()
  .meta({ id: 'NewArticle' });

export const ArticlePatchBody = z
  .object({
    title: text(200).optional(),
    body: text(50_000).optional(),
    category: Slug.optional(),
    tags: Tags.optional(),
    visibility: ArticleVisibility.optional(),
    reason: text(1000).optional().meta({ description: 'Why: recorded in the version.' }),
  })
  .strict()
  .refine((patch) => Object.keys(patch).some((key) => key !== 'reason'), { message: 'name at least one field to change' })
  .meta({ id: 'ArticlePatch' });

export const ArticleStatusBody = z
  .object({ to: ArticleStatus, reason: text(1000).optional() })
  .strict()
  .meta({
    id: 'ArticleStatusChange',
    description:
      'draft -> inReview | published | archived; inReview -> draft | published | archived; published -> draft | archived; archived -> draft. Into or out of published: supervisor or admin.',
  });

export const ListArticlesQuery = z
  .object({
    status: z
      .string()
      .transform((value) => value.split(','))
      .pipe(z.array(ArticleStatus).min(1).max(4))
      .optional()
      .meta({ description: 'One state or several, comma-separated (staff; requesters always get published).', example: 'draft,inReview' }),
    visibility: ArticleVisibility.optional(),
    category: Slug.optional(),
    tag: Tag.optional(),
    limit: Limit,
    cursor: Cursor.optional(),
  })
  .strict();

const SearchLimit = z.coerce.number().int().min(1).max(50).default(10).meta({ description: 'Hits, at most 50.' });

export const SearchQuery = z
  .object({ q: text(500).meta({ description: 'What to look for, in anyone’s words.' }), category: Slug.optional(), limit: SearchLimit })
  .strict();
export const SuggestionsQuery = z.object({ limit: SearchLimit }).strict();

export const DeflectBody = z
  .object({
    subject: text(200),
    description: z.string().max(20_000).optional(),
    limit: z.number().int().min(1).max(50).default(5),
  })
  .strict()
  .meta({ id: 'DeflectionRequest', description: 'The case as the requester is writing it, before it is submitted.' });

export const LinkArticleBody = z
  .object({
    articleId: ArticleId,
    suggestionId: SuggestionId.optional().meta({ description: 'The suggestion the article came from, if any.' }),
  })
  .strict()
  .meta({ id: 'LinkArticle' });

export const FeedbackBody = z
  .object({
    suggestionId: SuggestionId,
    articleId: ArticleId,
    event: z.enum(['shown', 'clicked', 'deflected']).meta({
      description: 'deflected: the requester did not submit the case after reading the article. Links count through POST /cases/{id}/articles.',
    }),
  })
  .strict()
  .meta({ id: 'SuggestionFeedback' });

// Responses

const Actor = z.object({ sub: z.string(), name: z.string().optional(), roles: z.array(z.string()) });

export const ArticleRecord = z
  .object({
    articleId: ArticleId,
    title: z.string(),
    body: z.string(),
    category: z.string(),
    tags: z.array(z.string()),
    visibility: ArticleVisibility,
    status: ArticleStatus,
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    updatedAt: z.iso.datetime(),
    updatedBy: z.string(),
    publishedAt: z.iso.datetime().nullable(),
    version: z.number().int().min(1),
    stats: z
      .object({ shown: z.number().int(), clicked: z.number().int(), linked: z.number().int(), deflected: z.number().int() })
      .optional()
      .meta({ description: 'Staff only: how often suggestions of it were shown, clicked, linked to a case, or deflected one.' }),
  })
  .meta({ id: 'Article' });

export const ArticleVersionRecord = z
  .object({
    articleId: ArticleId,
    seq: z.number().int().min(1).meta({ description: 'The article version this record made.' }),
    action: z.enum(['ArticleCreated', 'ArticleRevised', 'ArticleStatusChanged']),
    at: z.iso.datetime(),
    actor: Actor,
    correlationId: z.string(),
    changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
    reason: z.string().optional(),
    snapshot: z.object({
      title: z.string(),
      body: z.string(),
      category: z.string(),
      tags: z.array(z.string()),
      visibility: ArticleVisibility,
      status: ArticleStatus,
    }),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'ArticleVersion' });

export const SuggestionsRecord = z
  .object({
    suggestionId: SuggestionId,
    query: z.string(),
    items: z.array(
      z.object({
        articleId: ArticleId,
        title: z.string(),
        category: z.string(),
        tags: z.array(z.string()),
        visibility: ArticleVisibility,
        status: ArticleStatus,
        score: z.number(),
        matchedTerms: z.array(z.string()),
        highlights: z.array(
          z.object({
            field: z.enum(['title', 'body', 'tags', 'learned']),
            fragment: z.string().meta({ description: 'Matched terms wrapped in <mark>.' }),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'Suggestions' });

export const ArticleLinkRecord = z
  .object({ caseId: CaseId, articleId: ArticleId, linkedAt: z.iso.datetime(), linkedBy: z.string(), suggestionId: z.string().nullable() })
  .meta({ id: 'ArticleLink' });

export const FeedbackRecord = z
  .object({ counted: z.boolean().meta({ description: 'false: this event was already counted for this suggestion.' }) })
  .meta({ id: 'FeedbackResult' });
