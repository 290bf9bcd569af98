import { defineConfig } from 'vitest/config';

// Sized for a shared 2-core machine under load, where `make test` runs. Many tests run the real
// binary, a Node start that takes seconds when the cores are busy: vitest's 5 s default failed
// them there, so a test gets a minute and a hook (building inputs, starting Chromium) two. Speed
// is never asserted in a test: `make bench` measures it.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Child processes, not threads: a test that spawns the CLI or Chromium, or fills the heap with
    // a 20 MB document, cannot starve or crash its neighbours.
    pool: 'forks',
    // A fork runs file after file without re-importing vitest and the modules under test for each:
    // about 0.4 s of CPU per file, 30 s a run. No test file changes the environment, the working
    // directory or a module's state without restoring it (guard.test.ts resets its fault, the one
    // spy is restored), which is what sharing a fork asks of them.
    isolate: false,
    // vitest's default on 2 cores is one worker (cores - 1); two keep both cores busy while the
    // CLI tests wait on their children, without queueing more forks than the machine can run.
    maxWorkers: 2,
  },
});
