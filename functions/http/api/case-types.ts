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
    body: CreateCaseTypeBody,
    responses: {
      201: { description: 'The published version 1.', schema: CaseTypeRecord, headers: { ...TypeHeaders, Location: 'URL of the type.' } },
    },
    problems: [400, 401, 403, 409, 413, 415],
  }),
  listCaseTypes: operation({
    operationId: 'listCaseTypes',
    method: 'GET',
    path: '/case-types',
    fn: 'case-types',
    auth: 'jwt',
    summary: 'The case types there are, with their current versions',
    responses: { 200: { description: 'Every case type.', schema: listOf(CaseTypeSummaryRecord, 'CaseTypeList') } },
    problems: [401, 403],
  }),
  getCaseType: operation({
    operationId: 'getCaseType',
    method: 'GET',
    path: '/case-types/{type}',
    fn: 'case-types',
    auth: 'jwt',
    summary: 'A version of a case type (requesters see its intake form and public fields)',
    params: CaseTypeParams,
    query: VersionQuery,
    responses: { 200: { description: 'The case type.', schema: CaseTypeRecord, headers: TypeHeaders } },
    problems: [400, 401, 403, 404],
  }),
  publishCaseTypeVersion: operation({
    operationId: 'publishCaseTypeVersion',
    method: 'POST',
    path: '/case-types/{type}/versions',
    fn: 'case-types',
    auth: 'jwt',
    summary: 'Publish the next version of a case type; states it drops must be mapped (admin)',
    params: CaseTypeParams,
    headers: { 'If-Match': { schema: IfMatch } },
    body: PublishVersionBody,
    responses: {
      201: { description: 'The published version.', schema: CaseTypeRecord, headers: { ...TypeHeaders, Location: 'URL of the version.' } },
    },
    problems: [400, 401, 403, 404, 412, 413, 415],
  }),
  listCaseTypeVersions: operation({
    operationId: 'listCaseTypeVersions',
    method: 'GET',
    path: '/case-types/{type}/versions',
    fn: 'case-types',
    auth: 'jwt',
    summary: 'Every published version of a case type, oldest first (staff)',
    params: CaseTypeParams,
    responses: { 200: { description: 'The versions.', schema: listOf(CaseTypeRecord, 'CaseTypeVersionList') } },
    problems: [400, 401, 403, 404],
  }),
  caseTypeWorkflow: operation({
    operationId: 'caseTypeWorkflow',
    method: 'GET',
    path: '/case-types/{type}/workflow',
    fn: 'case-types',
    auth: 'jwt',
    summary: 'The transit map of a case type: states, transitions with their guards and effects, as data and as Mermaid (staff)',
    params: CaseTypeParams,
    query: VersionQuery,
    responses: { 200: { description: 'The transit map.', schema: TransitMapRecord } },
    problems: [400, 401, 403, 404],
  }),
};
