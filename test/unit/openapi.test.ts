import { createConfig, lintFromString, stringifyYaml } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { routes } from '#topology/routes.js';
import { openApiDocument } from '#http/openapi.js';

describe('the OpenAPI document', () => {
  const doc = openApiDocument() as unknown as { openapi: string; paths: Record<string, Record<string, unknown>> };

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
