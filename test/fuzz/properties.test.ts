import fc from 'fast-check';
import { describe, it } from 'vitest';
import { PROPERTIES, SUITE_SEED } from './index.js';

// The fuzz layer at a fixed seed and a small budget (each property's suiteRuns): the same cases on
// every run and machine. `make fuzz` runs the same properties longer, from other seeds; what it
// finds lands in test/fuzz/found/ and is replayed by replay.test.ts. A failure prints the
// counterexample fast-check shrank to, with the seed and path that replay it.

describe(`fuzz properties (fast-check, seed ${SUITE_SEED})`, () => {
  for (const property of PROPERTIES.values()) {
    it(`${property.name}: ${property.claim}`, async () => {
      await fc.assert(
        fc.asyncProperty(property.arbitrary, async (value) => {
          await property.check(value);
        }),
        { seed: SUITE_SEED, numRuns: property.suiteRuns, endOnFailure: property.costly === true },
      );
    });
  }
});
