/**
 * Publishes the built console (`npm run build:web` -> web/dist) into its hosting bucket, with the
 * run-time `config.json` written from the deployed API, sign-in client and live endpoint. Two
 * deployments because the files want opposite caching: content-hashed assets are immutable, while
 * index.html and config.json must be re-read on every visit. The assets land first, so a new
 * index.html never names a file that is not there yet; old assets are kept (not pruned) so a tab
 * opened before a deploy can still lazy-load the route chunks it was built with.
 */
import { existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CONSOLE_CONFIG_PATH, type ConsoleConfig } from '#topology/console-config.js';
import { HASHED_ASSETS_PREFIX, type ConsoleHosting } from './console-hosting.js';
import { acknowledgeLibraryFunction } from './nag.js';

/** web/dist of this repository: where `npm run build:web` writes the console. */
export const DEFAULT_CONSOLE_BUILD = new URL('../../web/dist', import.meta.url).pathname;

export interface ConsoleDeploymentProps {
  /** The bucket and distribution to publish into. */
  readonly hosting: ConsoleHosting;
  /**
   * The run-time configuration, served as `/config.json` (CDK tokens allowed: they are resolved at
   * deploy time, so the deployed API URL and client id end up in the file).
   */
  readonly config: ConsoleConfig;
  /**
   * The directory of built console files; it must hold index.html.
   * @default web/dist of this repository (`npm run build:web`)
   */
  readonly buildPath?: string;
  /**
   * Retention of the deployment function's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to that log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * Fail the synth on a missing build: an empty or missing web/dist would deploy a console that answers
 * 403 to everyone, silently. `Caseway` calls it first thing, before seconds of Lambda bundling.
 */
export function assertConsoleBuilt(scope: Construct, buildPath: string = DEFAULT_CONSOLE_BUILD): void {
  if (!existsSync(join(buildPath, 'index.html'))) {
    throw new Error(
      `${scope.node.path}: the console is not built (${relative(process.cwd(), join(buildPath, 'index.html')) || 'index.html'} is missing). ` +
        'Run `npm run build:web` first (cdk.json runs it before every `cdk synth`), or deploy without the console (-c console=false).',
    );
  }
}

/** `Cache-Control` of each kind of file. */
export const CONSOLE_CACHE_CONTROL = {
  hashed: 'public, max-age=31536000, immutable',
  entry: 'no-cache',
} as const;

export class ConsoleDeployment extends Construct {
  /** Content-hashed assets (`static/*`), long-cached. */
  readonly assets: s3deploy.BucketDeployment;
  /** index.html, config.json and the other root files, never cached. */
  readonly entry: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: ConsoleDeploymentProps) {
    super(scope, id);
    const buildPath = props.buildPath ?? DEFAULT_CONSOLE_BUILD;
    assertConsoleBuilt(this, buildPath);
    const destinationBucket = props.hosting.bucket;
    // Both deployments share one handler function, so they share its log group too.
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    const hashedDir = join(buildPath, HASHED_ASSETS_PREFIX);
    // Every build has scripts there; none means the build's assetsDir and CONSOLE_ASSETS_DIR disagree,
    // and the scripts would be served uncached from the wrong behaviour.
    if (!existsSync(hashedDir) || !statSync(hashedDir).isDirectory()) {
      throw new Error(
        `${this.node.path}: the console build has no ${HASHED_ASSETS_PREFIX} directory; Vite's build.assetsDir must be CONSOLE_ASSETS_DIR (functions/topology/console-config.ts)`,
      );
    }
    this.assets = new s3deploy.BucketDeployment(this, 'Assets', {
      sources: [s3deploy.Source.asset(hashedDir)],
      destinationBucket,
      destinationKeyPrefix: HASHED_ASSETS_PREFIX,
      prune: false,
      cacheControl: [s3deploy.CacheControl.fromString(CONSOLE_CACHE_CONTROL.hashed)],
      logGroup,
    });

    this.entry = new s3deploy.BucketDeployment(this, 'Entry', {
      sources: [
        s3deploy.Source.asset(buildPath, { exclude: [HASHED_ASSETS_PREFIX.replace(/\/$/, ''), CONSOLE_CONFIG_PATH.slice(1)] }),
        s3deploy.Source.jsonData(CONSOLE_CONFIG_PATH.slice(1), props.config),
      ],
      destinationBucket,
      // Prune stale root files, but never the assets the other deployment owns.
      prune: true,
      exclude: [`${HASHED_ASSETS_PREFIX}*`],
      cacheControl: [s3deploy.CacheControl.fromString(CONSOLE_CACHE_CONTROL.entry)],
      logGroup,
    });
    this.entry.node.addDependency(this.assets);

    // Both deployments share the one handler, whose role now holds every grant they made.
    acknowledgeLibraryFunction(this.entry.handlerRole, {
      wildcards:
        "aws-cdk-lib's BucketDeployment handler copies the staged build from the CDK asset bucket into the console bucket with `aws s3 sync`: it reads (Get*/List*) the asset objects it was given, and writes, overwrites and prunes (Put, DeleteObject*, Abort*) objects of the console bucket, whose keys are the build's file names.",
      runtime:
        "The BucketDeployment handler's runtime (Python, for the AWS CLI it runs) is chosen by aws-cdk-lib and moves forward with it; it runs only during deployments, never on a request.",
    });
  }
}
