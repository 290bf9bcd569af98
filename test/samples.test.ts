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

const files = (dir: string): string[] => walk(dir).map((path) => relative(dir, path)).sort();

describe('samples/', () => {
  it('is exactly what scripts/make-samples.mjs makes (run `make samples` after changing it)', () => {
    execFileSync(process.execPath, [join(root, 'scripts/make-samples.mjs'), out], { stdio: 'ignore' });
    const committed = join(root, 'samples');
    expect(files(out)).toEqual(files(committed));
    for (const file of files(committed)) {
      expect(readFileSync(join(out, file), 'utf8'), file).toBe(readFileSync(join(committed, file), 'utf8'));
    }
  });
});
