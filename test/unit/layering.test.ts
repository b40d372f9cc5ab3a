/**
 * The layering rules of .dependency-cruiser.cjs, broken on purpose. A small tree laid
 * out like the repository holds one deliberate violation of every rule (and a cycle);
 * dependency-cruiser, run as the lint step runs it, must name each one, and must pass a
 * tree that imports only the ways the layers allow.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

const trees: string[] = [];
afterAll(() => trees.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A throwaway repository: each file exports one constant and imports the files named. */
function tree(files: Record<string, string[]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'caseway-layers-'));
  trees.push(dir);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
  for (const [file, imports] of Object.entries(files)) {
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    const lines = imports.map((target, i) => {
      let relative = join(
        ...dirname(file)
          .split('/')
          .map(() => '..'),
        target,
      ).replace(/\.ts$/, '.js');
      if (!relative.startsWith('.')) relative = `./${relative}`;
      return `import { value as v${i} } from '${relative}';\nexport const used${i} = v${i};`;
    });
    writeFileSync(join(dir, file), `${lines.join('\n')}\nexport const value = 1;\n`);
  }
  return dir;
}

async function violationsIn(dir: string): Promise<Violation[]> {
  // depcruise exits non-zero when it finds violations; the JSON report is on stdout either way.
  const { stdout } = await promisify(execFile)(DEPCRUISE, ['functions', 'lib', '--config', CONFIG, '--output-type', 'json'], { cwd: dir }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('the layering rules', () => {
  it('name every deliberate violation with its rule', async () => {
    const dir = tree({
      'functions/core/case.ts': ['functions/adapters/store.ts'],
      'functions/core/task.ts': ['functions/core/handoff.ts'],
      'functions/core/handoff.ts': ['functions/core/task.ts'],
      'functions/adapters/store.ts': ['functions/services/cases.ts'],
      'functions/services/cases.ts': ['functions/http/schemas.ts'],
      'functions/http/schemas.ts': ['functions/handlers/cases-get.ts'],
      'functions/handlers/cases-get.ts': ['functions/handlers/cases-list.ts'],
      'functions/handlers/cases-list.ts': [],
      'functions/topology/table.ts': ['lib/constructs/table.ts'],
      'lib/constructs/table.ts': ['functions/services/cases.ts'],
      'functions/handlers/openapi.ts': ['functions/http/openapi.ts'],
      'functions/http/openapi.ts': ['functions/http/api/index.ts'],
      'functions/http/api/index.ts': ['functions/http/api/cases-get.ts'],
      'functions/http/api/cases-get.ts': ['functions/services/cases.ts'],
      'lib/local/gateway.ts': ['functions/http/api/index.ts'],
    });
    const found = (await violationsIn(dir)).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'core-is-pure: functions/core/case.ts -> functions/adapters/store.ts',
        expect.stringMatching(/^no-circular: functions\/core\/(task|handoff)\.ts -> functions\/core\/(handoff|task)\.ts$/),
        'adapters-serve-core: functions/adapters/store.ts -> functions/services/cases.ts',
        'services-know-no-http: functions/services/cases.ts -> functions/http/schemas.ts',
        'http-is-below-handlers: functions/http/schemas.ts -> functions/handlers/cases-get.ts',
        'handlers-stand-alone: functions/handlers/cases-get.ts -> functions/handlers/cases-list.ts',
        'functions-never-import-the-cdk-app: functions/topology/table.ts -> lib/constructs/table.ts',
        'constructs-read-only-topology: lib/constructs/table.ts -> functions/services/cases.ts',
        'the-whole-api-is-read-at-build-time: functions/handlers/openapi.ts -> functions/http/openapi.ts',
        'the-whole-api-is-read-at-build-time: lib/local/gateway.ts -> functions/http/api/index.ts',
      ]),
    );
    const rules = new Set(found.map((line) => line.split(':')[0]));
    expect([...rules].sort()).toEqual(
      [
        'adapters-serve-core',
        'constructs-read-only-topology',
        'core-is-pure',
        'functions-never-import-the-cdk-app',
        'handlers-stand-alone',
        'http-is-below-handlers',
        'no-circular',
        'services-know-no-http',
        'the-whole-api-is-read-at-build-time',
      ].sort(),
    );
  }, 60_000);

  it('let every import run the way the layers allow', async () => {
    const dir = tree({
      'functions/handlers/cases-get.ts': ['functions/http/schemas.ts', 'functions/services/cases.ts', 'functions/topology/table.ts'],
      'functions/http/schemas.ts': ['functions/core/case.ts', 'functions/contracts/case-created.ts'],
      'functions/services/cases.ts': ['functions/adapters/store.ts', 'functions/core/case.ts'],
      'functions/adapters/store.ts': ['functions/core/case.ts', 'functions/topology/table.ts'],
      'functions/contracts/case-created.ts': ['functions/core/case.ts'],
      'functions/core/case.ts': [],
      'functions/topology/table.ts': [],
      'lib/constructs/table.ts': ['functions/topology/table.ts', 'functions/core/case.ts'],
      'lib/local/gateway.ts': ['functions/handlers/cases-get.ts', 'functions/adapters/store.ts'],
      // A handler serves its own declarations, which call their use cases; the document is built from them all.
      'functions/handlers/cases-list.ts': ['functions/http/api/cases-list.ts'],
      'functions/http/api/cases-list.ts': ['functions/services/cases.ts', 'functions/http/schemas.ts'],
      'functions/http/openapi.ts': ['functions/http/api/index.ts'],
      'functions/http/api/index.ts': ['functions/http/api/cases-list.ts'],
    });
    expect(await violationsIn(dir)).toEqual([]);
  }, 60_000);
});
