import { defineConfig } from 'vitest/config';

// `make fuzz` only (scripts/fuzz.mjs): the campaign file, one property after another in one
// worker (the time budget is per property), with no test timeout (the budget is the limit).
// Run from the repository root with --root . (paths below are relative to it).
export default defineConfig({
  test: {
    include: ['test/fuzz/campaign.fuzz.ts'],
    testTimeout: 0,
    hookTimeout: 0,
    pool: 'forks',
    maxWorkers: 1,
  },
});
