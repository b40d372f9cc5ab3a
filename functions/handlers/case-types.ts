import { caseTypes as declared } from '#http/api/case-types.js';
import { changeContextOf } from '#http/change-context.js';
import { serve } from '#http/http-handler.js';
import * as caseTypes from '#services/case-types.js';

export const handler = serve(declared, {
  createCaseType: async (request) => {
    const { typeId, ...definition } = request.body;
    const created = await caseTypes.createCaseType(typeId, definition, changeContextOf(request));
    return { status: 201, body: created, headers: { location: `/case-types/${typeId}`, etag: `"${created.version}"` } };
  },
  listCaseTypes: async () => ({ status: 200, body: { items: await caseTypes.listCaseTypes() } }),
  getCaseType: async ({ params, query, caller }) => {
    const type = await caseTypes.getCaseType(params.type, query.version, caller);
    return { status: 200, body: type, headers: { etag: `"${type.version}"` } };
  },
  publishCaseTypeVersion: async (request) => {
    const { migration, ...definition } = request.body;
    const published = await caseTypes.publishVersion(
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
  listCaseTypeVersions: async ({ params, caller }) => ({ status: 200, body: { items: await caseTypes.listVersions(params.type, caller) } }),
  caseTypeWorkflow: async ({ params, query, caller }) => ({ status: 200, body: await caseTypes.workflowOf(params.type, query.version, caller) }),
});
