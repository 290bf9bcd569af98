import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCliAsync } from '../helpers/make-inputs.js';

// Spark cannot be installed here (docs/scale-out.md): its recipe is checked by compiling it and by
// checking that every flag it passes to a step exists in that step's --help, so the recipe
// cannot drift from the commands unnoticed. The contract itself is what the Dask test runs.
const RECIPES = ['spark_analyze.py', 'dask_analyze.py'];

describe('the scale-out recipes', () => {
  for (const recipe of RECIPES) {
    it(`${recipe} compiles and passes only flags the steps take`, async () => {
      const path = join(REPO_ROOT, 'docs/recipes', recipe);
      // The compiled file goes to a temporary folder, not beside the recipe.
      const cache = mkdtempSync(join(tmpdir(), 'tracetriage-pycache-'));
      const python = spawnSync('python3', ['-m', 'py_compile', path], { encoding: 'utf8', env: { ...process.env, PYTHONPYCACHEPREFIX: cache } });
      rmSync(cache, { recursive: true, force: true });
      expect(python.stderr).toBe('');
      expect(python.status).toBe(0);
      const text = readFileSync(path, 'utf8');
      const steps = new Map<string, Set<string>>();
      // Each step's argument list as the recipe writes it: ["digest", "--paths-from", "-", ...] or "reduce", ...
      for (const m of text.matchAll(/\["(digest|reduce|merge)"(?:, \*?[a-z_]+)?((?:, (?:"[^"]*"|[a-z_.()[\], *"]+?))*)\]/gu)) {
        const flags = steps.get(m[1]!) ?? new Set<string>();
        for (const f of m[2]!.matchAll(/"(--[a-z-]+)"/gu)) flags.add(f[1]!);
        steps.set(m[1]!, flags);
      }
      for (const m of text.matchAll(/\+ \["(reduce|merge)", ([^\]]*)\]/gu)) {
        const flags = steps.get(m[1]!) ?? new Set<string>();
        for (const f of m[2]!.matchAll(/"(--[a-z-]+)"/gu)) flags.add(f[1]!);
        steps.set(m[1]!, flags);
      }
      expect([...steps.keys()].sort()).toEqual(['digest', 'merge', 'reduce']);
      for (const [step, flags] of steps) {
        const help = await runCliAsync([step, '--help']);
        expect(help.status, `${step} --help`).toBe(0);
        for (const flag of flags) expect(help.stdout, `${recipe}: ${step} ${flag}`).toContain(flag);
        // The recipe passes the rules as --rule=<id>, which every step takes.
        expect(help.stdout).toContain('--rule');
      }
    });
  }
});
