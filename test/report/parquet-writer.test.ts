import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { parquetChunks, parquetChunksAsync, ParquetRowError, ParquetRowGroups, type ParquetColumn, type ParquetRow } from '../../src/report/parquet/writer.js';

// The Parquet writer: what goes in comes back through an independent reader (hyparquet), row
// groups are cut by rows and by bytes, and a row that does not fit its column is refused with
// its row and column.

const COLUMNS: ParquetColumn[] = [
  { name: 's', type: 'string', nullable: true },
  { name: 'i', type: 'int64', nullable: false },
  { name: 'd', type: 'double', nullable: true },
  { name: 'b', type: 'bool', nullable: true },
  { name: 'j', type: 'json', nullable: true },
];

function rowsOf(n: number): ParquetRow[] {
  return Array.from({ length: n }, (_, k) => ({
    s: k % 3 === 0 ? null : `s${k} é 😀`,
    i: k * 1000,
    d: k % 5 === 0 ? null : k / 3,
    b: k % 2 === 0,
    j: k % 4 === 0 ? null : { k, list: [1, 'x', null], nested: { ok: true } },
  }));
}

function bytesOf(chunks: Iterable<Uint8Array>): ArrayBuffer {
  const all = Buffer.concat([...chunks]);
  return all.buffer.slice(all.byteOffset, all.byteOffset + all.length) as ArrayBuffer;
}

async function readBack(file: ArrayBuffer): Promise<Array<Record<string, unknown>>> {
  // hyparquet reads JSON-annotated columns as text with `utf8`; parse it to compare values.
  return (await parquetReadObjects({ file })).map((row) => ({ ...row, j: typeof row.j === 'string' ? JSON.parse(row.j) : row.j }));
}

const expected = (rows: ParquetRow[]): Array<Record<string, unknown>> => rows.map((r) => ({ ...r, i: BigInt(r.i as number) }));

describe('parquetChunks', () => {
  it('gives back every row, null and typed, through an independent reader', async () => {
    const rows = rowsOf(25);
    expect(await readBack(bytesOf(parquetChunks(COLUMNS, rows)))).toEqual(expected(rows));
  });

  const TEXT: ParquetColumn[] = [{ name: 's', type: 'string', nullable: false }];
  const texts = (n: number): ParquetRow[] => Array.from({ length: n }, (_, k) => ({ s: `${String(k).padStart(2, '0')}${'x'.repeat(48)}` }));
  it.each([
    // Groups close as rows come in; the last piece is the open group (if any) and the footer.
    ['by rows', COLUMNS, rowsOf(25), { rowGroupRows: 10 }, [10, 10, 5], 3],
    ['by rows, the last group closed by a row', COLUMNS, rowsOf(20), { rowGroupRows: 10 }, [10, 10], 3],
    ['by bytes (50 characters a row, 100 a group)', TEXT, texts(7), { rowGroupBytes: 100 }, [2, 2, 2, 1], 4],
    ['in one group by default', COLUMNS, rowsOf(25), {}, [25], 1],
  ] as const)('cuts row groups %s', async (_, columns, rows, options, groups, pieces) => {
    const chunks = [...parquetChunks(columns, rows, options)];
    const file = bytesOf(chunks);
    expect(parquetMetadata(file).row_groups.map((g) => Number(g.num_rows))).toEqual(groups);
    expect(chunks).toHaveLength(pieces);
    expect(await parquetReadObjects({ file })).toEqual(columns === TEXT ? rows : expected(rows));
  });

  it('annotates the columns for what they hold, JSON without statistics, and carries metadata', () => {
    const file = bytesOf(parquetChunks(COLUMNS, rowsOf(3), { metadata: [{ key: 'k', value: '{"a":1}' }], createdBy: 'tracetriage version 9' }));
    const meta = parquetMetadata(file);
    expect(meta.schema.slice(1).map((e) => [e.name, e.type, e.converted_type ?? null, e.repetition_type])).toEqual([
      ['s', 'BYTE_ARRAY', 'UTF8', 'OPTIONAL'],
      ['i', 'INT64', null, 'REQUIRED'],
      ['d', 'DOUBLE', null, 'OPTIONAL'],
      ['b', 'BOOLEAN', null, 'OPTIONAL'],
      ['j', 'BYTE_ARRAY', 'JSON', 'OPTIONAL'],
    ]);
    expect(meta.key_value_metadata).toEqual([{ key: 'k', value: '{"a":1}' }]);
    expect(meta.created_by).toBe('tracetriage version 9');
    const stats = meta.row_groups[0]!.columns.map((c) => c.meta_data?.statistics !== undefined);
    expect(stats).toEqual([true, true, true, true, false]);
  });

  it('keeps an int64 beyond 2^53 given as a bigint', async () => {
    const big = 2n ** 62n + 1n;
    const file = bytesOf(parquetChunks([{ name: 'n', type: 'int64', nullable: false }], [{ n: big }]));
    expect(await parquetReadObjects({ file })).toEqual([{ n: big }]);
  });

  it('writes a valid file of no rows', async () => {
    const file = bytesOf(parquetChunks(COLUMNS, []));
    expect(parquetMetadata(file).num_rows).toBe(0n);
    expect(await parquetReadObjects({ file })).toEqual([]);
  });

  it('gives the same bytes for rows that arrive asynchronously', async () => {
    const rows = rowsOf(30);
    async function* slowly(): AsyncGenerator<ParquetRow> {
      for (const row of rows) {
        await Promise.resolve();
        yield row;
      }
    }
    const pieces: Uint8Array[] = [];
    for await (const piece of parquetChunksAsync(COLUMNS, slowly(), { rowGroupRows: 7 })) pieces.push(piece);
    expect(Buffer.concat(pieces)).toEqual(Buffer.concat([...parquetChunks(COLUMNS, rows, { rowGroupRows: 7 })]));
  });

  it.each([
    ['a null in a column that is not nullable', { i: null }, 'row 0, column i: expected a int64 (the column is not nullable), got null'],
    ['a string for an int64', { i: '7' }, 'row 0, column i: expected a int64, got string'],
    ['a fraction for an int64', { i: 1.5 }, 'row 0, column i: expected a int64, got number'],
    ['a number for a string', { i: 1, s: 5 }, 'row 0, column s: expected a string, got number'],
    ['a string for a bool', { i: 1, b: 'yes' }, 'row 0, column b: expected a bool, got string'],
    ['a function for JSON', { i: 1, j: () => 1 }, 'row 0, column j: expected a JSON value, got function'],
  ])('refuses %s, naming the row and column', (_, row, message) => {
    const groups = new ParquetRowGroups(COLUMNS);
    expect(() => groups.add(row)).toThrow(ParquetRowError);
    expect(() => new ParquetRowGroups(COLUMNS).add(row)).toThrow(message);
  });

  it.each([
    ['no columns', []],
    ['a name twice', [COLUMNS[0]!, COLUMNS[0]!]],
  ])('refuses a schema of %s', (_, columns) => {
    expect(() => new ParquetRowGroups(columns)).toThrow(RangeError);
  });
});
