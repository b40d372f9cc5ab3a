/**
 * The one way the local platform loads a Caseway function: its handler module,
 * imported like a cold start, and every call into it made with exactly the
 * environment its declaration grants (`functions/topology/functions.ts`), as its
 * own Lambda would have.
 *
 * All handlers share this process, so `process.env` becomes a getter: inside a
 * function's invocation (and its module's first import) it is that function's view
 * of the platform's environment, outside any it is the whole environment as before.
 * A view hides every setting some use brings (`USE_SETTING_NAMES`) that this
 * function's uses do not; everything else (AWS_REGION, credentials, POWERTOOLS_*,
 * PATH...) shows through, as the Lambda runtime's own variables would. Views are
 * stable objects, so configuration cached per environment object (functions/config.ts)
 * is cached per function here and once per container in AWS.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { entryOf, functionRegistry, type RegisteredFunction, type Uses } from '#topology/functions.js';
import { settingsOf, USE_SETTING_NAMES } from '#topology/function-environment.js';

/** A registered function, or one of a test's own (a rule target declared by entry and uses). */
export type LocalFunctionRef = RegisteredFunction | { readonly name: string; readonly entry: string; readonly uses: Uses };

const running = new AsyncLocalStorage<NodeJS.ProcessEnv>();
let base: NodeJS.ProcessEnv | undefined;

/** Make `process.env` the running function's view; idempotent. */
function install(): NodeJS.ProcessEnv {
  if (base) return base;
  base = process.env;
  Object.defineProperty(process, 'env', {
    get: () => running.getStore() ?? base,
    set: (value: NodeJS.ProcessEnv) => {
      base = value;
    },
    configurable: true,
    enumerable: true,
  });
  return base;
}

const views = new Map<string, NodeJS.ProcessEnv>();

/** The environment a function sees: the platform's, less the settings its uses do not bring. */
export function environmentView(name: string, uses: Uses): NodeJS.ProcessEnv {
  install();
  const key = `${name}\n${[...settingsOf(uses)].sort().join(',')}`;
  let view = views.get(key);
  if (!view) {
    const granted = settingsOf(uses);
    const visible = (property: string | symbol) => typeof property !== 'string' || !USE_SETTING_NAMES.has(property) || granted.has(property);
    // The target is a stand-in: every trap reads the platform's environment as it is now (FILES_BASE_URL arrives late).
    view = new Proxy({} as NodeJS.ProcessEnv, {
      get: (_, property) => (visible(property) ? Reflect.get(base!, property) : undefined),
      has: (_, property) => visible(property) && Reflect.has(base!, property),
      ownKeys: () => Reflect.ownKeys(base!).filter(visible),
      getOwnPropertyDescriptor: (_, property) => (visible(property) ? Reflect.getOwnPropertyDescriptor(base!, property) : undefined),
      set: (_, property, value) => Reflect.set(base!, property, String(value)),
      deleteProperty: (_, property) => Reflect.deleteProperty(base!, property),
    });
    views.set(key, view);
  }
  return view;
}

/** Run `work` as function `ref` would: in its environment (the platform's own calls of a function's use case). */
export function runAs<T>(ref: LocalFunctionRef, work: () => T): T {
  const { name, uses } = resolveRef(ref);
  return running.run(environmentView(name, uses), work);
}

const resolveRef = (ref: LocalFunctionRef) =>
  typeof ref === 'string' ? { name: ref, entry: entryOf(ref), uses: functionRegistry[ref].uses as Uses } : ref;

type Module = Record<string, unknown>;
const loaded = new Map<string, Promise<Module>>();

/** Hears each call of a function's `handler` once it has ended: the function's name and how long the call took. */
export type InvocationObserver = (name: string, ms: number) => void;
const observers = new Set<InvocationObserver>();

/**
 * Hear every invocation of every function this process loads (test/bench/costs.bench.ts counts
 * them as Lambda bills them); returns the unsubscribe. Times are wall time in one shared process.
 */
export function observeInvocations(observer: InvocationObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/** `handler`, told to the observers when each call ends, whether it returned or threw. */
function observed(name: string, handler: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
  return (...args) => {
    if (observers.size === 0) return handler(...args);
    const started = performance.now();
    const tell = () => {
      const ms = performance.now() - started;
      for (const observer of observers) observer(name, ms);
    };
    let result: unknown;
    try {
      result = handler(...args);
    } catch (error) {
      tell();
      throw error;
    }
    if (result instanceof Promise) return result.finally(tell);
    tell();
    return result;
  };
}

/**
 * The function's handler module, imported in its environment once (a cold start), with every
 * exported function wrapped to run in that environment: `handler`, and whatever else the platform
 * calls (the indexer's `rebuild`). A module that failed to load is imported again next time.
 */
export function loadFunction<M extends object = Module>(rootDir: string, ref: LocalFunctionRef): Promise<M> {
  const { name, entry, uses } = resolveRef(ref);
  const env = environmentView(name, uses);
  const key = `${rootDir}\n${name}\n${entry}`;
  let module = loaded.get(key);
  if (!module) {
    module = running
      .run(env, () => import(pathToFileURL(resolve(rootDir, entry)).href) as Promise<Module>)
      .then((exports) => {
        if (typeof exports.handler !== 'function') throw new Error(`${entry} does not export a handler function`);
        return Object.fromEntries(
          Object.entries(exports).map(([key, value]) => {
            if (typeof value !== 'function') return [key, value];
            const inEnv = (...args: unknown[]) => running.run(env, () => (value as (...a: unknown[]) => unknown)(...args));
            return [key, key === 'handler' ? observed(name, inEnv) : inEnv];
          }),
        );
      });
    module.catch(() => loaded.delete(key));
    loaded.set(key, module);
  }
  return module as Promise<M>;
}
