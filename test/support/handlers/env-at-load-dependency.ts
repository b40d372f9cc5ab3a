/** Imported only by env-at-load.ts: its top level runs inside that module's first import. */
export const seenByDependency = process.env.CURSOR_KEY;
