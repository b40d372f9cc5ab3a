/**
 * What the small HTTP functions bundle, built as the stack builds them
 * (test/support/lambda-bundle.ts). The declarations import their use cases, so a
 * function that imported the list of all operations, or the document builder, would carry
 * the whole API; and the shared HTTP stack must not reach the API's schema modules
 * (functions that serve none of them would carry them all). Heavy packages per function:
 * bundle-contents.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { functions, type FunctionName } from '#topology/routes.js';
import { bundleLambda } from '../support/lambda-bundle.js';

async function bundledInputs(fn: FunctionName): Promise<string[]> {
  return Object.keys((await bundleLambda(functions[fn].entry)).inputs);
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
