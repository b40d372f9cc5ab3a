/**
 * Where a Caseway Lambda's grants and environment come from: its declaration's
 * `uses` (functions/topology/functions.ts) and a bag of the stack's resources.
 * Each construct that owns a resource provides its binding (the settings it fills
 * and how to grant each level); each function made through `functionFor` gets, for
 * every use, `environmentFor` those settings and that grant, and nothing by hand.
 * A resource provided after a function was made (the search collection, the live
 * API, the SLA machine) is bound to it then, so the constructs keep their order.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import { Duration } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { entryOf, functionRegistry, type FunctionDeclaration, type RegisteredFunction, type Uses } from '#topology/functions.js';
import { environmentFor, type ResourceValues } from '#topology/function-environment.js';
import type { Attachments } from './attachments.js';
import type { CaseStore } from './case-store.js';
import { CasewayFunction } from './caseway-function.js';
import type { Identity } from './identity.js';

export type UseName = keyof Uses;

/** One resource as functions use it: what AWS knows of it (`environmentFor` makes settings of that) and the grant of each level. */
export interface ResourceBinding<U extends UseName = UseName> {
  readonly values: NonNullable<ResourceValues[U]>;
  grant(fn: NodejsFunction, level: NonNullable<Uses[U]>): void;
}

/** A function made from its declaration, and what it uses. */
export interface DeclaredFunction {
  readonly fn: NodejsFunction;
  readonly name: string;
  readonly uses: Uses;
}
type Bound = DeclaredFunction;

export class FunctionResources {
  private readonly bindings = new Map<UseName, ResourceBinding>();
  private readonly bound: Bound[] = [];

  /**
   * @param reservedConcurrency concurrency reserved per function, by registry name (`Caseway`'s
   * `reservedConcurrency`); checked here, so a misspelt name or a bad number fails the synth.
   */
  constructor(readonly reservedConcurrency: Readonly<Partial<Record<RegisteredFunction, number>>> = {}) {
    for (const [name, value] of Object.entries(reservedConcurrency)) {
      if (!(name in functionRegistry))
        throw new Error(`reservedConcurrency: '${name}' is not a Caseway function; the functions are ${Object.keys(functionRegistry).join(', ')}`);
      if (!Number.isInteger(value) || (value as number) < 1)
        throw new Error(`reservedConcurrency.${name} must be a whole number of at least 1, got ${String(value)}`);
    }
  }

  /** The usual resources, for a construct made on its own (without Caseway's bag). */
  static of(resources: { store?: CaseStore; identity?: Identity; attachments?: Attachments; cursorKey?: secretsmanager.ISecret }): FunctionResources {
    const bag = new FunctionResources();
    if (resources.store) bag.provideStore(resources.store);
    if (resources.identity) bag.provide('identity', identityBinding(resources.identity));
    if (resources.attachments) bag.provide('files', filesBinding(resources.attachments));
    if (resources.cursorKey) bag.provide('cursorKey', cursorKeyBinding(resources.cursorKey));
    return bag;
  }

  /** The table, and the read-access log in it. */
  provideStore(store: CaseStore): void {
    this.provide('table', tableBinding(store));
    this.provide('readLog', { values: {}, grant: (fn) => void store.grantAppendReadLog(fn) });
  }

  /** Add a resource; functions already made that use it get its settings and grant now. */
  provide<U extends UseName>(use: U, binding: ResourceBinding<U>): void {
    if (this.bindings.has(use)) throw new Error(`The functions' '${use}' is provided twice`);
    this.bindings.set(use, binding as unknown as ResourceBinding);
    for (const bound of this.bound) this.bind(bound, use);
  }

  /** Every function made from its declaration with these resources, in the order they were made. */
  get functions(): readonly DeclaredFunction[] {
    return this.bound;
  }

  has(use: UseName): boolean {
    return this.bindings.has(use);
  }

  /** What the provided resources are: what `environmentFor` makes each function's settings of. */
  values(): ResourceValues {
    return Object.fromEntries([...this.bindings].map(([use, binding]) => [use, binding.values])) as ResourceValues;
  }

  /** Give `fn` what `uses` asks for: now for what is provided, later for the rest; synth fails for anything never provided. */
  register(fn: NodejsFunction, name: string, uses: Uses): void {
    const bound = { fn, name, uses };
    this.bound.push(bound);
    for (const use of Object.keys(uses) as UseName[]) this.bind(bound, use);
    fn.node.addValidation({
      validate: () =>
        (Object.keys(uses) as UseName[])
          .filter((use) => uses[use] !== undefined && !this.bindings.has(use))
          .map((use) => `Function '${name}' uses '${use}', but nothing in this app provides it`),
    });
  }

  private bind(bound: Bound, use: UseName): void {
    const level = bound.uses[use];
    const binding = this.bindings.get(use);
    if (level === undefined || !binding) return;
    const environment = environmentFor<string>({ uses: { [use]: level } }, { [use]: binding.values } as ResourceValues);
    for (const [key, value] of Object.entries(environment)) bound.fn.addEnvironment(key, value);
    binding.grant(bound.fn, level as never);
  }
}

export interface FunctionForProps {
  readonly resources: FunctionResources;
  /** Replaces the registry's description (a rule's consumer names its rule). */
  readonly description?: string;
  readonly logRetention?: logs.RetentionDays;
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** A registered function, or a declaration of one's own (a test's or an embedding app's rule target). */
export type FunctionRef =
  | RegisteredFunction
  | {
      readonly name: string;
      readonly entry: string;
      readonly declaration: Pick<FunctionDeclaration, 'description' | 'uses'> & Partial<FunctionDeclaration>;
    };

/** The one way a Caseway Lambda is made from its declaration: settings, grants, timeout and memory all derive from it. */
export function functionFor(scope: Construct, id: string, ref: FunctionRef, props: FunctionForProps): CasewayFunction {
  const { name, entry, declaration } =
    typeof ref === 'string' ? { name: ref, entry: entryOf(ref), declaration: functionRegistry[ref] as FunctionDeclaration } : ref;
  const made = new CasewayFunction(scope, id, {
    entry,
    description: props.description ?? declaration.description,
    ...(declaration.timeoutSeconds ? { timeout: Duration.seconds(declaration.timeoutSeconds) } : {}),
    ...(declaration.memoryMb ? { memorySize: declaration.memoryMb } : {}),
    ...(props.resources.reservedConcurrency[name as RegisteredFunction] !== undefined
      ? { reservedConcurrentExecutions: props.resources.reservedConcurrency[name as RegisteredFunction] }
      : {}),
    ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    ...(props.logRemovalPolicy ? { logRemovalPolicy: props.logRemovalPolicy } : {}),
  });
  props.resources.register(made.function, name, declaration.uses);
  return made;
}

export function tableBinding(store: CaseStore): ResourceBinding<'table'> {
  return {
    values: { name: store.table.tableName, casesPerSecond: String(store.casesPerSecond) },
    grant: (fn, level) => {
      if (level === 'read') store.grantRead(fn);
      if (level === 'readWrite') store.grantReadWrite(fn);
    },
  };
}

export function identityBinding(identity: Identity): ResourceBinding<'identity'> {
  return {
    values: {
      rolesClaim: identity.rolesClaim,
      roleMapping: JSON.stringify(identity.roleMapping),
      ...(Object.keys(identity.teamGroups).length > 0 ? { teamGroups: JSON.stringify(identity.teamGroups) } : {}),
    },
    grant: () => undefined,
  };
}

export function filesBinding(attachments: Attachments): ResourceBinding<'files'> {
  return { values: { bucket: attachments.bucket.bucketName }, grant: (fn) => void attachments.grantUploadAndDownload(fn) };
}

export function cursorKeyBinding(secret: secretsmanager.ISecret): ResourceBinding<'cursorKey'> {
  return { values: { secretArn: secret.secretArn }, grant: (fn) => void secret.grantRead(fn) };
}

export function busBinding(bus: events.IEventBus): ResourceBinding<'bus'> {
  return {
    values: { name: bus.eventBusName },
    grant: (fn, level) => {
      if (level === 'put') bus.grantPutEventsTo(fn);
    },
  };
}
