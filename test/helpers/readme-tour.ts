import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from './make-inputs.js';

/** The README, as a new user reads it. */
export const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** The tour: each ```console block's command (`$ ...`, `tracetriage` standing for the CLI) and the output the README shows for it. */
export const TOUR = [...README.matchAll(/```console\n\$ (.*)\n([\s\S]*?)```/g)].map((m) => ({ command: m[1]!, output: m[2]! }));

/** The timing line differs from run to run: it is compared by shape only. */
const TIMING = /^read [0-9.]+ MB in [0-9.]+ s \([0-9.]+ MB\/s\)$/;

/** Asserts that a command's stdout is what the README shows, line by line (the timing line by its shape). */
export function expectTourOutput(stdout: string, shown: string): void {
  const actual = stdout.split('\n');
  const expected = shown.split('\n');
  expect(actual.length).toBe(expected.length);
  actual.forEach((line, i) => {
    if (TIMING.test(expected[i]!)) expect(line).toMatch(TIMING);
    else expect(line).toBe(expected[i]);
  });
}
