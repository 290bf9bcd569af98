import { mkdirSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FOUND_DIR, writeFound } from './found.js';
import { PROPERTIES } from './index.js';

// `make fuzz` (scripts/fuzz.mjs runs this file through test/fuzz/vitest.campaign.config.ts): each
// property from FUZZ_SEED for its share of FUZZ_PROPERTIES_MS milliseconds (or FUZZ_RUNS runs), in rounds of
// consecutive seeds so that one failure does not end the campaign. Each failure is shrunk by
// fast-check and written to test/fuzz/found/; figures go to FUZZ_REPORT (JSON).

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const budgetMs = Number(process.env.FUZZ_PROPERTIES_MS ?? 300_000) / PROPERTIES.size;
const runs = process.env.FUZZ_RUNS === undefined || process.env.FUZZ_RUNS === '' ? null : Number(process.env.FUZZ_RUNS);
/** How long a round may take when the budget is in runs (a costly property shrinks slowly). */
const SHRINK_MS = 180_000;
/** Distinct failures kept per property: past that, the same bug is being found again. */
const MAX_FOUND = 5;

interface Figures {
  property: string;
  runs: number;
  rounds: number;
  ms: number;
  found: Array<{ file: string; error: string; seed: number }>;
}
const figures: Figures[] = [];

/** The class of a failure: its first line with numbers, quotes and paths left out, to tell one bug from another. */
function failureClass(error: string): string {
  return error
    .split('\n')[0]!
    .replace(/"[^"]*"|'[^']*'|\d+(\.\d+)?(e[+-]?\d+)?/giu, '#')
    .slice(0, 200);
}

describe(`fuzz campaign (seed ${seed}, ${runs === null ? `${budgetMs} ms` : `${runs} runs`} a property)`, () => {
  for (const property of PROPERTIES.values()) {
    it(property.name, async () => {
      mkdirSync(FOUND_DIR, { recursive: true });
      const started = Date.now();
      const f: Figures = { property: property.name, runs: 0, rounds: 0, ms: 0, found: [] };
      figures.push(f);
      const classes = new Set<string>();
      // Costly properties (a process per view) run in small rounds so the budget is kept.
      const roundRuns = property.costly ? 2 : 100;
      for (let round = 0; f.found.length < MAX_FOUND; round++) {
        const left = runs === null ? Infinity : runs - f.runs;
        if (left <= 0 || (runs === null && Date.now() - started >= budgetMs)) break;
        const details = await fc.check(
          fc.asyncProperty(property.arbitrary, async (value) => {
            await property.check(value);
          }),
          // A round (shrinking included) stops at the budget's end plus a half, or after SHRINK_MS
          // when counting runs: what it has by then is kept.
          {
            seed: seed + round,
            numRuns: Math.min(roundRuns, left),
            interruptAfterTimeLimit: runs === null ? Math.max(10_000, budgetMs * 1.5 - (Date.now() - started)) : SHRINK_MS,
            markInterruptAsFailure: false,
          },
        );
        f.rounds++;
        f.runs += details.numRuns;
        if (!details.failed || details.counterexample === null) continue;
        const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        const kind = failureClass(error);
        if (classes.has(kind)) continue;
        classes.add(kind);
        const file = writeFound({
          property: property.name,
          seed: details.seed,
          path: details.counterexamplePath,
          error: error.split('\n')[0]!.slice(0, 500),
          counterexample: details.counterexample[0],
          found: `${new Date().toISOString()} make fuzz FUZZ_SEED=${seed}`,
        });
        f.found.push({ file, error: error.split('\n')[0]!.slice(0, 300), seed: details.seed });
      }
      f.ms = Date.now() - started;
      if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, JSON.stringify({ seed, figures }, null, 1) + '\n');
      expect(f.found.map((x) => `${x.file}: ${x.error}`)).toEqual([]);
    });
  }
});
