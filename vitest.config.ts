import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A guard against hangs, not a speed check: sized so one `floe-dev up` against the simulated toolchain fits
    // on a loaded 2-core machine (a test that needs longer says so in its describe block).
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // e2e tests spawn the built CLI and fake tools and spend much of their time waiting on them: three workers keep
    // two cores busy (two left a third of the CPU idle) without starving any test.
    maxWorkers: 3,
  },
});
