/**
 * What a module sees of the environment while it is first imported (a cold start), and what
 * a module only it imports saw: both must be its function's view. Loaded through the local
 * function loader by test/unit/function-environment.test.ts, by one function only.
 */
import { seenByDependency } from './env-at-load-dependency.js';

const seen = process.env.CURSOR_KEY;
const hidden = process.env.FILES_DIR;

export const handler = async () => {
  await Promise.resolve();
  return { seen, hidden, seenByDependency };
};
