import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateApiTypes, SCHEMA_FILE } from '../../bin/web-api.js';

describe("the console's API types", () => {
  it('web/src/api/schema.d.ts is what npm run api:generate generates from the current OpenAPI document', async () => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    // A mismatch means an API change without `npm run api:generate`: the console would be typed against an API that is gone.
    expect(committed === (await generateApiTypes()), 'web/src/api/schema.d.ts is stale: run npm run api:generate').toBe(true);
  });
});
