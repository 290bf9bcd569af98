import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { ParquetWriter } from 'hyparquet-writer/src/parquet-writer.js';

/**
 * A column's type: `string` (UTF-8), `int64`, `double`, `bool`, or `json`: any JSON value, stored
 * as its JSON text in a UTF-8 column annotated JSON (pandas, DuckDB and Spark read it as a string).
 */
export type ParquetColumnType = 'string' | 'int64' | 'double' | 'bool' | 'json';

/** One column of a Parquet table: its name (the row's key), its type, and whether it may be null. */
export interface ParquetColumn {
  name: string;
  type: ParquetColumnType;
  nullable: boolean;
}

/** A row: a value per column name (a missing key is null). */
export type ParquetRow = Readonly<Record<string, unknown>>;

/** How rows are cut into row groups, and what the file says of itself. */
export interface ParquetOptions {
  /** A row group ends after this many rows (default 100,000). */
  rowGroupRows?: number;
  /**
   * Or once its text and numbers reach about this many bytes (default 2 MB): memory holds one
   * group at a time, whatever the rows' count or width. hyparquet-writer takes about 30 times a
   * group's text while it encodes it: 2 MB groups peaked at 117-132 MB RSS for 50,000 and 500,000
   * rows, 16 MB groups at 261-344 MB and 1.7-2.5 times the CPU (bench/parquet-rows.mjs, docs/parquet.md).
   */
  rowGroupBytes?: number;
  /** The file's key-value metadata (e.g. a JSON summary of the run). */
  metadata?: ReadonlyArray<{ key: string; value: string }>;
  /** The file's `created_by` (default `tracetriage`). */
  createdBy?: string;
}

/** A row whose value does not fit its column: the row (0-based), the column, what was expected. */
export class ParquetRowError extends TypeError {
  constructor(
    readonly row: number,
    readonly column: string,
    expected: string,
    value: unknown,
  ) {
    super(`row ${row}, column ${column}: expected ${expected}, got ${value === null ? 'null' : typeof value}`);
    this.name = 'ParquetRowError';
  }
}

const DEFAULT_GROUP_ROWS = 100_000;
const DEFAULT_GROUP_BYTES = 2_000_000;
/** What a number or boolean counts for in a row group's size. */
const SCALAR_BYTES = 8;

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

/**
 * A Parquet file made row group by row group (hyparquet-writer; docs/parquet.md says why): rows go
 * in with {@link ParquetRowGroups.add}, and each finished row group comes out as the file's next
 * bytes, so a caller writes them as they come and memory holds one group's rows and pages, never
 * the file. Snappy-compressed, with column statistics. Pure: bytes in memory, no I/O.
 */
export class ParquetRowGroups {
  private readonly sink = new ByteWriter();
  private readonly writer: ParquetWriter;
  private readonly fileSchema: SchemaElement[];
  private readonly columns: Array<ParquetColumn & { values: unknown[] }>;
  private readonly groupRows: number;
  private readonly groupBytes: number;
  private rows = 0;
  private pendingBytes = 0;

  constructor(columns: readonly ParquetColumn[], options: ParquetOptions = {}) {
    if (columns.length === 0) throw new RangeError('a Parquet table needs at least one column');
    const names = new Set(columns.map((c) => c.name));
    if (names.size !== columns.length) throw new RangeError('Parquet column names must be unique');
    this.columns = columns.map((c) => ({ ...c, values: [] }));
    this.groupRows = Math.max(1, options.rowGroupRows ?? DEFAULT_GROUP_ROWS);
    this.groupBytes = Math.max(1, options.rowGroupBytes ?? DEFAULT_GROUP_BYTES);
    const root: SchemaElement = { name: 'root', num_children: columns.length };
    this.fileSchema = [root, ...columns.map((c) => schemaElement(c, c.type))];
    // The writer is handed JSON columns as strings (our own JSON text, as `JSON.stringify` gives
    // it: hyparquet-writer would re-encode a JSON-annotated column through its own converter, which
    // turns a bigint into a lossy number); the footer, written last, annotates them JSON.
    this.writer = new ParquetWriter({
      writer: this.sink,
      schema: [root, ...columns.map((c) => schemaElement(c, c.type === 'json' ? 'string' : c.type))],
      codec: 'SNAPPY',
      createdBy: options.createdBy ?? 'tracetriage',
      ...(options.metadata === undefined ? {} : { kvMetadata: options.metadata.map((m) => ({ key: m.key, value: m.value })) }),
    });
  }

  /** Takes one row; returns the file's next bytes when the row closed a row group, else null. */
  add(row: ParquetRow): Uint8Array | null {
    for (const column of this.columns) {
      const value = cell(column, row[column.name], this.rows);
      column.values.push(value);
      this.pendingBytes += typeof value === 'string' ? value.length : SCALAR_BYTES;
    }
    this.rows++;
    return this.columns[0]!.values.length >= this.groupRows || this.pendingBytes >= this.groupBytes ? this.flush() : null;
  }

  /** The file's last bytes: the open row group, then the footer (schema, row groups, statistics). */
  end(): Uint8Array {
    const group = this.flush();
    this.writer.schema = this.fileSchema;
    void this.writer.finish();
    return concat(group, this.take());
  }

  private flush(): Uint8Array {
    const size = this.columns[0]!.values.length;
    if (size > 0) {
      // Written synchronously: the sink has no async `flush`.
      // Bounds of JSON text say nothing a reader can prune by: no statistics for JSON columns.
      void this.writer.write({ columnData: this.columns.map((c) => ({ name: c.name, data: c.values, statistics: c.type !== 'json' })), rowGroupSize: size });
      for (const column of this.columns) column.values = [];
      this.pendingBytes = 0;
    }
    return this.take();
  }

  /** The bytes written since the last take; the sink's buffer is then reused (as hyparquet-writer's own file writer does). */
  private take(): Uint8Array {
    const bytes = this.sink.getBytes().slice();
    this.sink.index = 0;
    return bytes;
  }
}

/** A Parquet file of `rows`, as pieces of bytes to write one after the other (see {@link ParquetRowGroups}). */
export function* parquetChunks(columns: readonly ParquetColumn[], rows: Iterable<ParquetRow>, options: ParquetOptions = {}): Generator<Uint8Array> {
  const groups = new ParquetRowGroups(columns, options);
  for (const row of rows) {
    const bytes = groups.add(row);
    if (bytes !== null) yield bytes;
  }
  yield groups.end();
}

/** {@link parquetChunks} of rows that arrive asynchronously (a stream of digests): one row group read ahead at most. */
export async function* parquetChunksAsync(columns: readonly ParquetColumn[], rows: AsyncIterable<ParquetRow> | Iterable<ParquetRow>, options: ParquetOptions = {}): AsyncGenerator<Uint8Array> {
  const groups = new ParquetRowGroups(columns, options);
  for await (const row of rows) {
    const bytes = groups.add(row);
    if (bytes !== null) yield bytes;
  }
  yield groups.end();
}

function schemaElement(column: ParquetColumn, type: ParquetColumnType): SchemaElement {
  const repetition_type = column.nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (type) {
    case 'string':
      return { name: column.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type };
    case 'json':
      return { name: column.name, type: 'BYTE_ARRAY', converted_type: 'JSON', logical_type: { type: 'JSON' }, repetition_type };
    case 'int64':
      return { name: column.name, type: 'INT64', repetition_type };
    case 'double':
      return { name: column.name, type: 'DOUBLE', repetition_type };
    case 'bool':
      return { name: column.name, type: 'BOOLEAN', repetition_type };
  }
}

/** A row's value as its column stores it: checked against the column's type, JSON as its text. */
function cell(column: ParquetColumn, value: unknown, row: number): string | bigint | number | boolean | null {
  if (value === null || value === undefined) {
    if (column.nullable) return null;
    throw new ParquetRowError(row, column.name, `a ${column.type} (the column is not nullable)`, null);
  }
  switch (column.type) {
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'json': {
      const text = JSON.stringify(value);
      if (typeof text === 'string') return text;
      break;
    }
    case 'int64':
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
      break;
    case 'double':
      if (typeof value === 'number') return value;
      break;
    case 'bool':
      if (typeof value === 'boolean') return value;
      break;
  }
  throw new ParquetRowError(row, column.name, column.type === 'json' ? 'a JSON value' : `a ${column.type}`, value);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
