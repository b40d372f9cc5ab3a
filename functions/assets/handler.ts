import * as z from 'zod';
import { etagOf, httpHandler, httpRoutes, requiredIfMatch } from '../http/http-handler.js';
import { IfMatch } from '../http/schemas.js';
import { AssetParams, CreateAssetBody, ListAssetsQuery, PatchAssetBody } from '../http/device-schemas.js';
import { getAsset, listAssets, registerAsset, updateAsset } from '../services/assets.js';

const IfMatchHeaders = z.looseObject({ 'if-match': IfMatch.optional() });

export const handler = httpRoutes({
  'POST /assets': httpHandler({
    operation: 'RegisterAsset',
    body: CreateAssetBody,
    handle: async ({ body, caller, now }) => {
      const asset = await registerAsset(body, caller, now);
      return { status: 201, body: asset, headers: { location: `/assets/${asset.assetId}`, etag: etagOf(asset.version) } };
    },
  }),
  'GET /assets': httpHandler({
    operation: 'ListAssets',
    query: ListAssetsQuery,
    handle: async ({ query, caller }) => ({ status: 200, body: await listAssets(query.owner, caller, query.limit, query.cursor) }),
  }),
  'GET /assets/{id}': httpHandler({
    operation: 'GetAsset',
    params: AssetParams,
    handle: async ({ params, caller }) => {
      const asset = await getAsset(params.id, caller);
      return { status: 200, body: asset, headers: { etag: etagOf(asset.version) } };
    },
  }),
  'PATCH /assets/{id}': httpHandler({
    operation: 'UpdateAsset',
    params: AssetParams,
    headers: IfMatchHeaders,
    body: PatchAssetBody,
    handle: async ({ params, headers, body, caller, now }) => {
      const ifMatch = requiredIfMatch(headers['if-match'], 'Send If-Match with the ETag of the asset version you are changing.', 'If-Match is required for updates.');
      const asset = await updateAsset(params.id, body, ifMatch, caller, now);
      return { status: 200, body: asset, headers: { etag: etagOf(asset.version) } };
    },
  }),
});
