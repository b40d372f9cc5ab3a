/**
 * Links between cases, one end in each case's partition (`LINK#<other case>`),
 * so a case's links are one Query and a pair can hold only one link: the key
 * itself refuses a second. Both ends are written in the transaction that
 * advances both cases' chain heads (`commitCases`).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CaseLink } from '#core/links.js';
import { dynamo, tableName } from './client.js';
import { itemsUnderCase } from './case-repository.js';
import { LINK_PREFIX, caseKey, linkKey, withoutStorageAttributes } from './keys.js';
import { type Page, pageOfPartition, queryAll } from './paging.js';
import { putNew, type TransactItem } from './transactions.js';

const linkItem = (link: CaseLink) => ({ ...linkKey(link.caseId, link.targetId), entity: 'CaseLink', ...link });

/** A new link end: refused (the transaction cancelled) if the pair is linked already. */
export const newLinkItem = (link: CaseLink): TransactItem => putNew(linkItem(link));

/** A merge's link end: replaces whatever link the pair had (a "related" or "duplicate" suspicion becomes the merge). */
export const mergeLinkItem = (link: CaseLink): TransactItem => ({ Put: { TableName: tableName(), Item: linkItem(link) } });

/** Remove a link end that must still be there. */
export const removedLinkItem = (link: CaseLink): TransactItem => ({
  Delete: { TableName: tableName(), Key: linkKey(link.caseId, link.targetId), ConditionExpression: 'attribute_exists(pk)' },
});

/**
 * Hold a case's place in a tree still: the commit fails if its parent changed
 * since it was read (the ancestry a cycle check walked must be the one committed).
 */
export const parentUnchanged = (caseId: string, parentId: string | null): TransactItem => ({
  ConditionCheck: {
    TableName: tableName(),
    Key: caseKey(caseId),
    ...(parentId === null
      ? { ConditionExpression: 'attribute_type(parentId, :null)', ExpressionAttributeValues: { ':null': 'NULL' } }
      : { ConditionExpression: 'parentId = :parent', ExpressionAttributeValues: { ':parent': parentId } }),
  },
});

export async function getLink(caseId: string, targetId: string): Promise<CaseLink | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: linkKey(caseId, targetId), ConsistentRead: true }));
  return out.Item ? withoutStorageAttributes<CaseLink>(out.Item) : undefined;
}

export function listLinks(caseId: string, limit: number, cursor?: string): Promise<Page<CaseLink>> {
  return pageOfPartition(itemsUnderCase(caseId, LINK_PREFIX), limit, cursor, { list: 'links', caseId }, withoutStorageAttributes<CaseLink>);
}

/** Cases merged straight into `caseId` (not those merged into them), in the order of their ids. */
export async function mergedInto(caseId: string): Promise<string[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    FilterExpression: '#merged = :yes AND #kind = :kind',
    ExpressionAttributeNames: { '#merged': 'merged', '#kind': 'kind' },
    ExpressionAttributeValues: { ':pk': caseKey(caseId).pk, ':prefix': LINK_PREFIX, ':yes': true, ':kind': 'hasDuplicate' },
    ProjectionExpression: 'targetId',
    ConsistentRead: true,
  });
  return items.map((i) => String(i.targetId));
}
