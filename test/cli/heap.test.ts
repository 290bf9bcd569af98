import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { boundHeapGrowth } from '../../src/cli/heap.js';
import { REPO_ROOT } from '../helpers/make-inputs.js';

/** Runs `code` (ESM) in a child node from the repository root: its exit status and everything it printed. */
function child(code: string): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

// The CLI bounds V8's heap growth (src/cli/heap.ts); node's own flag, when given, wins.
describe('boundHeapGrowth', () => {
  it('leaves a --heap-growing-percent given to node alone', () => {
    expect(boundHeapGrowth(['--heap-growing-percent=80'])).toBe(false);
    expect(boundHeapGrowth(['--heap_growing_percent=80'])).toBe(false);
  });

  it("sets a flag this node's V8 knows (V8 says so of a flag it does not know)", () => {
    const set = child("import { boundHeapGrowth } from './dist/cli/heap.js'; console.log(boundHeapGrowth([]));");
    expect(set).toEqual({ status: 0, out: 'true\n' });
    // The control: the same call with a flag V8 lacks is reported, so the check above can fail.
    const unknown = child("import { setFlagsFromString } from 'node:v8'; setFlagsFromString('--heap-growing-percentage=50'); console.log(true);");
    expect(unknown.out).toContain('unrecognized flag');
  });
});
