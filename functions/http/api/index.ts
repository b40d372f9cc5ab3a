/**
 * Every HTTP operation of the API, in the order the document lists them. One
 * module per function, so a handler imports its own declarations and no other's
 * schemas. The route table (functions/topology/routes.ts) and the OpenAPI document
 * (../openapi.ts) are derived from this list.
 */
import type { OperationSpec } from '../operation.js';
import { assets } from './assets.js';
import { caseAttachments } from './case-attachments.js';
import { caseHandoff } from './case-handoff.js';
import { caseLinks } from './case-links.js';
import { caseTasks } from './case-tasks.js';
import { caseTypes } from './case-types.js';
import { caseWorkflow } from './case-workflow.js';
import { casesBulk } from './cases-bulk.js';
import { casesCreate } from './cases-create.js';
import { casesGet } from './cases-get.js';
import { casesHistory } from './cases-history.js';
import { casesList } from './cases-list.js';
import { casesUpdate } from './cases-update.js';
import { channels } from './channels.js';
import { commentsAdd } from './comments-add.js';
import { commentsList } from './comments-list.js';
import { deviceSignals } from './device-signals.js';
import { eventSchemas } from './event-schemas.js';
import { knowledgeArticles } from './knowledge-articles.js';
import { knowledgeSearch } from './knowledge-search.js';
import { notifications } from './notifications.js';
import { openapi } from './openapi.js';
import { routing } from './routing.js';
import { slaAdmin } from './sla-admin.js';

export const operations: readonly OperationSpec[] = [
  casesCreate,
  casesList,
  casesGet,
  casesUpdate,
  commentsAdd,
  commentsList,
  casesHistory,
  caseWorkflow,
  caseTasks,
  casesBulk,
  caseAttachments,
  caseTypes,
  openapi,
  caseLinks,
  caseHandoff,
  knowledgeArticles,
  knowledgeSearch,
  eventSchemas,
  notifications,
  slaAdmin,
  assets,
  deviceSignals,
  channels,
  routing,
].flatMap((module): OperationSpec[] => Object.values(module));
