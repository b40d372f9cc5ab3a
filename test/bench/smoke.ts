/**
 * Smoke mode for every bench: `npm run bench:x -- --smoke` (or BENCH_SMOKE=1). The same
 * code paths at tiny sizes and few iterations, with the same correctness checks, so CI
 * runs every bench (test/e2e/benches.test.ts) and none can rot unnoticed. A smoke run's
 * figures are printed but mean nothing: sizes are too small and warm-up too short.
 */
export const SMOKE = process.argv.includes('--smoke') || process.env.BENCH_SMOKE === '1';

/** `full` normally, `smoke` in smoke mode. */
export const sized = <T>(full: T, smoke: T): T => (SMOKE ? smoke : full);

if (SMOKE) console.log('SMOKE RUN: tiny sizes, few iterations; the figures below are not measurements.\n');
