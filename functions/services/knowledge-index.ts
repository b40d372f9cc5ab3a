/**
 * Keeping the search index in step with the table. The indexer (DynamoDB stream in
 * AWS, the local stream pump locally) calls `reindexArticles` with the articles a
 * batch touched; each is re-read whole, with what linked cases taught it, and its
 * document replaced, so a redelivered or reordered record converges on the same
 * document (idempotent).
 */
import { ARTICLE_STATUSES, type Article } from '#core/article.js';
import { knowledgeDocumentOf } from '#core/knowledge/document.js';
import * as repo from '#adapters/dynamodb/article-repository.js';
import type { KnowledgeDocument, SearchIndex } from '#adapters/search.js';

/** The document the index holds for an article: the search core's own indexing code, as the quality bench uses it. */
export const indexDocumentOf = (article: Article, learnedTexts: readonly string[]): KnowledgeDocument =>
  knowledgeDocumentOf({ ...article, id: article.articleId }, learnedTexts);

/** Re-read each article and replace its document; an article that no longer exists leaves the index. */
export async function reindexArticles(articleIds: readonly string[], index: SearchIndex): Promise<void> {
  const ids = [...new Set(articleIds)];
  const read = await Promise.all(
    ids.map(async (id) => {
      const [article, learned] = await Promise.all([repo.getArticle(id), repo.learnedTexts(id)]);
      return {
        id,
        document: article
          ? indexDocumentOf(
              article,
              learned.map((l) => l.text),
            )
          : undefined,
      };
    }),
  );
  const documents = read.flatMap((r) => (r.document ? [r.document] : []));
  const gone = read.filter((r) => !r.document).map((r) => r.id);
  if (documents.length > 0) await index.upsert(documents);
  if (gone.length > 0) await index.remove(gone);
}

/** Index every article there is (an empty embedded index at start, or a new collection). */
export async function rebuildIndex(index: SearchIndex): Promise<number> {
  let count = 0;
  for (const status of ARTICLE_STATUSES) {
    const articles = await repo.allArticlesIn(status);
    for (let i = 0; i < articles.length; i += 50) {
      const ids = articles.slice(i, i + 50).map((a) => a.articleId);
      await reindexArticles(ids, index);
      count += ids.length;
    }
  }
  return count;
}
