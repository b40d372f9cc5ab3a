/** Case types: versions, intake forms and workflows; what the case-types handler serves. */
import * as z from 'zod';
import { operation } from '../operation.js';
import { IfMatch } from '../schemas.js';
import {
  CaseTypeParams,
  CaseTypeRecord,
  CaseTypeSummaryRecord,
  CreateCaseTypeBody,
  PublishVersionBody,
  TransitMapRecord,
  VersionQuery,
} from '../workflow-schemas.js';
import { changeContextOf } from '../change-context.js';
import * as useCases from '#services/case-types.js';

const listOf = (item: z.ZodType, name: string) => z.object({ items: z.array(item) }).meta({ id: name });
const TypeHeaders = { ETag: 'The version of the case type.' };

export const caseTypes = {
  createCaseType: operation({
    operationId: 'createCaseType',
    method: 'POST',
    path: '/case-types',
    fn: 'case-types',
    auth: 'jwt',
    summary: 'Create a case type (its version 1): fields, intake form, workflow, default queue, priority formula (admin)',
    description: 'Who: admin. Create a case type (its version 1).',
    body: CreateCaseTypeBody,
    responses: {
      201: { description: 'The published version 1.', schema: CaseTypeRecord, headers: { ...TypeHeaders, Location: 'URL of the type.' } },
    },
    problems: [400, 401, 403, 409, 413, 415],
    handle: async (request) => {
      const { typeId, ...definition } = request.body;
      const created = await useCases.createCaseType(typeId, definition, changeContextOf(request));
      return { status: 201, body: created, headers: { location: `/case-types/${typeId}`, etag: `"${created.version}"` } };
    },
  }),
  listCaseTypes: operation({
    operationId: 'listCaseTypes',
    method: 'GET',
    path: '/case-types',
    fn: 'case-types',
    auth: 'jwt',
    summary: 'The case types there are, with their current versions',
    description: 'Who: all roles. The types and their current versions.',
    responses: { 200: { description: 'Every case type.', schema: listOf(CaseTypeSummaryRecord, 'CaseTypeList') } },
    problems: [401, 403],
    handle: async () => ({ status: 200, body: { items: await useCases.listCaseTypes() } }),
  }),
  getCaseType: operation({
    operationId: 'getCaseType',
    method: 'GET',
    path: '/case-types/{type}',
    fn: 'case-types',
    auth: 'jwt',
    summary: 'A version of a case type (requesters see its intake form and public fields)',
    description: 'Who: all roles. A version (`?version=`, default current); requesters get the intake form and public fields only.',
    params: CaseTypeParams,
    query: VersionQuery,
    responses: { 200: { description: 'The case type.', schema: CaseTypeRecord, headers: TypeHeaders } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, query, caller }) => {
      const type = await useCases.getCaseType(params.type, query.version, caller);
      return { status: 200, body: type, headers: { etag: `"${type.version}"` } };
    },
  }),
  publishCaseTypeVersion: operation({
    operationId: 'publishCaseTypeVersion',
    method: 'POST',
    path: '/case-types/{type}/versions',
    fn: 'case-types',
    auth: 'jwt',
    summary: 'Publish the next version of a case type; states it drops must be mapped (admin)',
    description: 'Who: admin. Publish the next version; states it drops must be mapped (`migration`); `If-Match` optional.',
    params: CaseTypeParams,
    headers: { 'If-Match': { schema: IfMatch } },
    body: PublishVersionBody,
    responses: {
      201: { description: 'The published version.', schema: CaseTypeRecord, headers: { ...TypeHeaders, Location: 'URL of the version.' } },
    },
    problems: [400, 401, 403, 404, 412, 413, 415],
    handle: async (request) => {
      const { migration, ...definition } = request.body;
      const published = await useCases.publishVersion(
        request.params.type,
        definition,
        migration,
        request.headers['if-match'],
        changeContextOf(request),
      );
      return {
        status: 201,
        body: published,
        headers: { location: `/case-types/${published.typeId}?version=${published.version}`, etag: `"${published.version}"` },
      };
    },
  }),
  listCaseTypeVersions: operation({
    operationId: 'listCaseTypeVersions',
    method: 'GET',
    path: '/case-types/{type}/versions',
    fn: 'case-types',
    auth: 'jwt',
    summary: 'Every published version of a case type, oldest first (staff)',
    description: 'Who: staff. Every version, oldest first.',
    params: CaseTypeParams,
    responses: { 200: { description: 'The versions.', schema: listOf(CaseTypeRecord, 'CaseTypeVersionList') } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, caller }) => ({ status: 200, body: { items: await useCases.listVersions(params.type, caller) } }),
  }),
  caseTypeWorkflow: operation({
    operationId: 'caseTypeWorkflow',
    method: 'GET',
    path: '/case-types/{type}/workflow',
    fn: 'case-types',
    auth: 'jwt',
    summary: 'The transit map of a case type: states, transitions with their guards and effects, as data and as Mermaid (staff)',
    description: 'Who: staff. The transit map: states, transitions with guards and effects, as data and as Mermaid.',
    params: CaseTypeParams,
    query: VersionQuery,
    responses: { 200: { description: 'The transit map.', schema: TransitMapRecord } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, query, caller }) => ({ status: 200, body: await useCases.workflowOf(params.type, query.version, caller) }),
  }),
};
