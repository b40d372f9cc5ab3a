import { assets } from '#http/api/assets.js';
import { etagOf, requiredIfMatch, serve } from '#http/http-handler.js';
import { getAsset, listAssets, registerAsset, updateAsset } from '#services/assets.js';

export const handler = serve(assets, {
  registerAsset: async ({ body, caller, now }) => {
    const asset = await registerAsset(body, caller, now);
    return { status: 201, body: asset, headers: { location: `/assets/${asset.assetId}`, etag: etagOf(asset.version) } };
  },
  listAssets: async ({ query, caller }) => ({ status: 200, body: await listAssets(query.owner, caller, query.limit, query.cursor) }),
  getAsset: async ({ params, caller }) => {
    const asset = await getAsset(params.id, caller);
    return { status: 200, body: asset, headers: { etag: etagOf(asset.version) } };
  },
  updateAsset: async ({ params, headers, body, caller, now }) => {
    const ifMatch = requiredIfMatch(
      headers['if-match'],
      'Send If-Match with the ETag of the asset version you are changing.',
      'If-Match is required for updates.',
    );
    const asset = await updateAsset(params.id, body, ifMatch, caller, now);
    return { status: 200, body: asset, headers: { etag: etagOf(asset.version) } };
  },
});
