import { readFileSync } from 'node:fs';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace, runCliAsync } from '../helpers/make-inputs.js';

// digest, reduce and merge from the real binary: the pipe of docs/scale-out.md gives analyze's
// output and exit status in every format; what each step refuses, said plainly.
const ws = makeWorkspace('tracetriage-scale-cli-');
afterAll(() => ws.cleanup());

/** Digest lines sorted as an engine would: bucket (as a number), then session; context lines first. */
function sorted(text: string): string {
  const lines = text.trimEnd().split('\n');
  const key = (line: string): [number, string] => {
    const v = JSON.parse(line) as { bucket: number; session?: string | null };
    return [v.bucket, v.session ?? ''];
  };
  return `${lines
    .map((line) => ({ line, key: key(line) }))
    .sort((a, b) => a.key[0] - b.key[0] || (a.key[1] < b.key[1] ? -1 : a.key[1] > b.key[1] ? 1 : 0))
    .map((l) => l.line)
    .join('\n')}\n`;
}

describe('digest | sort | reduce, then merge', () => {
  it('digest --format parquet holds the same lines, with typed columns an engine routes by, and they reduce and merge as the JSON lines do', async () => {
    const lines = await runCliAsync(['digest', 'samples', '--buckets', '8']);
    const pq = await runCliAsync(['digest', 'samples', '--buckets', '8', '--format', 'parquet', '-o', ws.path('d.parquet')]);
    expect(pq.status).toBe(0);
    const bytes = readFileSync(ws.path('d.parquet'));
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    expect(parquetMetadata(file).key_value_metadata).toEqual(expect.arrayContaining([{ key: 'tracetriage.digest.format', value: '1' }]));
    const rows = (await parquetReadObjects({ file })) as Array<{ bucket: bigint; session: string | null; time: number | null; kind: string; trace_id: string | null; line: unknown }>;
    const expected = lines.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { bucket: number; session?: string | null; time?: number | null; kind: string; traceId?: string });
    expect(rows.map((r) => r.line)).toEqual(expected);
    expect(rows.map((r) => [Number(r.bucket), r.session, r.time, r.kind, r.trace_id])).toEqual(expected.map((l) => [l.bucket, l.session ?? null, l.time ?? null, l.kind, l.traceId ?? null]));
    // An engine's route: sort on the typed columns, hand the line column to reduce.
    const sortedRows = [...rows].sort((a, b) => Number(a.bucket) - Number(b.bucket) || (a.session ?? '').localeCompare(b.session ?? ''));
    const reduce = await runCliAsync(['reduce'], { input: `${sortedRows.map((r) => JSON.stringify(r.line)).join('\n')}\n` });
    expect(reduce.status).toBe(0);
    ws.write('pq-part.jsonl', reduce.stdout);
    ws.write('pq-context.jsonl', lines.stdout);
    const merged = await runCliAsync(['merge', ws.path('pq-part.jsonl'), '--context', ws.path('pq-context.jsonl'), '--format', 'json']);
    expect(merged.stdout).toBe((await runCliAsync(['analyze', 'samples', '--format', 'json'])).stdout);
  });

  it('prints what analyze prints, with its exit status, in every format', async () => {
    const inputs = ['samples', 'test/judge-free'];
    const digest = await runCliAsync(['digest', ...inputs, '--buckets', '16']);
    expect(digest.status).toBe(0);
    const context = ws.path('digests.jsonl');
    ws.write('digests.jsonl', digest.stdout);
    // Two parts: buckets 0-7 and 8-15, each given the context lines on its input.
    const lines = sorted(digest.stdout).trimEnd().split('\n');
    const ctx = lines.filter((l) => l.startsWith('{"bucket":-1,'));
    const parts: string[] = [];
    for (const [i, low] of [0, 8].entries()) {
      const mine = lines.filter((l) => {
        const b = (JSON.parse(l) as { bucket: number }).bucket;
        return b >= low && b < low + 8;
      });
      const reduce = await runCliAsync(['reduce'], { input: `${[...ctx, ...mine].join('\n')}\n` });
      expect(reduce.stderr).toBe('');
      expect(reduce.status).toBe(0);
      ws.write(`part-${i}.jsonl`, reduce.stdout);
      parts.push(ws.path(`part-${i}.jsonl`));
    }
    for (const format of ['text', 'json', 'sarif', 'junit']) {
      const merged = await runCliAsync(['merge', ...parts, '--context', context, '--format', format]);
      const local = await runCliAsync(['analyze', ...inputs, '--format', format]);
      expect(merged.stdout, format).toBe(local.stdout);
      expect(merged.status, format).toBe(local.status);
      expect(merged.status).toBe(1);
    }
  });

  it('digest takes its inputs from --paths-from - and refuses a URL there, naming the line', async () => {
    const listed = await runCliAsync(['digest', '--paths-from', '-'], { input: 'samples/search-sess-refund-7f3a.json\n\n' });
    const direct = await runCliAsync(['digest', 'samples/search-sess-refund-7f3a.json']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toBe(direct.stdout);
    expect(listed.stdout.split('\n').filter((l) => l.startsWith('{"bucket":-1,"v":1,"kind":"tally"'))).toHaveLength(1);
    const url = await runCliAsync(['digest', '--paths-from', '-'], { input: 'samples/search-sess-refund-7f3a.json\ns3://bucket/traces.jsonl\n' });
    expect(url.status).toBe(2);
    expect(url.stderr).toContain('(stdin):2: s3://bucket/traces.jsonl: a URL; digest reads local or mounted paths');
    const none = await runCliAsync(['digest']);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('digest needs an input: a file, a directory');
    const buckets = await runCliAsync(['digest', 'samples', '--buckets', '0']);
    expect(buckets.status).toBe(2);
    expect(buckets.stderr).toContain('--buckets: expected an integer from 1 to 1048576, found 0');
  });

  it('reduce stops on unsorted lines with exit 2 and says how to sort them', async () => {
    const digest = await runCliAsync(['digest', 'samples', '--buckets', '1024']);
    const traces = digest.stdout
      .trimEnd()
      .split('\n')
      .filter((l) => !l.startsWith('{"bucket":-1,'));
    const buckets = traces.map((l) => (JSON.parse(l) as { bucket: number }).bucket);
    expect(new Set(buckets).size).toBeGreaterThan(1);
    const descending = [...traces].sort((a, b) => (JSON.parse(b) as { bucket: number }).bucket - (JSON.parse(a) as { bucket: number }).bucket);
    const reduce = await runCliAsync(['reduce'], { input: `${descending.join('\n')}\n` });
    expect(reduce.status).toBe(2);
    expect(reduce.stderr).toMatch(/tracetriage: \(stdin\):\d+: bucket \d+ after bucket \d+: sort the digest lines by bucket, then session/);
  });

  it('merge refuses a file that is not a part, and a missing file, by name', async () => {
    const notPart = await runCliAsync(['merge', 'samples/search-sess-refund-7f3a.json', '--context', 'samples/search-sess-refund-7f3a.json']);
    expect(notPart.status).toBe(2);
    expect(notPart.stderr).toContain('the context has no tally line');
    ws.write('ctx.jsonl', '{"bucket":-1,"v":1,"kind":"tally","traces":1,"duplicates":0,"outsideSelection":0,"rejected":0}\n');
    const missing = await runCliAsync(['merge', ws.path('nope.jsonl'), '--context', ws.path('ctx.jsonl')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('nope.jsonl: no such file');
    expect(readFileSync(ws.path('ctx.jsonl'), 'utf8')).toContain('tally');
  });
});
