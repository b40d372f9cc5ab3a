/** Monitored assets: what the assets handler serves. */
import { AssetDetail, AssetPage, AssetParams, AssetRecord, CreateAssetBody, ListAssetsQuery, PatchAssetBody } from '../device-schemas.js';
import { operation } from '../operation.js';
import { IfMatch } from '../schemas.js';
import { etagOf, requiredIfMatch } from '../preconditions.js';
import { getAsset, listAssets, registerAsset, updateAsset } from '#services/assets.js';

const AssetHeaders = { ETag: 'Version of the asset, for If-Match.' };

export const assets = {
  registerAsset: operation({
    operationId: 'registerAsset',
    method: 'POST',
    path: '/assets',
    fn: 'assets',
    auth: 'jwt',
    summary: 'Register a monitored asset (admin, integration): owner, entitlement, thresholds, anomaly settings',
    description:
      'Who: admin, integration. Register an asset: `owner` (the requester of its cases), `entitlementId`, `thresholds`, `anomaly`, `autoResolve`, `priority`; 409 if it exists.',
    body: CreateAssetBody,
    responses: { 201: { description: 'The asset.', schema: AssetRecord, headers: { ...AssetHeaders, Location: 'URL of the asset.' } } },
    problems: [400, 401, 403, 409, 413, 415],
    handle: async ({ body, caller, now }) => {
      const asset = await registerAsset(body, caller, now);
      return { status: 201, body: asset, headers: { location: `/assets/${asset.assetId}`, etag: etagOf(asset.version) } };
    },
  }),
  listAssets: operation({
    operationId: 'listAssets',
    method: 'GET',
    path: '/assets',
    fn: 'assets',
    auth: 'jwt',
    summary: "An owner's assets, by id (staff; a requester lists their own)",
    description: "Who: staff; a requester only `owner=<self>`. An owner's assets, `limit`/`cursor`.",
    query: ListAssetsQuery,
    responses: { 200: { description: 'A page of assets.', schema: AssetPage } },
    problems: [400, 401, 403],
    handle: async ({ query, caller }) => ({ status: 200, body: await listAssets(query.owner, caller, query.limit, query.cursor) }),
  }),
  getAsset: operation({
    operationId: 'getAsset',
    method: 'GET',
    path: '/assets/{id}',
    fn: 'assets',
    auth: 'jwt',
    summary: 'An asset with its open conditions (count, last value, peak) and the cases it opened (staff, or its owner)',
    description: 'Who: staff, or the owner. The asset, its `openConditions` (count, last value, peak, limit, recovered) and the cases it opened.',
    params: AssetParams,
    responses: { 200: { description: 'The asset.', schema: AssetDetail, headers: AssetHeaders } },
    problems: [400, 401, 404],
    handle: async ({ params, caller }) => {
      const asset = await getAsset(params.id, caller);
      return { status: 200, body: asset, headers: { etag: etagOf(asset.version) } };
    },
  }),
  updateAsset: operation({
    operationId: 'updateAsset',
    method: 'PATCH',
    path: '/assets/{id}',
    fn: 'assets',
    auth: 'jwt',
    summary: 'Change an asset (admin, integration; If-Match with its ETag)',
    description:
      'Who: admin, integration. Change an asset; `If-Match` required (428 without, 412 if stale); thresholds replace, anomaly settings merge.',
    params: AssetParams,
    headers: { 'If-Match': { schema: IfMatch, required: true } },
    body: PatchAssetBody,
    responses: { 200: { description: 'The changed asset.', schema: AssetRecord, headers: AssetHeaders } },
    problems: [400, 401, 403, 404, 409, 412, 413, 415, 428],
    handle: async ({ params, headers, body, caller, now }) => {
      const ifMatch = requiredIfMatch(
        headers['if-match'],
        'Send If-Match with the ETag of the asset version you are changing.',
        'If-Match is required for updates.',
      );
      const asset = await updateAsset(params.id, body, ifMatch, caller, now);
      return { status: 200, body: asset, headers: { etag: etagOf(asset.version) } };
    },
  }),
};
