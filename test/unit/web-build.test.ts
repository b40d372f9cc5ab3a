/**
 * The console the tests and benches serve is the production build users get, even though
 * vitest runs everything with NODE_ENV=test (a vite child inherited it, and React bundled its
 * development build: 645 KB for the entry chunk instead of 426 KB).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WEB_DIST_DIR } from '#lib/local/platform.js';
import { ensureWebBuilt } from '#lib/local/web-build.js';

describe('the web console build', () => {
  it("bundles React's production build when built under NODE_ENV=test", async () => {
    expect(process.env.NODE_ENV).toBe('test');
    await ensureWebBuilt();
    const assets = join(WEB_DIST_DIR, 'static');
    const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    // A warning only React's development build carries.
    const development = scripts.filter((f) => readFileSync(join(assets, f), 'utf8').includes('A component suspended inside an'));
    expect(development).toEqual([]);
  }, 180_000);
});
