import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/make-inputs.js';
import { expectTourOutput, TOUR } from './helpers/readme-tour.js';

// The README's tour shows real output; this keeps it true against this checkout's dist/ (the
// first-hour test runs the same tour again in a fresh clone, as `npx tracetriage`).
describe('README tour', () => {
  it('has console examples', () => {
    expect(TOUR.length).toBeGreaterThanOrEqual(2);
  });

  for (const { command, output } of TOUR) {
    it(`prints what the README shows for: ${command}`, () => {
      const shell = command.replace(/\btracetriage\b/g, `"${process.execPath}" dist/cli/main.js`);
      // Plain text whatever CI's environment says about colour.
      const run = spawnSync('bash', ['-c', shell], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
      expectTourOutput(run.stdout, output);
    });
  }
});
