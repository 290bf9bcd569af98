import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { REPO_ROOT } from './make-inputs.js';

/** Where the golden files live: one per format and view, named `<view>.<ext>`. */
export const GOLDEN_DIR = join(REPO_ROOT, 'test', 'golden');

/**
 * Compares `actual` with the golden file `test/golden/<name>`, byte for byte. With
 * `UPDATE_GOLDEN=1` the file is (re)written instead (then read it, and commit it). Without it a
 * missing file fails: a golden file is never created silently, so CI (which never sets the
 * variable) cannot pass by writing its own.
 */
export function expectGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  expect(existsSync(path), `golden file test/golden/${name} is missing: run UPDATE_GOLDEN=1 npx vitest run <test> and review it`).toBe(true);
  const expected = readFileSync(path, 'utf8');
  // toBe on the whole text: the diff vitest prints names the first lines that differ.
  expect(actual).toBe(expected);
}
