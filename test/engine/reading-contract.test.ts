import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReadEvent } from '../../src/engine/read/read.js';
import { explainLine } from '../../src/ingest/rescan.js';
import { RecordScanner, type ScannedRecord } from '../../src/ingest/scanner.js';
import { makeWorkspace, readAll, readStdin, runCliAsync, type ValidateJson } from '../helpers/make-inputs.js';

// The reading contract (issue 12): every record in is a trace or a rejection with its provenance,
// records = valid + rejected, and nothing after a bad record moves or disappears. One describe per
// class of input; each checks the real binary's counts and the positions of what follows.

const SAMPLE = readFileSync(new URL('../../samples/otel-genai.jsonl', import.meta.url), 'utf8').split('\n');
const L1 = SAMPLE[0]!;
const L2 = SAMPLE[1]!;
const N1 = Buffer.byteLength(L1) + 1; // line 1 and its line feed
const N2 = Buffer.byteLength(L2) + 1;

const ws = makeWorkspace('tracetriage-contract-');
afterAll(() => ws.cleanup());

const TIMEOUT = 120_000;

/** Runs `validate --format json` on one input and checks that the counts reconcile. */
async function validate(args: readonly string[], input?: Buffer): Promise<ValidateJson & { status: number | null; text: string }> {
  const run = await runCliAsync(['validate', ...args, '--format', 'json'], { cwd: ws.dir, ...(input ? { input } : {}) });
  const out = JSON.parse(run.stdout) as ValidateJson;
  expect(out.records).toBe(out.valid + out.rejected);
  expect(out.rejections).toHaveLength(out.rejected);
  return { ...out, status: run.status, text: run.stderr };
}

/** The count line of the text output: `N records: V valid, R rejected`. */
async function countLine(args: readonly string[]): Promise<string> {
  const run = await runCliAsync(['validate', ...args, '--no-warnings'], { cwd: ws.dir });
  return run.stdout.trimEnd().split('\n').at(-1)!;
}

/** Index, line, column and offset of every trace and rejection, in order. */
function positions(events: readonly ReadEvent[]): Array<[string, number, number, number, number]> {
  const out: Array<[string, number, number, number, number]> = [];
  for (const e of events) {
    const p = e.type === 'trace' ? e.provenance : e.type === 'rejected' ? e.rejection.provenance : null;
    if (p !== null) out.push([e.type === 'trace' ? 'trace' : `rejected ${e.type === 'rejected' ? e.rejection.code : ''}`, p.index, p.line, p.column, p.offset]);
  }
  return out;
}

describe('JSON Lines: one line is one record, always', () => {
  it(
    'a line holding two traces is one rejected record, and the records after it keep their index, line and offset',
    async () => {
      const file = ws.write('two-on-a-line.jsonl', `${L1}\n${L1}${L2}\n${L2}\n{"a":1}}\n${L1}\n`);
      const out = await validate([file]);
      expect([out.records, out.valid, out.rejected, out.status]).toEqual([5, 3, 2, 1]);
      expect(out.rejections.map((r) => [r.index, r.line, r.column, r.offset, r.length, r.code, r.message, r.at])).toEqual([
        [
          1,
          2,
          1,
          N1,
          N1 - 1 + N2 - 1,
          'invalid-json',
          `two values on one line: a second value starts at byte ${N1 + N1 - 1} (column ${N1}); a JSON line holds one record`,
          { offset: N1 + N1 - 1, line: 2, column: N1 },
        ],
        // `}` after a value is no second value: JSON.parse's complaint names the stray byte.
        [3, 4, 1, 2 * N1 + 2 * N2 - 1, 8, 'invalid-json', "not valid JSON: unexpected '}'", { offset: 2 * N1 + 2 * N2 - 1 + 7, line: 4, column: 8 }],
      ]);
      expect(await countLine([file])).toBe('5 records: 3 valid, 2 rejected');
      expect(positions(await readAll([file]))).toEqual([
        ['trace', 0, 1, 1, 0],
        ['rejected invalid-json', 1, 2, 1, N1],
        ['trace', 2, 3, 1, N1 + N1 - 1 + N2],
        ['rejected invalid-json', 3, 4, 1, N1 + N1 - 1 + N2 + N2],
        ['trace', 4, 5, 1, N1 + N1 - 1 + N2 + N2 + 9],
      ]);
    },
    TIMEOUT,
  );

  it(
    'the first line decides: two values on it are concatenated JSON (two records); a later line holding two is one rejection',
    async () => {
      const input = Buffer.from(`${L1} ${L2}\n${L1}\n${L1}${L2}\n`);
      expect(positions(await readStdin(input))).toEqual([
        ['trace', 0, 1, 1, 0],
        ['trace', 1, 1, N1 + 1, N1],
        ['trace', 2, 2, 1, N1 + N2],
        ['rejected invalid-json', 3, 3, 1, N1 + N2 + N1],
      ]);
      const out = await validate(['-'], input);
      expect([out.records, out.valid, out.rejected]).toEqual([4, 3, 1]);
    },
    TIMEOUT,
  );

  it('concatenated documents on one line (no line break anywhere) are each a record, as before', async () => {
    expect(positions(await readStdin(Buffer.from(`${L1}${L2}${L1}`)))).toEqual([
      ['trace', 0, 1, 1, 0],
      ['trace', 1, 1, N1, N1 - 1],
      ['trace', 2, 1, N1 + N2 - 1, N1 + N2 - 2],
    ]);
  });

  it('explains a refused line without cutting it: cut short, or a second value', () => {
    const lineOf = (text: string): ScannedRecord => {
      const records: ScannedRecord[] = [];
      const scanner = new RecordScanner('t', { record: (r) => records.push(r), note: () => undefined });
      scanner.push(Buffer.from(`{"a":1}\n${text}\n`));
      scanner.finish();
      return records[1]!;
    };
    expect(explainLine(lineOf('{"b": [1, 2'))).toMatchObject({ code: 'cut-short-line', line: 2 });
    expect(explainLine(lineOf('{"b":2} {"c":3}'))).toEqual({
      code: 'invalid-json',
      message: 'two values on one line: a second value starts at byte 16 (column 9); a JSON line holds one record',
      offset: 16,
      line: 2,
      column: 9,
    });
    expect(explainLine(lineOf('{"b":2} [1]'))?.offset).toBe(16);
    // Garbage after the value: JSON.parse's own complaint says it best.
    expect(explainLine(lineOf('{"b":2}}'))).toBeNull();
    expect(explainLine(lineOf('{"b":2} xyz'))).toBeNull();
  });
});

describe('a line that opens an array, an object or a string and never closes it', () => {
  const broken = [
    ['an unclosed [', '[{"info": {"a": 1}', 'cut-short-line'],
    ['an unclosed {', '{"info": {"a": 1}', 'cut-short-line'],
    ['an unclosed string', '{"info": "abc', 'cut-short-line'],
    ['an unclosed bare array', '[1, 2', 'cut-short-line'],
    ['a bare string left open', '"abc', 'invalid-json'],
  ] as const;
  it.concurrent.each(broken)(
    '%s on line 2 swallows nothing: the lines after it are read',
    async (name, line, code) => {
      const file = ws.write(`unclosed-${broken.findIndex(([n]) => n === name)}.jsonl`, `${L1}\n${line}\n${L2}\n${L2}\n`);
      const out = await validate([file]);
      expect([out.records, out.valid, out.rejected]).toEqual([4, 3, 1]);
      expect(out.rejections.map((r) => [r.index, r.line, r.offset, r.length, r.code])).toEqual([[1, 2, N1, Buffer.byteLength(line), code]]);
      expect(await countLine([file])).toBe('4 records: 3 valid, 1 rejected');
      const after = N1 + Buffer.byteLength(line) + 1;
      expect(positions(await readAll([file]))).toEqual([
        ['trace', 0, 1, 1, 0],
        [`rejected ${code}`, 1, 2, 1, N1],
        ['trace', 2, 3, 1, after],
        ['trace', 3, 4, 1, after + N2],
      ]);
    },
    TIMEOUT,
  );

  it.concurrent.each([
    ['[{"info": {"a": 1}', 1, 'the top-level array is not closed'],
    ['{"traces": [{"info": {"a": 1}', 12, 'the {"traces": [...]} envelope is not closed'],
    ['["abc', 1, 'the top-level array is not closed'],
  ] as const)(
    'on the first line (before the input is known to be JSON Lines), %s gives its envelope up at the line break',
    async (line, element, why) => {
      const input = Buffer.from(`${line}\n${L1}\n${L2}\n`);
      const events = await readStdin(input);
      const after = Buffer.byteLength(line) + 1;
      expect(positions(events)).toEqual([
        ['rejected cut-short-line', 0, 1, element + 1, element],
        ['trace', 1, 2, 1, after],
        ['trace', 2, 3, 1, after + N1],
      ]);
      expect(events.flatMap((e) => (e.type === 'note' ? [[e.note.kind, e.note.line, e.note.offset, e.note.message.startsWith(why)]] : []))).toEqual([['unclosed-envelope', 2, after, true]]);
      const out = await validate(['-'], input);
      expect([out.records, out.valid, out.rejected]).toEqual([3, 2, 1]);
    },
    TIMEOUT,
  );

  it('a pretty-printed bare array and pretty concatenated documents still read as before', async () => {
    const values = [JSON.parse(L1) as unknown, JSON.parse(L2) as unknown];
    const array = await readStdin(Buffer.from(`${JSON.stringify(values, null, 2)}\n`));
    expect(array.filter((e) => e.type === 'trace')).toHaveLength(2);
    expect(array.filter((e) => e.type === 'rejected')).toHaveLength(0);
    const docs = await readStdin(Buffer.from(values.map((v) => `${JSON.stringify(v, null, 2)}\n`).join('')));
    expect(positions(docs).map(([kind, index, line]) => [kind, index, line])).toEqual([
      ['trace', 0, 1],
      ['trace', 1, JSON.stringify(values[0], null, 2).split('\n').length + 1],
    ]);
  });
});

describe('gzip: members, trailing bytes, a member cut short', () => {
  const member1 = gzipSync(`${L1}\n`);
  const member2 = gzipSync(`${L2}\n`);

  it(
    'several members (cat a.gz b.gz) are read in order, offsets counting the gunzipped bytes',
    async () => {
      const file = ws.write('members.jsonl.gz', Buffer.concat([member1, member2]));
      expect(positions(await readAll([file]))).toEqual([
        ['trace', 0, 1, 1, 0],
        ['trace', 1, 2, 1, N1],
      ]);
      expect(await countLine([file])).toBe('2 records: 2 valid, 0 rejected');
    },
    TIMEOUT,
  );

  it(
    'members made by the real gzip command, concatenated',
    async () => {
      const a = execFileSync('gzip', ['-c'], { input: `${L1}\n` });
      const b = execFileSync('gzip', ['-c', '-9'], { input: `${L2}\n${L1}\n` });
      const file = ws.write('gzip-cat.gz', Buffer.concat([a, b]));
      const out = await validate([file]);
      expect([out.records, out.valid, out.rejected, out.notes]).toEqual([3, 3, 0, []]);
    },
    TIMEOUT,
  );

  it.concurrent.each([
    ['garbage', Buffer.from('not gzip at all'), 'they do not start with the gzip magic bytes'],
    ['zero padding', Buffer.alloc(512), 'zero padding'],
    ['a second member cut in its header', member2.subarray(0, 6), 'a gzip header cut short'],
  ])(
    'trailing %s after a complete member: the member is read and the bytes named in a note',
    async (name, tail, why) => {
      const file = ws.write(`trailing-${name.replace(/\W+/g, '-')}.gz`, Buffer.concat([member1, member2, tail]));
      const out = await validate([file]);
      expect([out.records, out.valid, out.rejected, out.status]).toEqual([2, 2, 0, 0]);
      expect(out.notes).toEqual([
        {
          source: file,
          kind: 'trailing-bytes',
          message: `${tail.length} byte(s) after the last gzip member (from compressed byte ${member1.length + member2.length}) were ignored, as gzip -dc does: ${why}`,
        },
      ]);
    },
    TIMEOUT,
  );

  it(
    'a second member cut short keeps the first member and what the second gave before the cut',
    async () => {
      const file = ws.write('cut-member.gz', Buffer.concat([member1, member2.subarray(0, member2.length >> 1)]));
      const out = await validate([file]);
      expect([out.records, out.valid]).toEqual([2, 1]);
      expect(out.rejections.map((r) => [r.index, r.line, r.offset, r.code])).toEqual([[1, 2, N1, 'truncated']]);
      expect(out.notes.map((n) => [n.kind, n.message.startsWith('reading stopped at byte ')])).toEqual([['read-error', true]]);
    },
    TIMEOUT,
  );
});

describe('a tar of only zero blocks is an empty archive', () => {
  const cases: Array<[string, () => Buffer]> = [
    ['10240 zero bytes', () => Buffer.alloc(10240)],
    ['tar cf empty.tar --files-from /dev/null', () => execFileSync('tar', ['cf', '-', '--files-from', '/dev/null'])],
    ['the same, gzipped', () => gzipSync(Buffer.alloc(10240))],
  ];
  it.concurrent.each(cases)(
    '%s',
    async (name, make) => {
      const file = ws.write(`empty-${name.replace(/\W+/g, '-')}.tar`, make());
      const out = await validate([file]);
      // No trace could be read: exit 2, as for an empty file (docs/commands.md "Exit status").
      expect([out.records, out.valid, out.rejected, out.status]).toEqual([0, 0, 0, 2]);
      expect(out.notes).toEqual([{ source: file, kind: 'empty-archive', message: 'an empty tar archive (10240 zero bytes, no entry): no records' }]);
    },
    TIMEOUT,
  );

  it('zero bytes that are not a whole number of blocks are no archive: named once as not JSON', async () => {
    const events = await readStdin(Buffer.alloc(1000));
    expect(positions(events)).toEqual([]);
    expect(events.flatMap((e) => (e.type === 'note' ? [[e.note.kind, e.note.message]] : []))).toEqual([
      ['unsupported', 'not JSON (starts with "............"): no line of its first 1000 bytes starts a JSON value, so it is not a trace export'],
    ]);
  });
});

describe('a gzip bomb of NULs or spaces', () => {
  const BOMB = 24 << 20;

  it(
    'a run of NULs is one rejection naming its offset and length, held no further than 64 KiB, and reading goes on',
    async () => {
      const file = ws.write('bomb.jsonl.gz', gzipSync(Buffer.concat([Buffer.from(`${L1}\n`), Buffer.alloc(BOMB), Buffer.from(`\n${L2}\n`)])));
      const out = await validate([file]);
      expect([out.records, out.valid, out.rejected]).toEqual([3, 2, 1]);
      expect(out.rejections.map((r) => [r.index, r.line, r.offset, r.length, r.code, r.message])).toEqual([
        [1, 2, N1, BOMB, 'not-json', `not JSON: a run of ${BOMB} bytes that starts with byte 0x00; skipped unread to the end of its line`],
      ]);
      expect(positions(await readAll([file]))).toEqual([
        ['trace', 0, 1, 1, 0],
        ['rejected not-json', 1, 2, 1, N1],
        ['trace', 2, 3, 1, N1 + BOMB + 1],
      ]);
    },
    TIMEOUT,
  );

  it('the scanner holds none of a refused run: its record carries no bytes', () => {
    const records: ScannedRecord[] = [];
    const scanner = new RecordScanner('t', { record: (r) => records.push(r), note: () => undefined });
    const zeros = Buffer.alloc(1 << 20);
    for (let i = 0; i < 8; i++) scanner.push(zeros);
    scanner.push(Buffer.from(`\n${L1}\n`));
    scanner.finish();
    expect(records.map((r) => [r.provenance.index, r.provenance.offset, r.provenance.length, r.bytes.length, r.refused ?? false, r.problem?.code])).toEqual([
      [0, 0, 8 << 20, 0, true, 'not-json'],
      [1, (8 << 20) + 1, N1 - 1, N1 - 1, false, undefined],
    ]);
  });

  it(
    'spaces before a trace are white space, not a record',
    async () => {
      const file = ws.write('spaces.json.gz', gzipSync(Buffer.concat([Buffer.alloc(BOMB, 0x20), Buffer.from(`${L1}\n`)])));
      const out = await validate([file]);
      expect(out.rejections.map((r) => r.code)).toEqual([]);
      expect([out.records, out.valid]).toEqual([1, 1]);
    },
    TIMEOUT,
  );

  it('a long top-level value that is no object (a huge string) is refused as not a trace, unheld', () => {
    const records: ScannedRecord[] = [];
    const scanner = new RecordScanner('t', { record: (r) => records.push(r), note: () => undefined });
    scanner.push(Buffer.from(`"${'x'.repeat(200_000)}"\n`));
    scanner.finish();
    expect(records.map((r) => [r.bytes.length, r.problem?.code, r.problem?.message])).toEqual([
      [0, 'not-a-trace', `not a trace: a value of 200002 bytes that starts with '"' (a trace is an object); skipped unread to the end of its line`],
    ]);
  });
});

describe('an input the tool does not read is named once for what it is', () => {
  const table = [
    'info.trace_id                        info.request_time         info.state  info.execution_duration  info.request_preview  info.response_preview',
    '-----------------------------------  ------------------------  ----------  -----------------------  --------------------  ---------------------',
    'tr-0123456789abcdef0123456789abcdef  2025-06-01T10:00:00Z      OK          1520                     {"messages": [{"r...  {"choices": [{"me...',
    'tr-fedcba9876543210fedcba9876543210  2025-06-01T10:01:00Z      ERROR       310                      {"messages": [{"r...  ',
    '',
    'Next page token: eyJvZmZzZXQiOiAyfQ==',
    '',
  ].join('\n');
  const kinds: Array<[string, Buffer, string]> = [
    [
      "MLflow's table output",
      Buffer.from(table),
      "MLflow's table output (`mlflow traces search` without `--output json`), not a trace export: run `mlflow traces search --experiment-id <id> --output json`",
    ],
    [
      'a zip archive',
      Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(600, 0x41)]),
      'a zip archive, not a trace export: tracetriage reads gzip and tar archives, not zip; unzip it and pass the directory',
    ],
  ];

  it.concurrent.each(kinds)(
    '%s: named directly, in a directory, and on stdin',
    async (name, bytes, message) => {
      const slug = name.replace(/\W+/g, '-');
      const file = ws.write(`named-${slug}`, bytes);
      const named = await validate([file]);
      expect([named.records, named.status, named.notes]).toEqual([0, 2, [{ source: file, kind: 'unsupported', message }]]);
      expect(named.text).toBe(`tracetriage: ${file}: ${message}\ntracetriage: exit 2: no trace could be read from the inputs: 1 input of a kind it does not read\n`);

      ws.write(`dir-${slug}/a-export.jsonl`, `${L1}\n`);
      const other = ws.write(`dir-${slug}/b-${slug}`, bytes);
      const dir = await validate([ws.path(`dir-${slug}`)]);
      expect([dir.records, dir.valid, dir.status, dir.notes]).toEqual([1, 1, 0, [{ source: other, kind: 'skipped', message }]]);

      const stdin = await validate(['-'], bytes);
      expect([stdin.records, stdin.status, stdin.notes]).toEqual([0, 2, [{ source: '<stdin>', kind: 'unsupported', message }]]);
    },
    TIMEOUT,
  );

  it(
    "SQLite's header: read as a store from a file (named or found), refused where SQLite cannot open it (stdin)",
    async () => {
      const bytes = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4080, 1)]);
      const file = ws.write('header-only.db', bytes);
      const unreadable = 'not readable as an SQLite database: file is not a database';
      const named = await validate([file]);
      expect([named.records, named.status, named.notes]).toEqual([0, 2, [{ source: file, kind: 'read-error', message: unreadable }]]);
      ws.write('dir-sqlite/a-export.jsonl', `${L1}\n`);
      const found = ws.write('dir-sqlite/b-mlflow.db', bytes);
      const dir = await validate([ws.path('dir-sqlite')]);
      expect([dir.records, dir.valid, dir.status, dir.notes]).toEqual([1, 1, 2, [{ source: found, kind: 'read-error', message: unreadable }]]);
      const stdin = await validate(['-'], bytes);
      const message = 'an SQLite database on standard input or inside an archive: an MLflow store (mlflow.db) is read from a file; extract it and pass its path (`tracetriage analyze mlflow.db`)';
      expect([stdin.records, stdin.status, stdin.notes]).toEqual([0, 2, [{ source: '<stdin>', kind: 'unsupported', message }]]);
    },
    TIMEOUT,
  );

  it('the table of an --extract-fields search is recognised too, and a JSON file starting with "info." text is not', async () => {
    const fields = 'info.trace_id                        info.state\n-----------------------------------  ----------\ntr-1                                 OK\n';
    expect((await readStdin(Buffer.from(fields))).map((e) => (e.type === 'note' ? e.note.kind : e.type))).toEqual(['unsupported']);
    const json = await readStdin(Buffer.from(`${L1}\n`));
    expect(json.filter((e) => e.type === 'trace')).toHaveLength(1);
  });
});
