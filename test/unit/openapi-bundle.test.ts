/**
 * What the small HTTP functions bundle, built as the stack builds them (esbuild with the
 * options of test/bench/bundles.bench.ts). The declarations import their use cases, so a
 * function that imported the list of all operations, or the document builder, would carry
 * the whole API; and the shared HTTP stack must not reach the API's schema modules
 * (functions that serve none of them would carry them all). Heavy packages per function:
 * bundle-contents.test.ts.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER } from '#lib/constructs/caseway-function.js';
import { functions, type FunctionName } from '#topology/routes.js';

async function bundledInputs(fn: FunctionName): Promise<string[]> {
  const out = await build({
    entryPoints: [functions[fn].entry],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
    banner: { js: ESM_REQUIRE_BANNER },
    metafile: true,
  });
  return Object.keys(out.metafile.inputs);
}

const API_MODULES = /functions\/services\/|functions\/http\/(openapi\.ts|api\/index\.ts|schemas\.ts)/;
const CALENDARS = /node_modules\/(date-holidays|moment-timezone|astronomia|luxon)\//;

describe('the small HTTP functions', () => {
  it('openapi bundles the written document, not the declarations, their use cases or the document builder', async () => {
    const inputs = await bundledInputs('openapi');
    expect(inputs).toContain('functions/topology/openapi.json');
    expect(inputs.filter((input) => API_MODULES.test(input) || CALENDARS.test(input) || input.includes('zod-to-openapi'))).toEqual([]);
  }, 60_000);

  // The fallback serves no operation and uses only the shared stack: what it bundles, every HTTP function bundles.
  it('the shared HTTP stack reaches no use case and no API schema module (the fallback bundles none)', async () => {
    const inputs = await bundledInputs('fallback');
    expect(inputs).toContain('functions/http/http-handler.ts');
    expect(inputs.filter((input) => API_MODULES.test(input) || CALENDARS.test(input))).toEqual([]);
  }, 60_000);
});
