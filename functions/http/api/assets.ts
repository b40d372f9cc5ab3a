/** Monitored assets: what the assets handler serves. */
import { AssetDetail, AssetPage, AssetParams, AssetRecord, CreateAssetBody, ListAssetsQuery, PatchAssetBody } from '../device-schemas.js';
import { operation } from '../operation.js';
import { IfMatch } from '../schemas.js';

const AssetHeaders = { ETag: 'Version of the asset, for If-Match.' };

export const assets = {
  registerAsset: operation({
    operationId: 'registerAsset',
    method: 'POST',
    path: '/assets',
    fn: 'assets',
    auth: 'jwt',
    summary: 'Register a monitored asset (admin, integration): owner, entitlement, thresholds, anomaly settings',
    body: CreateAssetBody,
    responses: { 201: { description: 'The asset.', schema: AssetRecord, headers: { ...AssetHeaders, Location: 'URL of the asset.' } } },
    problems: [400, 401, 403, 409, 413, 415],
  }),
  listAssets: operation({
    operationId: 'listAssets',
    method: 'GET',
    path: '/assets',
    fn: 'assets',
    auth: 'jwt',
    summary: "An owner's assets, by id (staff; a requester lists their own)",
    query: ListAssetsQuery,
    responses: { 200: { description: 'A page of assets.', schema: AssetPage } },
    problems: [400, 401, 403],
  }),
  getAsset: operation({
    operationId: 'getAsset',
    method: 'GET',
    path: '/assets/{id}',
    fn: 'assets',
    auth: 'jwt',
    summary: 'An asset with its open conditions (count, last value, peak) and the cases it opened (staff, or its owner)',
    params: AssetParams,
    responses: { 200: { description: 'The asset.', schema: AssetDetail, headers: AssetHeaders } },
    problems: [400, 401, 404],
  }),
  updateAsset: operation({
    operationId: 'updateAsset',
    method: 'PATCH',
    path: '/assets/{id}',
    fn: 'assets',
    auth: 'jwt',
    summary: 'Change an asset (admin, integration; If-Match with its ETag)',
    params: AssetParams,
    headers: { 'If-Match': { schema: IfMatch, required: true } },
    body: PatchAssetBody,
    responses: { 200: { description: 'The changed asset.', schema: AssetRecord, headers: AssetHeaders } },
    problems: [400, 401, 403, 404, 409, 412, 413, 415, 428],
  }),
};
