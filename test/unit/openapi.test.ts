import { createConfig, lintFromString, stringifyYaml } from '@redocly/openapi-core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_DOC_FILE, generateApiDoc, generateOpenApiDocument, OPENAPI_FILE } from '../../bin/api-generate.js';
import { routes } from '#topology/routes.js';

describe('the OpenAPI document', () => {
  // What GET /openapi.json serves: the document npm run api:generate wrote.
  const written = readFileSync(OPENAPI_FILE, 'utf8');
  const doc = JSON.parse(written) as { openapi: string; paths: Record<string, Record<string, unknown>> };

  it("docs/api.md's endpoint table is what npm run api:generate writes from the declarations", () => {
    // A new operation appears in the docs without anyone editing them; an edited row is overwritten, so it fails here first.
    expect(readFileSync(API_DOC_FILE, 'utf8') === generateApiDoc(), 'docs/api.md is stale: run npm run api:generate').toBe(true);
  });

  it('functions/topology/openapi.json is what npm run api:generate generates from the operation declarations', () => {
    // A mismatch means a declaration changed without `npm run api:generate`: the API would describe itself as it was.
    expect(written === generateOpenApiDocument(), 'functions/topology/openapi.json is stale: run npm run api:generate').toBe(true);
  });

  it('is OpenAPI 3.1 and describes exactly the route table', () => {
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('lints clean with Redocly recommended-strict rules', async () => {
    const config = await createConfig({ extends: ['recommended-strict'] });
    const problems = await lintFromString({ source: stringifyYaml(doc), config });
    expect(problems.map((p) => `${p.ruleId}: ${p.message} @ ${p.location[0]?.pointer}`)).toEqual([]);
  });
});
