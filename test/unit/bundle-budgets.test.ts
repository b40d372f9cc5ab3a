/**
 * Every Lambda's bundle against its budget, bundled as the stack bundles it: a change
 * that makes a bundle heavier than its budget fails the build, and says by how much.
 * A budget is the size measured when it was set (`npm run bench:bundles`, 2026-12-03)
 * plus about a tenth, rounded up to 25 KiB: room for features, none for an import that
 * drags a package in by accident (as date-holidays once rode into every HTTP function).
 * Raise one on purpose, in the commit that needs it, and say why there.
 *
 * Why not 300 KB for every function without calendars, as issue 16 asked: what is left in
 * them is the AWS SDK (bundled and tree-shaken), zod and the Powertools. Leaving the SDK to
 * the Lambda runtime's copy brings most of them to about 300 KiB, but makes their cold start
 * slower, not faster (`npm run bench:bundles -- --sdk-external`, figures in docs/figures.md),
 * as the SDK team found too ("Reduce Lambda cold start times: migrate to AWS SDK for
 * JavaScript v3", AWS Developer Tools Blog: bundle the SDK if cold starts matter).
 * `npm run bench:bundles` measures each function's load against an empty handler's.
 */
import { describe, expect, it } from 'vitest';
import { entryOf, functionRegistry, type RegisteredFunction } from '#topology/functions.js';
import { bundleLambda } from '../support/lambda-bundle.js';

/** KiB per function; the type makes a new function's author give it one. */
const BUDGET_KIB: Record<RegisteredFunction, number> = {
  assets: 600,
  'case-attachments': 800,
  'case-handoff': 575,
  'case-links': 2300,
  'case-tasks': 600,
  'case-types': 600,
  'case-workflow': 2300,
  'cases-bulk': 2375,
  'cases-create': 2300,
  'cases-get': 575,
  'cases-history': 600,
  'cases-list': 600,
  'cases-update': 2300,
  'channel-events': 2275,
  channels: 3775,
  'comments-add': 2275,
  'comments-list': 600,
  'device-events': 2300,
  'device-ingest': 2300,
  'device-signals': 2300,
  'email-inbound': 3750,
  'event-schemas': 350,
  fallback: 350,
  'intake-ack': 650,
  'knowledge-articles': 625,
  'knowledge-indexer': 1125,
  'knowledge-search': 1175,
  'live-connect': 575,
  'live-fanout': 600,
  'notification-sender': 650,
  notifications: 600,
  openapi: 625,
  'outbox-publisher': 500,
  routing: 2400,
  'routing-consumer': 2350,
  'routing-sweep': 2325,
  'sla-admin': 2275,
  'sla-arming': 2250,
  'sla-timer': 2275,
};

describe('bundle budgets', () => {
  it.each(Object.keys(functionRegistry) as RegisteredFunction[])('%s stays within its budget', async (fn) => {
    const kib = (await bundleLambda(entryOf(fn))).code.byteLength / 1024;
    expect(kib, `${fn}: ${kib.toFixed(1)} KiB, budget ${BUDGET_KIB[fn]} KiB`).toBeLessThanOrEqual(BUDGET_KIB[fn]);
  });
});
