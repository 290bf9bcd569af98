/** A typed array used as a column: one value per row, grown by doubling. */
export type Column = Float64Array | Int32Array | Uint8Array;

/**
 * `column` when it has `rows` rows, else a copy doubled until it has: the new rows hold `fill`.
 * What the per-trace columns of a run (kept traces, trace ids, locations, flags) grow with.
 */
export function withRows<T extends Column>(column: T, rows: number, fill = 0): T {
  if (rows <= column.length) return column;
  let size = Math.max(1, column.length) * 2;
  while (size < rows) size *= 2;
  const grown = new (column.constructor as new (length: number) => T)(size);
  (grown as Column).set(column);
  if (fill !== 0) grown.fill(fill, column.length);
  return grown;
}

/** A list read more than once, each pass anew (its items may be made as a pass reaches them), and counted without reading it. */
export interface RowList<T> extends Iterable<T> {
  readonly length: number;
}

/**
 * The first `rows` rows grouped by a column of group numbers (`0 ≤ group < groups`, negative for
 * none): a counting sort, two passes and no object per group. Group `g`'s rows, in row order, are
 * `rows[starts[g]]` up to `rows[starts[g + 1]]`; `ungrouped` lists the rows of no group, in order.
 */
export function groupRows(group: Int32Array, rows: number, groups: number): { starts: Int32Array; rows: Int32Array; ungrouped: number[] } {
  const starts = new Int32Array(groups + 1);
  const ungrouped: number[] = [];
  for (let r = 0; r < rows; r++) {
    const g = group[r]!;
    if (g < 0) ungrouped.push(r);
    else starts[g + 1]!++;
  }
  for (let g = 0; g < groups; g++) starts[g + 1]! += starts[g]!;
  const grouped = new Int32Array(rows - ungrouped.length);
  const next = starts.slice(0, groups);
  for (let r = 0; r < rows; r++) {
    const g = group[r]!;
    if (g >= 0) grouped[next[g]!++] = r;
  }
  return { starts, rows: grouped, ungrouped };
}

/** `rows` mapped by `f` as each pass reaches them: nothing is held. */
export function mapRows<T, U>(rows: RowList<T>, f: (item: T) => U): RowList<U> {
  return {
    get length() {
      return rows.length;
    },
    *[Symbol.iterator]() {
      for (const item of rows) yield f(item);
    },
  };
}

/** Columns of one table, by name: what {@link growColumns} grows together. */
export type ColumnRecord = Record<string, Column>;

/** Grows every column of `columns` to at least `rows` rows (see {@link withRows}; new rows hold 0). */
export function growColumns(columns: ColumnRecord, rows: number): void {
  for (const key of Object.keys(columns)) columns[key] = withRows(columns[key]!, rows);
}
