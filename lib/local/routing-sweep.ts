/**
 * The routing sweep locally: what the EventBridge schedule does in AWS, done by
 * an interval in the platform's process, with the same handler module. When the
 * process clock is an `AdjustableClock`, every jump runs a sweep at once too, so
 * a demo can move an offer past its timeout without waiting for the interval.
 */
import { AdjustableClock, clock } from '#adapters/clock.js';
import { loadFunction } from './function-loader.js';
import type { GatewayLog } from './gateway.js';

export interface RoutingSweep {
  /** Run one sweep now (and wait for it). */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

export function startRoutingSweep(rootDir: string, intervalMs: number, log: GatewayLog): RoutingSweep {
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    // One at a time: a sweep that overlaps the previous one would only race it.
    running ??= (async () => {
      try {
        const module = await loadFunction<{ handler: () => Promise<unknown> }>(rootDir, 'routing-sweep');
        await module.handler();
      } catch (error) {
        log.error('routing sweep failed', error);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  const current = clock();
  const unlisten = current instanceof AdjustableClock ? current.onChange(() => void run()) : undefined;
  return {
    runNow: run,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      unlisten?.();
      await running;
    },
  };
}
