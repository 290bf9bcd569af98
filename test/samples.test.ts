import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// samples/ is generated, never edited: regenerating it must give the committed bytes.
const root = new URL('..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'tracetriage-samples-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const files = (dir: string): string[] =>
  walk(dir)
    .map((path) => relative(dir, path))
    .sort();

describe.each([
  { committed: 'samples', args: [] },
  { committed: 'test/judge-free', args: ['--judge-free'] },
])('$committed', ({ committed, args }) => {
  it('is exactly what scripts/make-samples.mjs makes (run `make samples` after changing it)', () => {
    const dir = join(out, committed.replace(/\//gu, '_'));
    execFileSync(process.execPath, [join(root, 'scripts/make-samples.mjs'), dir, ...args], { stdio: 'ignore' });
    const expected = join(root, committed);
    expect(files(dir)).toEqual(files(expected));
    for (const file of files(expected)) {
      expect(readFileSync(join(dir, file), 'utf8'), file).toBe(readFileSync(join(expected, file), 'utf8'));
    }
  });
});
