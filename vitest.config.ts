import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration suites each run their own DynamoDB Local; two at a time suits a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 180_000,
    reporters: ['default'],
    env: {
      // Every DynamoDB Local the suite starts (~60: one per integration suite, per bench smoke run, per
      // `npm start` in the end-to-end suites, which inherit this) lives seconds to a minute. With the
      // JVM's defaults, most of its CPU goes to the C2 compiler optimising code it never runs long
      // enough to profit from, and to G1's threads; the client compiler alone and the serial
      // collector halve DynamoDB Local's CPU here (bench:links smoke: 11.0 -> 7.0 s of CPU).
      // lib/local/dynamodb-local.ts reads it; `npm start` and the benches run with the JVM's defaults.
      CASEWAY_DYNAMODB_JAVA_OPTIONS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC',
    },
  },
});
