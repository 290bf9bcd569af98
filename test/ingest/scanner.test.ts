import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTraces } from '../../src/engine/read/read.js';
import { explainLine, rescanRecord } from '../../src/ingest/rescan.js';
import { RecordScanner, type ScanNote, type ScannedRecord } from '../../src/ingest/scanner.js';

interface Cut {
  text: string;
  container: string;
  line: number;
  column: number;
  offset: number;
  problem?: string;
  nonFinite?: boolean;
}

function scan(input: string | Buffer, chunkSize = 1 << 20, options = {}): { cuts: Cut[]; notes: ScanNote[] } {
  const buf = typeof input === 'string' ? Buffer.from(input) : input;
  const records: ScannedRecord[] = [];
  const notes: ScanNote[] = [];
  // What the engine does: a fast-path record that JSON.parse refuses stays one record, rescanned
  // to say why (and to see NaN tokens the fast path did not look for).
  const take = (r: ScannedRecord): void => {
    let ok = true;
    try {
      JSON.parse(r.bytes.toString());
    } catch {
      ok = false;
    }
    const record = { ...r, bytes: Buffer.from(r.bytes) };
    if (r.unscanned && !ok) {
      const why = r.container === 'document' ? explainLine(r, options) : null;
      if (why !== null) record.problem = why;
      record.nonFinite = rescanRecord(r, options).some((part) => part.nonFinite);
    }
    records.push(record);
  };
  const scanner = new RecordScanner('t', { record: take, note: (n) => notes.push(n) }, options);
  for (let i = 0; i < buf.length; i += chunkSize) scanner.push(buf.subarray(i, i + chunkSize));
  scanner.finish();
  const cuts = records.map((r) => {
    const cut: Cut = {
      text: r.bytes.toString(),
      container: r.container,
      line: r.provenance.line,
      column: r.provenance.column,
      offset: r.provenance.offset,
    };
    expect(r.provenance.length).toBe(r.bytes.length);
    expect(buf.subarray(r.provenance.offset, r.provenance.offset + r.provenance.length).toString()).toBe(cut.text);
    if (r.problem) cut.problem = r.problem.code;
    if (r.nonFinite) cut.nonFinite = true;
    return cut;
  });
  return { cuts, notes };
}

const texts = (input: string, chunk?: number) => scan(input, chunk).cuts.map((c) => c.text);

describe('RecordScanner', () => {
  const cases: Array<{ name: string; input: string; expected: string[] }> = [
    { name: 'single document', input: '{"info": {"a": 1}, "data": {"spans": []}}\n', expected: ['{"info": {"a": 1}, "data": {"spans": []}}'] },
    { name: 'json lines', input: '{"a":1}\n{"b":2}\n\n{"c":"}{"}\n', expected: ['{"a":1}', '{"b":2}', '{"c":"}{"}'] },
    { name: 'bare array', input: '[\n  {"a": [1]},\n  {"b": 2}\n]\n', expected: ['{"a": [1]}', '{"b": 2}'] },
    {
      name: 'search envelope',
      input: '{\n  "traces": [\n    {"info": {}},\n    {"data": {"traces": [1]}}\n  ],\n  "next_page_token": null\n}\n',
      expected: ['{"info": {}}', '{"data": {"traces": [1]}}'],
    },
    { name: 'search envelope with the token first', input: '{"next_page_token": "x", "traces": [{"a": 1}]}', expected: ['{"a": 1}'] },
    { name: 'traces key that is not an array', input: '{"traces": {"a": 1}}', expected: ['{"traces": {"a": 1}}'] },
    { name: 'traces key below depth 1', input: '{"x": {"traces": [1, 2]}}', expected: ['{"x": {"traces": [1, 2]}}'] },
    { name: 'escaped quotes and backslashes', input: '{"a": "x\\"}\\\\"}{"b": "\\\\\\""}', expected: ['{"a": "x\\"}\\\\"}', '{"b": "\\\\\\""}'] },
    { name: 'scalars and strings in an array', input: '[1, "two", null, {"x": 3}]', expected: ['1', '"two"', 'null', '{"x": 3}'] },
    { name: 'garbage between records', input: '{"a":1}\nhello world\n{"b":2}\n', expected: ['{"a":1}', 'hello world', '{"b":2}'] },
    { name: 'concatenated pretty documents', input: '{\n  "a": 1\n}\n{\n  "b": 2\n}\n', expected: ['{\n  "a": 1\n}', '{\n  "b": 2\n}'] },
  ];
  for (const { name, input, expected } of cases) {
    it(`cuts ${name}`, () => {
      expect(texts(input)).toEqual(expected);
    });
    it(`cuts ${name} the same in 1-byte and 3-byte chunks`, () => {
      expect(texts(input, 1)).toEqual(expected);
      expect(texts(input, 3)).toEqual(expected);
    });
  }

  it('reports line, column and offset of each record', () => {
    const { cuts } = scan('{"a":1}\n  {"b":2}\n');
    expect(cuts.map(({ line, column, offset }) => ({ line, column, offset }))).toEqual([
      { line: 1, column: 1, offset: 0 },
      { line: 2, column: 3, offset: 10 },
    ]);
  });

  it('marks a record cut short at the end of input', () => {
    const { cuts } = scan('{"a":1}\n{"b": {"c": "unfinished');
    expect(cuts.map((c) => c.problem)).toEqual([undefined, 'truncated']);
    expect(cuts[1]!.text).toBe('{"b": {"c": "unfinished');
  });

  it('resynchronises after a cut-short JSON line', () => {
    const { cuts } = scan('{"a":1}\n{"b": {"c": 2\n{"d":3}\n');
    expect(cuts.map((c) => [c.text, c.problem])).toEqual([
      ['{"a":1}', undefined],
      ['{"b": {"c": 2', 'cut-short-line'],
      ['{"d":3}', undefined],
    ]);
  });

  it('resynchronises after a JSON line cut inside a string', () => {
    const { cuts } = scan('{"a":1}\n{"b": "cut\n{"d":3}\n');
    expect(cuts.map((c) => [c.text, c.problem])).toEqual([
      ['{"a":1}', undefined],
      ['{"b": "cut', 'cut-short-line'],
      ['{"d":3}', undefined],
    ]);
  });

  it('resynchronises when the first line is cut short and the next starts with {"', () => {
    const { cuts } = scan('{"b": {"c": 2\n{"d":3}\n');
    expect(cuts.map((c) => [c.text, c.problem])).toEqual([
      ['{"b": {"c": 2', 'cut-short-line'],
      ['{"d":3}', undefined],
    ]);
  });

  it('flags NaN and Infinity outside strings only', () => {
    const { cuts } = scan('{"a": NaN}\n{"b": "NaN Infinity"}\n{"c": -Infinity}\n');
    expect(cuts.map((c) => c.nonFinite ?? false)).toEqual([true, false, true]);
    const pretty = scan('{\n  "a": NaN\n}\n{\n  "b": "NaN"\n}\n');
    expect(pretty.cuts.map((c) => c.nonFinite ?? false)).toEqual([true, false]);
  });

  it('takes JSON lines by the fast path and rescans only the ones that fail', () => {
    const records: ScannedRecord[] = [];
    const scanner = new RecordScanner('t', { record: (r) => records.push(r), note: () => undefined });
    scanner.push(Buffer.from('{"a":1}\n{"b":2}\n{"c": [1, 2\n{"d":4} {"e":5}\n'));
    scanner.finish();
    expect(records.map((r) => [r.bytes.toString(), r.unscanned ?? false])).toEqual([
      ['{"a":1}', false],
      ['{"b":2}', true],
      ['{"c": [1, 2', true],
      ['{"d":4} {"e":5}', true],
    ]);
    expect(rescanRecord(records[2]!).map((r) => r.problem?.code)).toEqual(['cut-short-line']);
    const two = rescanRecord(records[3]!);
    expect(two.map((r) => [r.bytes.toString(), r.provenance.offset, r.provenance.line, r.provenance.column])).toEqual([
      ['{"d":4}', 28, 4, 1],
      ['{"e":5}', 36, 4, 9],
    ]);
  });

  it('skips a UTF-8 BOM with a note', () => {
    const { cuts, notes } = scan(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]));
    expect(cuts.map((c) => c.text)).toEqual(['{"a":1}']);
    expect(notes.map((n) => n.code)).toEqual(['bom']);
  });

  it('bounds nesting depth without recursion', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const { cuts } = scan(`[${'{"a":'.repeat(3)}1}}}, ${deep}]`, 1 << 16, { maxDepth: 512 });
    expect(cuts.map((c) => c.problem)).toEqual([undefined, 'too-deep']);
  });

  it('notes an unclosed envelope after the last complete trace', () => {
    const { cuts, notes } = scan('{"traces": [{"a": 1}, {"b": 2}');
    expect(cuts.map((c) => c.text)).toEqual(['{"a": 1}', '{"b": 2}']);
    expect(notes.map((n) => n.code)).toEqual(['unclosed-envelope']);
  });

  it('sends an oversized record to the oversized path', () => {
    const pieces: Buffer[] = [];
    const records: ScannedRecord[] = [];
    const big = `{"data": {"spans": [${'{"name": "s"},'.repeat(200)}{"name": "last"}]}}`;
    const input = Buffer.from(`{"a":1}\n${big}\n{"b":2}\n`);
    const scanner = new RecordScanner(
      't',
      {
        record: (r) => records.push(r),
        note: () => undefined,
        oversizedStart: (_p, head) => pieces.push(...head.map((h) => Buffer.from(h))),
        oversizedChunk: (c) => pieces.push(Buffer.from(c)),
      },
      { maxRecordBytes: 100 },
    );
    for (let i = 0; i < input.length; i += 64) scanner.push(input.subarray(i, i + 64));
    scanner.finish();
    expect(records.map((r) => r.oversized ?? false)).toEqual([false, true, false]);
    expect(Buffer.concat(pieces).toString()).toBe(big);
    expect(records[1]!.provenance.length).toBe(Buffer.byteLength(big));
    expect(records[2]!.bytes.toString()).toBe('{"b":2}');
  });

  it('cuts every upstream fixture into the expected number of records', () => {
    const expectations: Record<string, number> = {
      'v3.6_cli_traces_search_output_json.json': 2,
      'v3.4_cli_traces_search_output_json.json': 2,
      'v3.6_cli_traces_search_extract_fields.json': 1,
      'v2.19_trace_ok.json': 1,
    };
    for (const [file, count] of Object.entries(expectations)) {
      const buf = readFileSync(new URL(`../fixtures/${file}`, import.meta.url));
      const { cuts } = scan(buf, 512);
      expect(cuts.length, file).toBe(count);
      for (const c of cuts) expect(() => JSON.parse(c.text), file).not.toThrow();
    }
  });

  it('cuts the same records from real exports whatever the chunk size', () => {
    for (const file of ['search-sess-refund-7f3a.json', 'legacy-v2.json', 'otel-genai.jsonl']) {
      const buf = readFileSync(new URL(`../../samples/${file}`, import.meta.url));
      const reference = scan(buf).cuts;
      expect(reference.length, file).toBeGreaterThan(1);
      for (const c of reference) expect(() => JSON.parse(c.text), file).not.toThrow();
      for (const size of [1, 7, 64, 4093]) expect(scan(buf, size).cuts, `${file} in ${size}-byte chunks`).toEqual(reference);
    }
  });

  it('bounds depth inside array elements and search traces too', () => {
    const deep = '['.repeat(600) + ']'.repeat(600);
    for (const input of [`[{"a": ${deep}}, {"b": 1}]`, `{"traces": [{"a": ${deep}}, {"b": 1}]}`]) {
      for (const size of [1, 5, 1 << 20]) {
        expect(
          scan(input, size, { maxDepth: 512 }).cuts.map((c) => [c.text.slice(0, 6), c.problem]),
          input.slice(0, 12),
        ).toEqual([
          ['{"a": ', 'too-deep'],
          ['{"b": ', undefined],
        ]);
      }
    }
  });

  it('takes pretty-printed elements by their closing line, and rescans the ones that fail', () => {
    const element = (name: string, extra = ''): string => `    {\n      "info": {\n        "name": "${name}"${extra}\n      }\n    }`;
    const pretty = `{\n  "traces": [\n${[element('a'), element('b', ',\n        "score": NaN'), element('c')].join(',\n')}\n  ],\n  "next_page_token": null\n}\n`;
    const { cuts } = scan(pretty);
    expect(cuts.map((c) => [JSON.parse(c.text.replace('NaN', 'null')).info.name, c.line, c.nonFinite ?? false])).toEqual([
      ['a', 3, false],
      ['b', 8, true],
      ['c', 14, false],
    ]);
  });

  it('keeps a damaged pretty element one record, and reads on after it', async () => {
    const broken = '    {\n      "info": {\n        "name": "cut"';
    const good = '    {\n      "info": {\n        "trace_id": "tr-ok"\n      }\n    }';
    const pretty = `{\n  "traces": [\n${broken},\n${good},\n${good}\n  ]\n}\n`;
    const { cuts } = scan(pretty);
    // The damaged element runs to the first closing line at its indentation, the next element's.
    expect(cuts.map((c) => [c.line, c.text.split('\n').length])).toEqual([
      [3, 8],
      [11, 5],
    ]);
    const events = [];
    for await (const e of readTraces(['-'], { stdin: Readable.from([Buffer.from(pretty)]) })) {
      if (e.type === 'rejected') events.push(['rejected', e.rejection.code, e.rejection.provenance.line, e.rejection.at.line]);
      if (e.type === 'trace') events.push(['trace', e.provenance.line]);
    }
    expect(events).toEqual([
      ['rejected', 'invalid-json', 3, 6],
      ['trace', 11],
    ]);
  });
});

describe('strings with runs of backslashes before quotes, at every chunk boundary', () => {
  // scanDeep finds a string's end as the first quote after an even run of backslashes: records
  // whose strings hold runs of 1 to 5 backslashes, some before a quote, in a document and in an
  // array, cut in chunks of every size from 1 byte, and in a pretty-printed document (line feeds).
  const pieces = ['\\\\', '\\"', '\\\\\\"', '\\\\\\\\', 'a', '{', ']', 'é', '\\n', '\\u0022', '\\\\\\\\\\"'];
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const text = (): string => Array.from({ length: 1 + next(12) }, () => pieces[next(pieces.length)]!).join('');
  const records = Array.from({ length: 12 }, (_, i) =>
    JSON.stringify({ info: { trace_id: `tr-${i}\\` }, data: { spans: [{ name: text(), attributes: { in: text(), out: `${text()}\\\\` } }] } }).replace(/\\\\\\\\/g, '\\\\'),
  );

  it('cuts a JSON array of them where JSON.parse sees the elements', () => {
    const input = `[${records.join(', ')}]`;
    const expected = (JSON.parse(input) as unknown[]).map((r) => JSON.stringify(r));
    for (const size of [1, 2, 3, 5, 7, 11, 64, input.length]) {
      expect(
        texts(input, size).map((t) => JSON.stringify(JSON.parse(t))),
        `chunks of ${size}`,
      ).toEqual(expected);
    }
  });

  it('cuts a pretty-printed {"traces": [...]} of them the same way', () => {
    const input = JSON.stringify({ traces: records.map((r) => JSON.parse(r) as unknown) }, null, 2);
    const expected = records.map((r) => JSON.stringify(JSON.parse(r)));
    for (const size of [1, 3, 7, 64, input.length]) {
      expect(
        texts(input, size).map((t) => JSON.stringify(JSON.parse(t))),
        `chunks of ${size}`,
      ).toEqual(expected);
    }
  });
});
