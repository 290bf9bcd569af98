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
