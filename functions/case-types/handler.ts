import * as z from 'zod';
import { changeContextOf } from '../http/change-context.js';
import { httpHandler, httpRoutes } from '../http/http-handler.js';
import { IfMatch } from '../http/schemas.js';
import { CaseTypeParams, CreateCaseTypeBody, PublishVersionBody, VersionQuery } from '../http/workflow-schemas.js';
import * as caseTypes from '../services/case-types.js';

const IfMatchHeader = z.looseObject({ 'if-match': IfMatch.optional() });

export const handler = httpRoutes({
  'POST /case-types': httpHandler({
    operation: 'CreateCaseType',
    body: CreateCaseTypeBody,
    handle: async (request) => {
      const { typeId, ...definition } = request.body;
      const created = await caseTypes.createCaseType(typeId, definition, changeContextOf(request));
      return { status: 201, body: created, headers: { location: `/case-types/${typeId}`, etag: `"${created.version}"` } };
    },
  }),
  'GET /case-types': httpHandler({
    operation: 'ListCaseTypes',
    handle: async () => ({ status: 200, body: { items: await caseTypes.listCaseTypes() } }),
  }),
  'GET /case-types/{type}': httpHandler({
    operation: 'GetCaseType',
    params: CaseTypeParams,
    query: VersionQuery,
    handle: async ({ params, query, caller }) => {
      const type = await caseTypes.getCaseType(params.type, query.version, caller);
      return { status: 200, body: type, headers: { etag: `"${type.version}"` } };
    },
  }),
  'POST /case-types/{type}/versions': httpHandler({
    operation: 'PublishCaseTypeVersion',
    params: CaseTypeParams,
    headers: IfMatchHeader,
    body: PublishVersionBody,
    handle: async (request) => {
      const { migration, ...definition } = request.body;
      const published = await caseTypes.publishVersion(request.params.type, definition, migration, request.headers['if-match'], changeContextOf(request));
      return {
        status: 201,
        body: published,
        headers: { location: `/case-types/${published.typeId}?version=${published.version}`, etag: `"${published.version}"` },
      };
    },
  }),
  'GET /case-types/{type}/versions': httpHandler({
    operation: 'ListCaseTypeVersions',
    params: CaseTypeParams,
    handle: async ({ params, caller }) => ({ status: 200, body: { items: await caseTypes.listVersions(params.type, caller) } }),
  }),
  'GET /case-types/{type}/workflow': httpHandler({
    operation: 'CaseTypeWorkflow',
    params: CaseTypeParams,
    query: VersionQuery,
    handle: async ({ params, query, caller }) => ({ status: 200, body: await caseTypes.workflowOf(params.type, query.version, caller) }),
  }),
});
