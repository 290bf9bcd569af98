import type { Arbitrary } from 'fast-check';

/**
 * One property of the fuzz layer: a generator and a check that throws (an `expect` failing) when
 * the property does not hold for a value. The check is also what the replay test runs on a value
 * read back from test/fuzz/found/, so it takes the value alone, never the generator's state.
 */
export interface FuzzProperty<T> {
  /** kebab-case, unique: the file name of what `make fuzz` finds starts with it. */
  name: string;
  /** One sentence: what must hold. */
  claim: string;
  arbitrary: Arbitrary<T>;
  check: (value: T) => void | Promise<void>;
  /** Runs per property in `make test` (the campaign takes its budget from FUZZ_*). */
  suiteRuns: number;
  /**
   * Set when a run spawns processes: `make test` then reports a failure unshrunk (shrinking takes
   * hundreds of runs), and `make fuzz` shrinks it within its time budget.
   */
  costly?: true;
}

/** Identity: it exists for type inference of T (arethetypeswrong's `defineCheck`). */
export function defineProperty<T>(property: FuzzProperty<T>): FuzzProperty<T> {
  return property;
}
