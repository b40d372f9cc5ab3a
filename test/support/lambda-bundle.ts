/**
 * A Lambda bundled as the stack bundles it (lib/constructs/caseway-function.ts:
 * esbuild, minified ESM for Node 22, the AWS SDK inside, the stack's ESM banner and aliases),
 * in memory. One place for those options, so the bundle benches and the tests that
 * pin what a bundle carries measure the same thing the stack deploys.
 */
import { build, type Metafile } from 'esbuild';
import { ESM_REQUIRE_BANNER, LAMBDA_BUNDLE_ALIASES } from '#lib/constructs/caseway-function.js';

export interface LambdaBundle {
  readonly code: Uint8Array;
  /** Every module the bundle was built from, by path (packages under node_modules/). */
  readonly inputs: Metafile['inputs'];
}

/** What a tree's stack adds to esbuild's options; another commit's stack may add other things (bench:bundles). */
export interface BundleSettings {
  readonly banner: string;
  readonly aliases: Readonly<Record<string, string>>;
  /** Packages left out of the bundle, for the runtime to provide (the stack leaves none out). */
  readonly external?: readonly string[];
}

export const STACK_BUNDLE_SETTINGS: BundleSettings = { banner: ESM_REQUIRE_BANNER, aliases: LAMBDA_BUNDLE_ALIASES };

/** `entry` relative to `workingDir` (default: the current directory, the repository root in tests). */
export async function bundleLambda(entry: string, workingDir?: string, settings = STACK_BUNDLE_SETTINGS): Promise<LambdaBundle> {
  const out = await build({
    entryPoints: [entry],
    ...(workingDir ? { absWorkingDir: workingDir } : {}),
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: settings.banner },
    alias: { ...settings.aliases },
    external: [...(settings.external ?? [])],
    outfile: 'bundle.mjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: out.outputFiles[0]!.contents, inputs: out.metafile.inputs };
}
