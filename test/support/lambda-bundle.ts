/**
 * A Lambda bundled as the stack bundles it (lib/constructs/caseway-function.ts:
 * esbuild, minified ESM for Node 22, the AWS SDK inside, the stack's ESM banner),
 * in memory. One place for those options, so the bundle benches and the tests that
 * pin what a bundle carries measure the same thing the stack deploys.
 */
import { build, type Metafile } from 'esbuild';
import { ESM_REQUIRE_BANNER } from '#lib/constructs/caseway-function.js';

export interface LambdaBundle {
  readonly code: Uint8Array;
  /** Every module the bundle was built from, by path (packages under node_modules/). */
  readonly inputs: Metafile['inputs'];
}

/** `entry` relative to `workingDir` (default: the current directory, the repository root in tests). */
export async function bundleLambda(entry: string, workingDir?: string): Promise<LambdaBundle> {
  const out = await build({
    entryPoints: [entry],
    ...(workingDir ? { absWorkingDir: workingDir } : {}),
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    outfile: 'bundle.mjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: out.outputFiles[0]!.contents, inputs: out.metafile.inputs };
}
