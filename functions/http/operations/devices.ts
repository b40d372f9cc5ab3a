/** OpenAPI descriptions of assets and device signals (proactive cases). */
import * as z from 'zod';
import { json, type Operation } from './shared.js';
import { IfMatch } from '../schemas.js';
import { AssetDetail, AssetPage, AssetParams, AssetRecord, CreateAssetBody, ListAssetsQuery, PatchAssetBody, SignalResults, SignalsBody } from '../device-schemas.js';

const AssetHeaders = { ETag: 'Version of the asset, for If-Match.' };

export const deviceOperations: Record<string, Operation> = {
  'POST /assets': {
    operationId: 'registerAsset',
    summary: 'Register a monitored asset (admin, integration): owner, entitlement, thresholds, anomaly settings',
    request: { body: { ...json(CreateAssetBody), required: true } },
    ok: { status: 201, description: 'The asset.', schema: AssetRecord, headers: { ...AssetHeaders, Location: 'URL of the asset.' } },
    problems: [400, 401, 403, 409, 413, 415],
  },
  'GET /assets': {
    operationId: 'listAssets',
    summary: "An owner's assets, by id (staff; a requester lists their own)",
    request: { query: ListAssetsQuery },
    ok: { status: 200, description: 'A page of assets.', schema: AssetPage },
    problems: [400, 401, 403],
  },
  'GET /assets/{id}': {
    operationId: 'getAsset',
    summary: 'An asset with its open conditions (count, last value, peak) and the cases it opened (staff, or its owner)',
    request: { params: AssetParams },
    ok: { status: 200, description: 'The asset.', schema: AssetDetail, headers: AssetHeaders },
    problems: [400, 401, 404],
  },
  'PATCH /assets/{id}': {
    operationId: 'updateAsset',
    summary: 'Change an asset (admin, integration; If-Match with its ETag)',
    request: { params: AssetParams, headers: z.object({ 'If-Match': IfMatch }), body: { ...json(PatchAssetBody), required: true } },
    ok: { status: 200, description: 'The changed asset.', schema: AssetRecord, headers: AssetHeaders },
    problems: [400, 401, 403, 404, 409, 412, 413, 415, 428],
  },
  'POST /devices/signals': {
    operationId: 'ingestSignals',
    summary: 'Device telemetry, alerts and recoveries (integration): open, append to or resolve proactive cases; idempotent on signalId',
    request: { body: { ...json(SignalsBody), required: true } },
    ok: { status: 200, description: 'What each signal did, in the order sent.', schema: SignalResults },
    problems: [400, 401, 403, 409, 413, 415],
  },
};
