import { describe, expect, it } from 'vitest';
import { foundFileName, readFound } from './found.js';
import { PROPERTIES } from './index.js';

// Every failure `make fuzz` found and minimised (test/fuzz/found/*.json) stays a regression test:
// its property's check runs on the stored counterexample, so a bug found once is tested forever.

const found = readFound();

describe('fuzz failures found (test/fuzz/found/)', () => {
  it('each file names a property of the layer and is named after its counterexample', () => {
    for (const f of found) {
      expect(PROPERTIES.has(f.property), `${f.file}: unknown property ${f.property}`).toBe(true);
      expect(f.file).toBe(foundFileName(f.property, f.counterexample));
    }
    for (const name of PROPERTIES.keys()) expect(name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/u);
  });

  for (const f of found) {
    it(`${f.file}: ${f.error.slice(0, 120)}`, async () => {
      await PROPERTIES.get(f.property)!.check(f.counterexample);
    });
  }
});
