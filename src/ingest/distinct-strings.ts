import { ExternalSort, SORT_LIMITS, type SortKeys, type SortLimits } from './external-sort.js';
import { SpillFile } from './spill.js';

/** Strings held in memory before they go to the temporary file: about 1.6 MB of session ids. */
export const DISTINCT_IN_MEMORY = 16_384;

const STRING_KEYS: SortKeys<string> = {
  text: (key) => JSON.stringify(key),
  parse: (text) => JSON.parse(text) as string,
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  copy: (last, next) => last === next,
};

/**
 * Counts the distinct strings it is given, exactly, in bounded memory: a `Set` of up to
 * `inMemory` strings, and past that an {@link ExternalSort} in a temporary file of its own, which
 * drops the copies as it sorts and merges; the count is the length of the one sorted region.
 * The `Set` stays in front of the sort, so that a string seen again soon after (a session's next
 * trace) is written once. `stats` counts the sessions of a source and of the run with it: a
 * `Set` of every session id grew with the input (about 100 bytes a session, twice).
 */
export class DistinctStrings {
  private seen = new Set<string>();
  private sort: ExternalSort<string> | null = null;
  private spill: SpillFile | null = null;
  private counted: number | null = null;
  private closed = false;

  constructor(
    private readonly inMemory = DISTINCT_IN_MEMORY,
    private readonly limits: Readonly<SortLimits> = SORT_LIMITS,
  ) {
    if (!(inMemory >= 1)) throw new RangeError(`inMemory ${inMemory}`);
  }

  add(value: string): void {
    if (this.counted !== null || this.closed) throw new Error('DistinctStrings.add after count() or close()');
    this.seen.add(value);
    if (this.seen.size >= this.inMemory) this.flush();
  }

  /** How many distinct strings were added. The first call ends the count: the temporary file, if any, is closed. */
  count(): number {
    if (this.counted !== null) return this.counted;
    if (this.closed) throw new Error('DistinctStrings.count after close()');
    if (this.sort === null) this.counted = this.seen.size;
    else {
      this.flush();
      this.counted = this.sort.finish().count;
    }
    this.release();
    return this.counted;
  }

  /** Closes the temporary file, if one was opened (a count that was never taken). Idempotent. */
  close(): void {
    if (this.counted === null) this.closed = true;
    this.release();
  }

  private release(): void {
    this.spill?.close();
    this.spill = null;
    this.sort = null;
    this.seen = new Set();
  }

  private flush(): void {
    if (this.sort === null) {
      this.spill = new SpillFile('tracetriage-distinct-', 0);
      this.sort = new ExternalSort(this.spill, STRING_KEYS, this.limits);
    }
    for (const value of this.seen) this.sort.add(value, '');
    this.seen = new Set();
  }
}
