// One vitest run for everything: unit tests beside the code and cross-process tests in test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'shared/**/*.test.ts', 'web/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    // Pages and daemons answer slower on a busy shared machine: polls wait long enough, tests stay free of timing claims.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    hookTimeout: 60_000,
    // Lab tests start real daemons and a browser; two cores do not run many of them at once well.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
