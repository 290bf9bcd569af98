import { withRows, type RowList } from '../../shared/columns.js';
import type { IdIndex } from '../../shared/id-index.js';

/**
 * The turns of every session the session stage visited, session after session: each turn's trace
 * id (as its number in an {@link IdIndex}) and its ordinal, 8 bytes a turn. A session holds two
 * small views of its rows ({@link rows}) instead of an array of trace-id strings and an array of
 * ordinals: kept for every session of a dump until the formats are done, those took about 70
 * bytes a turn.
 */
export class TurnColumns {
  private traceId = new Int32Array(1024);
  private ordinal = new Int32Array(1024);
  private count = 0;

  constructor(private readonly ids: IdIndex) {}

  /** Keeps one session's turns (in turn order); returns the first of their rows (see {@link rows}). */
  add(turns: ReadonlyArray<{ traceId: string; ordinal: number }>): number {
    const start = this.count;
    for (const t of turns) this.push(t.traceId, t.ordinal);
    return start;
  }

  /** Keeps one turn after the last; returns its row. */
  push(traceId: string, ordinal: number): number {
    const r = this.count++;
    if (r >= this.traceId.length) {
      this.traceId = withRows(this.traceId, r + 1);
      this.ordinal = withRows(this.ordinal, r + 1);
    }
    this.traceId[r] = this.ids.numberOf(traceId);
    this.ordinal[r] = ordinal;
    return r;
  }

  /** The trace ids and ordinals of `length` rows from `start`, read from here at each pass. */
  rows(start: number, length: number): { traceIds: RowList<string>; ordinals: RowList<number> } {
    return { traceIds: new ColumnRows(this.traceIdAt, start, length), ordinals: new ColumnRows(this.ordinalAt, start, length) };
  }

  /** The trace id of row `r` (a new string); one function for every session's view. */
  private readonly traceIdAt = (r: number): string => this.ids.at(this.traceId[r]!);
  private readonly ordinalAt = (r: number): number => this.ordinal[r]!;
}

/**
 * `length` rows of a column from `start`, read at each pass by `at`. Its place is held in `#`
 * fields, which no equality test or JSON sees: two of these are equal when their items are.
 */
class ColumnRows<T> implements RowList<T> {
  readonly #at: (row: number) => T;
  readonly #start: number;

  constructor(
    at: (row: number) => T,
    start: number,
    readonly length: number,
  ) {
    this.#at = at;
    this.#start = start;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.#at(this.#start + i);
  }

  /** As JSON: an array (what a session line of `reduce` holds). */
  toJSON(): T[] {
    return [...this];
  }
}
