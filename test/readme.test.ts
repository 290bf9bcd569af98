import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The README's tour shows real output; this keeps it true. Each ```console block is one command
// (`$ ...`, `tracetriage` standing for the built CLI) and its output; the timing line differs
// from run to run and is compared by shape only.
const root = new URL('..', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const blocks = [...readme.matchAll(/```console\n\$ (.*)\n([\s\S]*?)```/g)].map((m) => ({ command: m[1]!, output: m[2]! }));
const TIMING = /^read [0-9.]+ MB in [0-9.]+ s \([0-9.]+ MB\/s\)$/;

describe('README tour', () => {
  it('has console examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  for (const { command, output } of blocks) {
    it(`prints what the README shows for: ${command}`, () => {
      const shell = command.replace(/\btracetriage\b/g, `"${process.execPath}" dist/cli/main.js`);
      // Plain text whatever CI's environment says about colour.
      const run = spawnSync('bash', ['-c', shell], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
      const actual = run.stdout.split('\n');
      const expected = output.split('\n');
      expect(actual.length).toBe(expected.length);
      actual.forEach((line, i) => {
        if (TIMING.test(expected[i]!)) expect(line).toMatch(TIMING);
        else expect(line).toBe(expected[i]);
      });
    });
  }
});
