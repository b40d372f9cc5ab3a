/**
 * Shared by the infra suites: synthesize Caseway once per suite, and read the
 * template the way the assertions need it (function by spec, policies by role).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, NestedStack, Stack, Validations, type Environment, type IPolicyValidationPlugin } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { CasewayStack, type CasewayStackProps } from '#lib/caseway-stack.js';

export interface Synthesized {
  readonly app: App;
  readonly stack: CasewayStack;
  /**
   * The deployment as one template: the stack's and its nested stacks' resources together, each
   * reference across them (a nested stack's parameter, a nested stack's output) replaced by what it
   * stands for, so assertions read as they would on one stack. `stacks` has the templates themselves.
   */
  readonly template: Template;
  /** Each template CloudFormation gets, by construct path: the stack's and each nested stack's. */
  readonly stacks: ReadonlyMap<string, Template>;
  /** `value` as written in `within`'s template, with references across templates replaced as in `template`. */
  readonly settle: (value: unknown, within: Stack) => unknown;
}

/**
 * The deployment at its largest, for the limits (test/infra/stack-limits.test.ts, `npm run bench:stacks`):
 * the console (on by default), inbound email, the live feed (on by default), the API's web ACL and
 * distribution on a domain of its own, backups (on with deletion protection, the default), and the
 * functions in a VPC with its endpoints made. (An enterprise's own key or bus only takes resources away.)
 */
export const LARGEST_SHAPE: CasewayStackProps = {
  inboundEmail: { recipients: ['support@example.com'] },
  apiFirewall: {},
  apiDomain: { domainName: 'api.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555' },
  vpcAttributes: {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    routeTableIds: ['rtb-0ccccccccccccccc3', 'rtb-0ddddddddddddddd4'],
    endpoints: true,
  },
};

/** The feature flags `cdk synth` runs with, so the suites test what gets deployed. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }
).context;

export interface SynthOptions {
  /**
   * Bundle the real handlers with esbuild (seconds). Suites that only look at
   * configuration skip it: CDK then stages a placeholder instead of the bundle.
   */
  readonly bundle: boolean;
  /**
   * Use cdk.json's feature flags (as `cdk synth` does); off means CDK's defaults,
   * as in an app that embeds Caseway without them.
   * @default true
   */
  readonly cdkJsonContext?: boolean;
  /** Validation plugins to register on the app before synthesis, as `bin/app.ts` does. */
  readonly plugins?: (app: App) => IPolicyValidationPlugin[];
  /**
   * Deploy to this account and region, as every enterprise pipeline does (and as
   * `bin/app.ts` does when CDK_DEFAULT_ACCOUNT/REGION are set): ARNs then hold
   * literal account and region instead of pseudo-parameters.
   * @default - environment-agnostic
   */
  readonly env?: Environment;
}

/** An account and region for the env variant: concrete values, as a pipeline gives them. */
export const DEPLOY_ENV: Required<Pick<Environment, 'account' | 'region'>> = { account: '123456789012', region: 'eu-west-1' };

const outdirs: string[] = [];

/** An app that synthesizes into a temporary directory of its own; `removeSynthOutput` deletes them all. */
export function newApp(context: Record<string, unknown> = {}): App {
  const outdir = mkdtempSync(join(tmpdir(), 'caseway-infra-'));
  outdirs.push(outdir);
  return new App({ outdir, context });
}

/** For `afterAll`: a bundled synth leaves ~50 MB behind. */
export function removeSynthOutput(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A built console of two files, published in place of web/dist. The suites synthesize the stack a dozen
 * times in parallel workers; running Vite for each would cost more than all their assertions, and they
 * check how files are published (buckets, caching, config.json), not what the bundle holds.
 */
export const CONSOLE_FIXTURE = fileURLToPath(new URL('./fixtures/console', import.meta.url));

export function synthCaseway(props: CasewayStackProps, options: SynthOptions): Synthesized {
  if (props.console !== false) props = { ...props, console: { buildPath: CONSOLE_FIXTURE, ...props.console } };
  const app = newApp({
    ...(options.cdkJsonContext === false ? {} : CDK_JSON_CONTEXT),
    ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
  });
  const stack = new CasewayStack(app, 'Caseway', options.env ? { ...props, env: options.env } : props);
  const plugins = options.plugins?.(app) ?? [];
  if (plugins.length > 0) Validations.of(app).addPlugins(...plugins);
  const deployment = oneTemplate(stack);
  return { app, stack, ...deployment };
}

type Json = Record<string, unknown>;

/** `Synthesized.template`: a stack and its nested stacks as one template, and the resolver that made it (see there). */
export function oneTemplate(stack: Stack): Pick<Synthesized, 'template' | 'stacks' | 'settle'> {
  const nestedStacks = stack.node.findAll().filter((c): c is NestedStack => c instanceof NestedStack);
  const stacks = new Map<string, Template>([stack, ...nestedStacks].map((s) => [s.node.path, Template.fromStack(s)]));
  const templates = new Map<Stack, Json>([stack, ...nestedStacks].map((s) => [s, stacks.get(s.node.path)!.toJSON() as Json]));
  // The nested stack behind each AWS::CloudFormation::Stack resource, by the logical id it has in its parent.
  const byResource = new Map<Stack, Map<string, NestedStack>>();
  for (const nested of nestedStacks) {
    const parent = Stack.of(nested.nestedStackResource!);
    if (!byResource.has(parent)) byResource.set(parent, new Map());
    byResource.get(parent)!.set(parent.getLogicalId(nested.nestedStackResource!), nested);
  }
  const section = (of: Stack, name: string): Json => (templates.get(of)![name] as Json | undefined) ?? {};

  const resolve = (value: unknown, within: Stack): unknown => {
    if (Array.isArray(value)) return value.map((v) => resolve(v, within));
    if (value === null || typeof value !== 'object') return value;
    const json = value as Json;
    const keys = Object.keys(json);
    if (keys.length === 1 && keys[0] === 'Ref' && within instanceof NestedStack) {
      // A nested stack's parameter: what its parent passes in.
      const name = json.Ref as string;
      if (name in section(within, 'Parameters')) {
        const parent = Stack.of(within.nestedStackResource!);
        const passed = (section(parent, 'Resources')[parent.getLogicalId(within.nestedStackResource!)] as Json).Properties as Json;
        return resolve((passed.Parameters as Json)[name], parent);
      }
    }
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
      // A nested stack's output: the value it outputs.
      const [id, attribute] = json['Fn::GetAtt'] as [string, string];
      const nested = byResource.get(within)?.get(id);
      if (nested && attribute.startsWith('Outputs.')) {
        const output = section(nested, 'Outputs')[attribute.slice('Outputs.'.length)] as Json;
        return resolve(output.Value, nested);
      }
    }
    return Object.fromEntries(keys.map((key) => [key, resolve(json[key], within)]));
  };

  const merged: Json = { ...templates.get(stack)!, Resources: {}, Conditions: {} };
  for (const [of, template] of templates) {
    for (const name of ['Resources', 'Conditions'] as const) {
      for (const [id, body] of Object.entries((template[name] as Json | undefined) ?? {})) {
        if (id in (merged[name] as Json)) throw new Error(`${name} ${id} is in two of the deployment's templates`);
        (merged[name] as Json)[id] = resolve(body, of);
      }
    }
  }
  if (merged.Outputs) merged.Outputs = resolve(merged.Outputs, stack);
  return { template: Template.fromJSON(merged), stacks, settle: resolve };
}

/** cdk-nag AwsSolutions findings under `scope`, one line each: `severity rule path`. */
export function nagFindings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(scope);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.severity ?? 'error'} ${v.ruleName} ${r.constructPath ?? r.resourceLogicalId ?? '?'}`),
  );
}

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

export function resources(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** The logical id of the Lambda function whose description is `description` (descriptions come from the topology). */
export function functionIdByDescription(template: Template, description: string): string {
  const ids = Object.entries(resources(template, 'AWS::Lambda::Function'))
    .filter(([, fn]) => fn.Properties.Description === description)
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one function described '${description}', found ${ids.length}`);
  return ids[0]!;
}

/** The role logical id of a function. */
export function roleIdOf(template: Template, functionId: string): string {
  const role = resources(template, 'AWS::Lambda::Function')[functionId]!.Properties.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
}

/** Every statement in every policy attached to the role. */
export function statementsOf(template: Template, roleId: string): Statement[] {
  return Object.values(resources(template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

export function actionsOf(statements: Statement[]): string[] {
  return statements.filter((s) => s.Effect === 'Allow').flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

/**
 * A CloudFormation value as one readable string: `Ref X` -> `<X>`, `GetAtt X.A` -> `<X.A>`, joins joined,
 * `${X}` in Fn::Sub -> `<X>`. Lets a suite compare a header or a URL built from tokens to an exact string.
 */
export function render(node: unknown): string {
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (node !== null && typeof node === 'object') {
    const value = node as Record<string, unknown>;
    if (Array.isArray(value['Fn::Join'])) {
      const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
      return items.map(render).join(delimiter);
    }
    if (Array.isArray(value['Fn::GetAtt'])) return `<${(value['Fn::GetAtt'] as string[]).join('.')}>`;
    if (typeof value.Ref === 'string') return `<${value.Ref}>`;
    if ('Fn::Sub' in value) return String(value['Fn::Sub']).replace(/\$\{([^}]+)\}/g, '<$1>');
  }
  throw new Error(`cannot render ${JSON.stringify(node)}`);
}

/**
 * A dependency cycle among the template's resources (by Ref, GetAtt, Fn::Sub and DependsOn), as the
 * list of logical ids around it, or undefined. CloudFormation refuses such a template at deploy time,
 * long after `cdk synth` succeeded, so the suites look for one themselves.
 */
export function dependencyCycle(template: {
  Resources: Record<string, { Properties?: unknown; DependsOn?: string | string[] }>;
}): string[] | undefined {
  const ids = new Set(Object.keys(template.Resources));
  const refs = (node: unknown, out: Set<string>): void => {
    if (Array.isArray(node)) return node.forEach((n) => refs(n, out));
    if (node === null || typeof node !== 'object') return;
    const value = node as Record<string, unknown>;
    if (typeof value.Ref === 'string' && ids.has(value.Ref)) out.add(value.Ref);
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && ids.has(String(getAtt[0]))) out.add(String(getAtt[0]));
    if (typeof getAtt === 'string' && ids.has(getAtt.split('.')[0]!)) out.add(getAtt.split('.')[0]!);
    const sub = value['Fn::Sub'];
    if (sub !== undefined)
      for (const m of String(Array.isArray(sub) ? sub[0] : sub).matchAll(/\$\{([A-Za-z0-9]+)/g)) if (ids.has(m[1]!)) out.add(m[1]!);
    for (const child of Object.values(value)) refs(child, out);
  };
  const edges = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const out = new Set<string>(([] as string[]).concat(resource.DependsOn ?? []));
    refs(resource.Properties, out);
    edges.set(id, out);
  }
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open');
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of ids) {
    if (state.has(id)) continue;
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}
