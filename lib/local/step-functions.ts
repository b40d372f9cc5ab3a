/**
 * The local Step Functions stand-in: runs the SAME ASL files as AWS with
 * `aws-local-stepfunctions`, Task states mapped to the same handler modules, and
 * Wait states that follow Caseway's clock instead of the wall clock. A Wait on a
 * `TimestampPath` is run as zero-length by the library; the Task it leads to is
 * held until the clock (an `AdjustableClock` locally) reaches that timestamp. So
 * a test or a demo moves the clock forward and an eight-hour SLA fires at once,
 * with exactly the states, transitions and inputs it has in AWS.
 *
 * It is the local `TimerStarter`: executions by name, starting a name twice is a
 * no-op (as `ExecutionAlreadyExists` is in AWS), stopping aborts a running one.
 *
 * The library times every Task (60 s unless the state says otherwise, the ASL
 * spec's default) from the moment it is entered, so a Task held at its gate for
 * more than a minute of real time failed with States.Timeout: a clock that waited
 * hours died. A gated Task's own `TimeoutSeconds` is therefore applied here to the
 * handler's run alone, and the library's timer is set to the longest a Node timer
 * can wait (24.8 days), as AWS times a Wait not at all and a Task from its start.
 */
import { readFileSync } from 'node:fs';
import { ExecutionAbortedError, StateMachine } from 'aws-local-stepfunctions';
import type { Clock } from '#adapters/clock.js';
import type { TimerRequest, TimerStarter } from '#adapters/timers.js';

/** One entry of an execution's history (the library does not export the type). */
export type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type TaskHandler = (input: unknown) => Promise<unknown>;

/** A clock that can tell when it jumps (the `AdjustableClock`); without it, only real time moves it. */
export type ObservableClock = Clock & { onChange?(listener: (now: Date) => void): () => void };

interface AslState {
  readonly Type: string;
  readonly TimeoutSeconds?: number;
  readonly TimeoutSecondsPath?: string;
  readonly Next?: string;
  readonly TimestampPath?: string;
  readonly Resource?: string;
  readonly Retry?: unknown[];
}
interface AslDefinition {
  readonly StartAt: string;
  readonly TimeoutSeconds?: number;
  readonly States: Record<string, AslState>;
}

const SUBSTITUTION = /\$\{([A-Za-z0-9_]+)\}/g;

/** The `${Name}` placeholders of an ASL text, as CDK's `definitionSubstitutions` fills them. */
export const substitutionNames = (text: string): string[] => [...new Set([...text.matchAll(SUBSTITUTION)].map((m) => m[1]!))];

export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  const missing = substitutionNames(text).filter((name) => values[name] === undefined);
  if (missing.length > 0) throw new Error(`No substitution for ${missing.map((n) => `\${${n}}`).join(', ')}`);
  return text.replace(SUBSTITUTION, (_, name: string) => values[name]!);
}

/** `$.a.b` on a JSON value: the only path shape the Wait states here use. */
function readPath(value: unknown, path: string): unknown {
  if (!/^\$(\.[A-Za-z0-9_]+)+$/.test(path)) throw new Error(`Unsupported TimestampPath ${path}: only $.a.b paths are run locally`);
  return path
    .slice(2)
    .split('.')
    .reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), value);
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface LocalExecution {
  readonly name: string;
  readonly input: unknown;
  status: ExecutionStatus;
  output?: unknown;
  error?: string;
  /** The execution's history, as the library reports it. */
  readonly events: EventLog[];
  /** Held until the clock reaches a Wait's timestamp. */
  gatedUntil: string | undefined;
  /** Task handler invocations (Lambda invocations in AWS). */
  taskRuns: number;
  /** Stopped while held at a Wait: in AWS it was still in the Wait, not yet in the Task the library had entered. */
  stoppedInWait: boolean;
}

/**
 * State transitions, as Standard workflows bill them: every state entered. Locally
 * a Wait passes at once and the Task after it is held instead, so an execution
 * stopped while held has entered one state more than it would have in AWS.
 */
export const transitionsOf = (execution: Pick<LocalExecution, 'events' | 'stoppedInWait'>): number =>
  execution.events.filter((e) => e.type === 'StateEntered').length - (execution.stoppedInWait ? 1 : 0);

const ABORTED = Symbol('aborted');
/** The longest a Node timer waits; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** What the library's Task timer is given for a gated Task: the longest it can wait (a longer one fires at once). */
export const GATED_TASK_LIBRARY_TIMEOUT_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/** The error a Task that outran its `TimeoutSeconds` fails with, as in AWS (Retry and Catch match it by name). */
class StatesTimeout extends Error {
  constructor(state: string, seconds: number) {
    super(`Task ${state} ran longer than its TimeoutSeconds (${seconds} s)`);
    this.name = 'States.Timeout';
  }
}

async function within<T>(state: string, seconds: number | undefined, run: Promise<T>): Promise<T> {
  if (seconds === undefined) return run;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StatesTimeout(state, seconds)), seconds * 1000);
  });
  try {
    return await Promise.race([run, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export interface LocalStateMachineOptions {
  /** The ASL file, as CDK reads it. */
  readonly definitionFile: string;
  readonly substitutions: Readonly<Record<string, string>>;
  /** Task state name -> the handler module's `handler`. */
  readonly tasks: Readonly<Record<string, TaskHandler>>;
  readonly clock: ObservableClock;
  /** Reported when an execution fails (AWS would show it in the console and alarm). */
  readonly onFailure?: (execution: LocalExecution) => void;
}

export class LocalStateMachine implements TimerStarter {
  private readonly definition: AslDefinition;
  private readonly machine: StateMachine;
  /** Task state -> the TimestampPath of the Wait that leads to it. */
  private readonly gates = new Map<string, string>();
  /** Gated Task state -> its own TimeoutSeconds, applied to the handler's run alone. */
  private readonly taskTimeouts = new Map<string, number>();
  private readonly runs = new Map<string, { execution: LocalExecution; abort: () => void; done: Promise<void>; aborted: AbortController }>();
  private readonly waiters = new Set<() => void>();
  private readonly unsubscribe: (() => void) | undefined;

  constructor(private readonly options: LocalStateMachineOptions) {
    const parsed = JSON.parse(substitute(readFileSync(options.definitionFile, 'utf8'), options.substitutions)) as AslDefinition;
    // The execution timeout is wall-clock time, meaningless under a clock that jumps
    // (and a year overflows Node's timers): local executions run until they end or stop.
    const { TimeoutSeconds: _wallClock, ...definition } = parsed;
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type === 'Task' && !options.tasks[name]) throw new Error(`No local handler for Task state ${name} of ${options.definitionFile}`);
      if (state.Type === 'Wait' && state.TimestampPath && state.Next) this.gates.set(state.Next, state.TimestampPath);
    }
    // A gated Task's timeout is applied to its handler here (see the module comment); the library's timer only has to wait.
    const States = Object.fromEntries(
      Object.entries(definition.States).map(([name, state]) => {
        if (state.Type !== 'Task' || !this.gates.has(name)) return [name, state];
        if (state.TimeoutSecondsPath)
          throw new Error(`Task state ${name} of ${options.definitionFile}: TimeoutSecondsPath after a Wait is not run locally; use TimeoutSeconds`);
        if (state.TimeoutSeconds !== undefined) this.taskTimeouts.set(name, state.TimeoutSeconds);
        return [name, { ...state, TimeoutSeconds: GATED_TASK_LIBRARY_TIMEOUT_SECONDS }];
      }),
    );
    this.definition = { ...definition, States };
    this.machine = new StateMachine(this.definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
    this.unsubscribe = options.clock.onChange?.(() => this.wake());
  }

  async start(timer: TimerRequest): Promise<void> {
    if (this.runs.has(timer.name)) return;
    const aborted = new AbortController();
    const execution: LocalExecution = {
      name: timer.name,
      input: timer.input,
      status: 'RUNNING',
      events: [],
      gatedUntil: undefined,
      taskRuns: 0,
      stoppedInWait: false,
    };
    const waits = Object.fromEntries(
      Object.entries(this.definition.States)
        .filter(([, s]) => s.Type === 'Wait')
        .map(([name]) => [name, 0]),
    );
    const retries = Object.fromEntries(
      Object.entries(this.definition.States)
        .filter(([, s]) => s.Retry)
        .map(([name]) => [name, 10]),
    );
    const tasks = Object.fromEntries(
      Object.entries(this.options.tasks).map(([name, handler]) => [
        name,
        async (input: Json) => {
          const gate = this.gates.get(name);
          if (gate) await this.until(String(readPath(input, gate)), execution, aborted.signal);
          if (aborted.signal.aborted) throw ABORTED;
          execution.taskRuns += 1;
          return (await within(name, this.taskTimeouts.get(name), handler(input))) as Json;
        },
      ]),
    );
    const run = this.machine.run(timer.input as Json, {
      overrides: { taskResourceLocalHandlers: tasks, waitTimeOverrides: waits, retryIntervalOverrides: retries },
      noThrowOnAbort: true,
    });
    const logging = (async () => {
      for await (const event of run.eventLogs) execution.events.push(event);
    })();
    const done = run.result.then(
      (output) => {
        if (execution.status === 'RUNNING') Object.assign(execution, { status: 'SUCCEEDED', output });
      },
      (error: unknown) => {
        if (execution.status !== 'RUNNING') return;
        if (error instanceof ExecutionAbortedError) execution.status = 'ABORTED';
        else {
          Object.assign(execution, { status: 'FAILED', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
          this.options.onFailure?.(execution);
        }
      },
    );
    const finished = Promise.all([done, logging.catch(() => undefined)]).then(() => {
      execution.gatedUntil = undefined;
    });
    this.runs.set(timer.name, {
      execution,
      done: finished,
      aborted,
      abort: () => {
        aborted.abort();
        run.abort();
      },
    });
  }

  async stop(name: string): Promise<void> {
    const run = this.runs.get(name);
    if (!run || run.execution.status !== 'RUNNING') return;
    run.execution.status = 'ABORTED';
    run.execution.stoppedInWait = run.execution.gatedUntil !== undefined;
    run.abort();
    this.wake();
    await run.done;
  }

  describe(name: string): LocalExecution | undefined {
    return this.runs.get(name)?.execution;
  }

  executions(): LocalExecution[] {
    return [...this.runs.values()].map((r) => r.execution);
  }

  /**
   * Resolves once every running execution is held at a Wait for a later instant
   * (or has ended): after moving the clock, what was due has then been done.
   * `timeoutMs` bounds how long that may take in real time.
   */
  async settled(timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    for (;;) {
      const now = this.options.clock.now().getTime();
      const busy = [...this.runs.values()].filter(
        ({ execution: e }) => e.status === 'RUNNING' && (e.gatedUntil === undefined || Date.parse(e.gatedUntil) <= now),
      );
      if (busy.length === 0) return;
      if (Date.now() - started > timeoutMs)
        throw new Error(`Executions still busy after ${timeoutMs} ms: ${busy.map((r) => r.execution.name).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Stop every execution and stop listening to the clock. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    await Promise.all([...this.runs.keys()].map((name) => this.stop(name)));
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Hold until the clock reads `instant`: woken by clock jumps, and by real time passing. */
  private until(instant: string, execution: LocalExecution, signal: AbortSignal): Promise<void> {
    const at = Date.parse(instant);
    if (Number.isNaN(at)) return Promise.reject(new Error(`Wait timestamp is not an instant: ${instant}`));
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = () => {
        if (timer) clearTimeout(timer);
        if (signal.aborted) {
          finish();
          reject(ABORTED);
          return;
        }
        const left = at - this.options.clock.now().getTime();
        if (left <= 0) {
          finish();
          resolve();
          return;
        }
        timer = setTimeout(check, Math.min(left, MAX_TIMER_MS));
        timer.unref();
      };
      const finish = () => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(check);
        execution.gatedUntil = undefined;
      };
      execution.gatedUntil = new Date(at).toISOString();
      this.waiters.add(check);
      check();
    });
  }
}
