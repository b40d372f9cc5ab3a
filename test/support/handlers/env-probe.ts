/**
 * A function that reports what it sees: the Caseway settings in its environment when
 * its module was first imported (a cold start) and when it runs, and what reading the
 * whole configuration gives (functions/config.ts). Loaded through the local function
 * loader by test/unit/function-environment.test.ts.
 */
import { USE_SETTING_NAMES } from '#topology/function-environment.js';
import { config } from '#functions/config.js';

const caseway = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => USE_SETTING_NAMES.has(entry[0]) && entry[1] !== undefined),
  );

const atLoad = caseway();

export const handler = async (): Promise<{ atLoad: Record<string, string>; now: Record<string, string>; tableName: string }> => {
  await Promise.resolve();
  return { atLoad, now: caseway(), tableName: config().TABLE_NAME };
};

/** Reads one setting as a handler would, after an await: in its function's environment. */
export const read = async (name: string): Promise<string | undefined> => {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return process.env[name];
};
