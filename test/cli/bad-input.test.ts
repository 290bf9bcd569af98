import { existsSync } from 'node:fs';
import { gunzipSync, constants as zlibConstants } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadEvent } from '../../src/engine/read/read.js';
import {
  CLI,
  fixture,
  fixtureLine,
  fixtureValue,
  gzip,
  gzipWithFlushPoint,
  jsonl,
  makeWorkspace,
  readAll,
  runCli,
  runCliAsync,
  tarball,
  type CliRun,
  type ValidateJson,
  type Workspace,
} from '../helpers/make-inputs.js';

const OK = 'v3.6_trace_ok_assessments_session.json';
const ERR = 'v3.6_trace_error.json';
const OK_FILE = fixture(OK); // pretty: 7001 bytes, 193 lines
const ERR_FILE = fixture(ERR);
const OK_LINE = fixtureLine(OK);
const ERR_LINE = fixtureLine(ERR);
const A = Buffer.byteLength(OK_LINE);
const B = Buffer.byteLength(ERR_LINE);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const cat = (...parts: Array<string | Buffer>): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));

/** 1-based line of byte `offset` (line breaks before it, plus one). */
function lineOf(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
  return line;
}

/** 1-based byte column of byte `offset`. */
function columnOf(bytes: Buffer, offset: number): number {
  return offset - (bytes.lastIndexOf(0x0a, offset - 1) + 1) + 1;
}

/** A copy of the OK fixture with the first span's start time set to a string. */
function withBadStartTime(): Record<string, unknown> {
  const value = fixtureValue(OK);
  const spans = (value.data as { spans: Array<Record<string, unknown>> }).spans;
  spans[0]!.start_time_unix_nano = 'abc';
  return value;
}

/** `bytes` with 0xff inserted inside the first `"name": "…"` string value (a span name). */
function withInvalidByte(bytes: Buffer, nameKey: string): Buffer {
  const at = bytes.indexOf(nameKey) + Buffer.byteLength(nameKey) + 2; // two characters into the value
  return cat(bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at));
}

/** Python's json.dumps output: NaN / Infinity / -Infinity as bare tokens; the same words in a string. */
const NAN_TEXT = 'NaN, Infinity and -Infinity in a string stay text';
function withNonFinite(pretty: boolean): string {
  const value = fixtureValue(OK);
  const info = value.info as { tags: Record<string, string>; assessments: Array<Record<string, unknown>> };
  info.tags.note = NAN_TEXT;
  info.assessments[0]!.feedback = { value: '__NAN__' };
  info.assessments[4]!.feedback = { value: '__INF__' };
  info.assessments.push({ ...info.assessments[0], assessment_id: 'a-neg', feedback: { value: '__NEGINF__' } });
  return JSON.stringify(value, null, pretty ? 2 : undefined)
    .replace('"__NAN__"', 'NaN')
    .replace('"__INF__"', 'Infinity')
    .replace('"__NEGINF__"', '-Infinity');
}

const DEPTH = 100_000;
/** A record nested 100,000 levels deep, one opening bracket per line (pretty-printed). */
const DEEP_PRETTY = `{"info": ${'[\n'.repeat(DEPTH)}${']'.repeat(DEPTH)}}\n`;
/** The same depth on one line. */
const DEEP_LINE = `{"x": ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`;
/** A valid trace whose first span carries a 100,000-deep attribute value, on one line. */
function deepAttributeLine(): string {
  const value = fixtureValue(OK);
  const spans = (value.data as { spans: Array<{ attributes: Record<string, unknown> }> }).spans;
  spans[0]!.attributes.deep = '__DEEP__';
  return JSON.stringify(value).replace('"__DEEP__"', `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`);
}

/**
 * A REST GetTrace body on one line whose span attribute is an OTLP array_value nested 25,000 times
 * (100,000 JSON levels): JSON.parse takes it, then the attribute must be read without recursion.
 */
function deepOtlpRestLine(): string {
  const n = DEPTH / 4;
  const deep = `${'{"array_value":{"values":['.repeat(n)}{"string_value":"x"}${']}}'.repeat(n)}`;
  const body = {
    trace: {
      trace_info: { trace_id: 'tr-deep', request_time: '2026-11-24T04:26:59.740Z', execution_duration: '0.062s', state: 'OK' },
      spans: [
        {
          trace_id: 'X+qRRDvIvaef8VpauQ//lA==',
          span_id: 'W1WIltQ/tXw=',
          name: 'agent',
          start_time_unix_nano: 1795494419740777000, // the double nearest 1795494419740777036
          end_time_unix_nano: 1795494419803228700,
          status: { code: 'STATUS_CODE_OK' },
          attributes: [{ key: 'deep', value: '__DEEP__' }],
        },
      ],
    },
  };
  return JSON.stringify(body).replace('"__DEEP__"', deep);
}

const NOT_A_TRACE_EXPECTED = 'a trace: an object with info and data (Trace.to_json), trace (REST), spans (traces.json) or a TraceInfo';

interface ExpectedRejection {
  /** Where provenance points, when not the case's file (an archive entry). */
  source?: string;
  index: number;
  offset: number;
  line: number;
  column: number;
  code: string;
  message: string;
  at: { offset: number; line: number; column?: number };
  json_path?: string;
  expected?: string;
  found?: string;
}

interface ExpectedNote {
  source?: string;
  kind: string;
  message: string;
  offset?: number;
  line?: number;
}

interface BadCase {
  name: string;
  /** The file name (relative to the workspace; the CLI runs there, so provenance shows this name). */
  file: string;
  /** The file's bytes; `null`: the file does not exist. */
  bytes: Buffer | null;
  /** Indexes of the records read as traces. */
  valid: number[];
  rejected: ExpectedRejection[];
  notes: ExpectedNote[];
  /** Trace warnings as `index code`. */
  warnings?: string[];
  exit: 0 | 1 | 2;
}

// Built before the table: cases need positions inside these inputs.
const DEEP_LINE_FIRST = jsonl([DEEP_LINE, OK_LINE]);
const DEEP_LINE_SECOND = jsonl([OK_LINE, DEEP_LINE, ERR_LINE]);
const DEEP_ATTRIBUTE = jsonl([OK_LINE, deepAttributeLine(), ERR_LINE]);
const UTF8_LINES = cat(OK_LINE, '\n', withInvalidByte(Buffer.from(ERR_LINE), '"name":"'), '\n', OK_LINE, '\n');
const UTF8_PRETTY = cat(ERR_FILE, withInvalidByte(OK_FILE, '"name": "'));
/** Just after `"state":"ERROR",` of the ERR line: a cut between values, outside any string. */
const CUT_OUTSIDE_STRING = ERR_LINE.indexOf('"state":');
const SCHEMA_LINE = JSON.stringify(withBadStartTime());
const CUT_PRETTY = OK_FILE.subarray(0, 3500);
const NAN_PRETTY = withNonFinite(true);
const NAN_LINES = jsonl([ERR_LINE, withNonFinite(false), OK_LINE]);

const schemaRejection = (index: number, offset: number, line: number): ExpectedRejection => ({
  index,
  offset,
  line,
  column: 1,
  code: 'schema',
  message: 'at $.data.spans[0].start_time_unix_nano: expected an integer (nanoseconds since the epoch), found string "abc"',
  at: { offset, line },
  json_path: '$.data.spans[0].start_time_unix_nano',
  expected: 'an integer (nanoseconds since the epoch)',
  found: 'string "abc"',
});

const cases: BadCase[] = [
  {
    name: 'a pretty single trace cut in the middle',
    file: 'cut.json',
    bytes: CUT_PRETTY,
    valid: [],
    rejected: [{ index: 0, offset: 0, line: 1, column: 1, code: 'truncated', message: 'input ended inside a string', at: { offset: 3500, line: 102 } }],
    notes: [],
    exit: 1,
  },
  {
    name: 'a good pretty trace, then one cut in the middle',
    file: 'good-then-cut.json',
    bytes: cat(ERR_FILE, CUT_PRETTY),
    valid: [0],
    rejected: [
      {
        index: 1,
        offset: ERR_FILE.length,
        line: lineOf(ERR_FILE, ERR_FILE.length),
        column: 1,
        code: 'truncated',
        message: 'input ended inside a string',
        at: { offset: ERR_FILE.length + 3500, line: lineOf(ERR_FILE, ERR_FILE.length) + 101 },
      },
    ],
    notes: [],
    exit: 1,
  },
  {
    name: 'JSON Lines, the last line cut (no final line break)',
    file: 'cut-last.jsonl',
    bytes: cat(jsonl([OK_LINE, ERR_LINE]), OK_LINE.slice(0, 100)),
    valid: [0, 1],
    rejected: [{ index: 2, offset: A + B + 2, line: 3, column: 1, code: 'truncated', message: 'input ended inside a string', at: { offset: A + B + 102, line: 3 } }],
    notes: [],
    exit: 1,
  },
  {
    name: 'JSON Lines, the last line cut, then a line break',
    file: 'cut-last-nl.jsonl',
    bytes: Buffer.from(jsonl([OK_LINE, ERR_LINE, OK_LINE.slice(0, 100)])),
    valid: [0, 1],
    rejected: [
      {
        index: 2,
        offset: A + B + 2,
        line: 3,
        column: 1,
        code: 'cut-short-line',
        message: 'the line ends before its JSON value is complete (inside a string)',
        at: { offset: A + B + 102, line: 3 },
      },
    ],
    notes: [],
    exit: 1,
  },
  {
    name: 'JSON Lines, a middle line cut: the next line is still read',
    file: 'cut-middle.jsonl',
    bytes: Buffer.from(jsonl([OK_LINE, ERR_LINE.slice(0, 200), OK_LINE])),
    valid: [0, 2],
    rejected: [
      {
        index: 1,
        offset: A + 1,
        line: 2,
        column: 1,
        code: 'cut-short-line',
        message: 'the line ends before its JSON value is complete (inside a string)',
        at: { offset: A + 201, line: 2 },
      },
    ],
    notes: [],
    exit: 1,
  },
  {
    name: 'JSON Lines, the first line cut between values (before the input showed itself as JSON Lines)',
    file: 'cut-first.jsonl',
    bytes: Buffer.from(jsonl([ERR_LINE.slice(0, CUT_OUTSIDE_STRING), OK_LINE, OK_LINE])),
    valid: [1, 2],
    rejected: [
      {
        index: 0,
        offset: 0,
        line: 1,
        column: 1,
        code: 'cut-short-line',
        message: 'the line ends before its JSON value is complete (a cut-short JSON line)',
        at: { offset: CUT_OUTSIDE_STRING, line: 1 },
      },
    ],
    notes: [],
    exit: 1,
  },
  {
    // A raw line break is never valid inside a JSON string, and the next line starts with {" at
    // column 1: the cut line must end there, as it does between values, not swallow the next line.
    name: 'JSON Lines, the first line cut inside a string: the next line is still read',
    file: 'cut-first-in-string.jsonl',
    bytes: Buffer.from(jsonl([ERR_LINE.slice(0, 200), OK_LINE, OK_LINE])),
    valid: [1, 2],
    rejected: [
      {
        index: 0,
        offset: 0,
        line: 1,
        column: 1,
        code: 'cut-short-line',
        message: 'the line ends inside a string (a cut-short JSON line)',
        at: { offset: 200, line: 1 },
      },
    ],
    notes: [],
    exit: 1,
  },
  {
    name: 'garbage between JSON lines',
    file: 'garbage.jsonl',
    bytes: Buffer.from(jsonl([OK_LINE, 'hello world', ERR_LINE])),
    valid: [0, 2],
    rejected: [{ index: 1, offset: A + 1, line: 2, column: 1, code: 'invalid-json', message: "not valid JSON: expected a value, found 'h'", at: { offset: A + 1, line: 2, column: 1 } }],
    notes: [],
    exit: 1,
  },
  {
    name: 'garbage between pretty documents',
    file: 'garbage.json',
    bytes: cat(ERR_FILE, 'hello world\n', OK_FILE),
    valid: [0, 2],
    rejected: [
      {
        index: 1,
        offset: ERR_FILE.length,
        line: lineOf(ERR_FILE, ERR_FILE.length),
        column: 1,
        code: 'invalid-json',
        message: "not valid JSON: expected a value, found 'h'",
        at: { offset: ERR_FILE.length, line: lineOf(ERR_FILE, ERR_FILE.length), column: 1 },
      },
    ],
    notes: [],
    exit: 1,
  },
  {
    name: 'a JSON line that is not a trace',
    file: 'hello.jsonl',
    bytes: Buffer.from(jsonl([OK_LINE, '{"hello": 1}', ERR_LINE])),
    valid: [0, 2],
    rejected: [
      {
        index: 1,
        offset: A + 1,
        line: 2,
        column: 1,
        code: 'not-a-trace',
        message: `not a trace: expected ${NOT_A_TRACE_EXPECTED}, found object with key hello`,
        at: { offset: A + 1, line: 2 },
        json_path: '$',
        expected: NOT_A_TRACE_EXPECTED,
        found: 'object with key hello',
      },
    ],
    notes: [],
    exit: 1,
  },
  {
    name: 'a schema violation in a JSON line',
    file: 'schema.jsonl',
    bytes: Buffer.from(jsonl([OK_LINE, SCHEMA_LINE, ERR_LINE])),
    valid: [0, 2],
    rejected: [schemaRejection(1, A + 1, 2)],
    notes: [],
    exit: 1,
  },
  {
    name: 'a schema violation in a pretty file',
    file: 'schema.json',
    bytes: Buffer.from(JSON.stringify(withBadStartTime(), null, 2)),
    valid: [],
    rejected: [schemaRejection(0, 0, 1)],
    notes: [],
    exit: 1,
  },
  {
    name: 'invalid UTF-8 inside a string of the 2nd JSON line',
    file: 'utf8.jsonl',
    bytes: UTF8_LINES,
    valid: [0, 2],
    rejected: [
      {
        index: 1,
        offset: A + 1,
        line: 2,
        column: 1,
        code: 'invalid-utf8',
        message: 'invalid UTF-8 byte 0xff',
        at: { offset: UTF8_LINES.indexOf(0xff), line: 2, column: UTF8_LINES.indexOf(0xff) - A },
      },
    ],
    notes: [],
    exit: 1,
  },
  {
    name: 'invalid UTF-8 inside a string of the 2nd pretty document',
    file: 'utf8.json',
    bytes: UTF8_PRETTY,
    valid: [0],
    rejected: [
      {
        index: 1,
        offset: ERR_FILE.length,
        line: lineOf(ERR_FILE, ERR_FILE.length),
        column: 1,
        code: 'invalid-utf8',
        message: 'invalid UTF-8 byte 0xff',
        at: { offset: UTF8_PRETTY.indexOf(0xff), line: lineOf(UTF8_PRETTY, UTF8_PRETTY.indexOf(0xff)), column: columnOf(UTF8_PRETTY, UTF8_PRETTY.indexOf(0xff)) },
      },
    ],
    notes: [],
    exit: 1,
  },
  {
    name: 'a UTF-8 BOM before a pretty trace',
    file: 'bom.json',
    bytes: cat(BOM, OK_FILE),
    valid: [0],
    rejected: [],
    notes: [{ kind: 'bom', message: 'a UTF-8 byte order mark was skipped', offset: 0, line: 1 }],
    exit: 0,
  },
  {
    name: 'a UTF-8 BOM before JSON Lines',
    file: 'bom.jsonl',
    bytes: cat(BOM, jsonl([OK_LINE, ERR_LINE])),
    valid: [0, 1],
    rejected: [],
    notes: [{ kind: 'bom', message: 'a UTF-8 byte order mark was skipped', offset: 0, line: 1 }],
    exit: 0,
  },
  {
    name: 'NaN, Infinity and -Infinity tokens in a pretty trace',
    file: 'nan.json',
    bytes: Buffer.from(NAN_PRETTY),
    valid: [0],
    rejected: [],
    notes: [],
    warnings: ['0 non-finite-number'],
    exit: 0,
  },
  {
    name: 'NaN, Infinity and -Infinity tokens in a JSON line',
    file: 'nan.jsonl',
    bytes: Buffer.from(NAN_LINES),
    valid: [0, 1, 2],
    rejected: [],
    notes: [],
    warnings: ['1 non-finite-number'],
    exit: 0,
  },
  {
    name: '100,000 levels of nesting in a pretty record, then a good trace',
    file: 'deep.json',
    bytes: cat(DEEP_PRETTY, OK_FILE),
    valid: [1],
    rejected: [
      // `{` is level 1 and the n-th `[` (on line n) level n + 1: level 513 is the 512th `[`.
      { index: 0, offset: 0, line: 1, column: 1, code: 'too-deep', message: 'nested deeper than 512 levels (no trace is); not parsed', at: { offset: 9 + 511 * 2, line: 512 } },
    ],
    notes: [],
    exit: 1,
  },
  {
    name: '100,000 levels of nesting on the first JSON line',
    file: 'deep-first.jsonl',
    bytes: Buffer.from(DEEP_LINE_FIRST),
    valid: [1],
    rejected: [{ index: 0, offset: 0, line: 1, column: 1, code: 'too-deep', message: 'nested deeper than 512 levels (no trace is); not parsed', at: { offset: 6 + 511, line: 1 } }],
    notes: [],
    exit: 1,
  },
  {
    // Once the input is known to be JSON Lines a line goes straight to JSON.parse (not recursive);
    // the parsed value gets the scanner's bound by an iterative walk, and the same rejection, with
    // the JSONPath it nests under (its first eight steps) instead of a byte.
    name: '100,000 levels of nesting on a later JSON line',
    file: 'deep-second.jsonl',
    bytes: Buffer.from(DEEP_LINE_SECOND),
    valid: [0, 2],
    rejected: [
      {
        index: 1,
        offset: A + 1,
        line: 2,
        column: 1,
        code: 'too-deep',
        message: 'nested deeper than 512 levels (no trace is) under $.x[0][0][0][0][0][0][0]; not read',
        at: { offset: A + 1, line: 2 },
        json_path: '$.x[0][0][0][0][0][0][0]',
        expected: 'at most 512 levels of nesting',
        found: 'more than 512',
      },
    ],
    notes: [],
    exit: 1,
  },
  {
    name: 'a trace with a 100,000-deep attribute value on a later JSON line: refused as too-deep, the next line read',
    file: 'deep-attribute.jsonl',
    bytes: Buffer.from(DEEP_ATTRIBUTE),
    valid: [0, 2],
    rejected: [
      {
        index: 1,
        offset: A + 1,
        line: 2,
        column: 1,
        code: 'too-deep',
        message: 'nested deeper than 512 levels (no trace is) under $.data.spans[0].attributes.deep[0][0][0]; not read',
        at: { offset: A + 1, line: 2 },
        json_path: '$.data.spans[0].attributes.deep[0][0][0]',
        expected: 'at most 512 levels of nesting',
        found: 'more than 512',
      },
    ],
    notes: [],
    exit: 1,
  },
  {
    name: 'an empty file',
    file: 'empty.json',
    bytes: Buffer.alloc(0),
    valid: [],
    rejected: [],
    notes: [{ kind: 'empty', message: 'empty input: no records' }],
    exit: 0,
  },
  {
    name: 'a file of white space only',
    file: 'blank.jsonl',
    bytes: Buffer.from('\n  \n\t\r\n'),
    valid: [],
    rejected: [],
    notes: [{ kind: 'empty', message: 'no records (only white space)' }],
    exit: 0,
  },
  {
    name: 'a file that does not exist',
    file: 'missing.json',
    bytes: null,
    valid: [],
    rejected: [],
    notes: [{ kind: 'read-error', message: 'no such file or directory' }],
    exit: 2,
  },
];

/** Truncated .gz and archive cases are built asynchronously (a sync flush marks where the readable part ends). */
async function gzCases(): Promise<BadCase[]> {
  const whole = jsonl([OK_LINE, ERR_LINE]);
  const atBoundary = await gzipWithFlushPoint(whole, jsonl([OK_LINE]));
  const midRecord = await gzipWithFlushPoint(cat(OK_LINE, '\n', ERR_LINE.slice(0, 300)), ERR_LINE.slice(300) + '\n');
  // The flush point decodes to exactly the bytes before it (checked here, not assumed).
  const partial = (gz: Buffer, at: number): Buffer => gunzipSync(gz.subarray(0, at), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  expect(partial(atBoundary.gz, atBoundary.flushAt).toString()).toBe(whole);
  expect(partial(midRecord.gz, midRecord.flushAt).length).toBe(A + 1 + 300);
  const tar = await tarball([
    { name: 'a/one.jsonl', content: whole },
    { name: 'a/two.json', content: ERR_FILE },
  ]);
  const TAR_CUT = 512 + 7000; // a header block, then 7000 bytes of a/one.jsonl
  const tgz = await gzipWithFlushPoint(tar.subarray(0, TAR_CUT), tar.subarray(TAR_CUT));
  expect(partial(tgz.gz, tgz.flushAt)).toEqual(tar.subarray(0, TAR_CUT));
  const cutEntry = (archive: string, error: string): Pick<BadCase, 'valid' | 'rejected' | 'notes' | 'exit'> => ({
    valid: [0],
    rejected: [{ source: `${archive}!a/one.jsonl`, index: 1, offset: A + 1, line: 2, column: 1, code: 'truncated', message: 'input ended inside a string', at: { offset: 7000, line: 2 } }],
    notes: [
      { source: `${archive}!a/one.jsonl`, kind: 'read-error', message: `reading stopped at byte 7000: ${error}`, offset: 7000 },
      { source: archive, kind: 'read-error', message: `reading the tar archive failed: ${error}` },
    ],
    exit: 2,
  });
  return [
    { name: 'a .tar cut inside an entry', file: 'cut.tar', bytes: tar.subarray(0, TAR_CUT), ...cutEntry('cut.tar', 'Unexpected end of data') },
    { name: 'a .tgz cut inside an entry', file: 'cut.tgz', bytes: tgz.gz.subarray(0, tgz.flushAt), ...cutEntry('cut.tgz', 'unexpected end of file') },
    {
      name: 'a .gz cut between records',
      file: 'cut-between.jsonl.gz',
      bytes: atBoundary.gz.subarray(0, atBoundary.flushAt),
      valid: [0, 1],
      rejected: [],
      notes: [{ kind: 'read-error', message: `reading stopped at byte ${A + B + 2}: unexpected end of file`, offset: A + B + 2 }],
      exit: 2,
    },
    {
      name: 'a .gz cut inside a record',
      file: 'cut-inside.jsonl.gz',
      bytes: midRecord.gz.subarray(0, midRecord.flushAt),
      valid: [0],
      rejected: [{ index: 1, offset: A + 1, line: 2, column: 1, code: 'truncated', message: 'input ended inside a string', at: { offset: A + 301, line: 2 } }],
      notes: [{ kind: 'read-error', message: `reading stopped at byte ${A + 301}: unexpected end of file`, offset: A + 301 }],
      exit: 2,
    },
  ];
}

/** Expected rows with their source filled in (the case's file unless a row names another). */
function withSource<T extends { source?: string }>(c: BadCase, rows: readonly T[]): Array<T & { source: string }> {
  return rows.map((row) => ({ ...row, source: row.source ?? c.file }));
}

/** What readTraces gave, in the terms of the table. */
function tally(events: readonly ReadEvent[], ws: Workspace) {
  const rel = (source: string): string => (source.startsWith(`${ws.dir}/`) ? source.slice(ws.dir.length + 1) : source);
  const valid: number[] = [];
  const rejected: ExpectedRejection[] = [];
  const notes: ExpectedNote[] = [];
  const warnings: string[] = [];
  for (const e of events) {
    if (e.type === 'trace') {
      valid.push(e.provenance.index);
      for (const w of e.trace.warnings) warnings.push(`${e.provenance.index} ${w.code}`);
    } else if (e.type === 'rejected') {
      const r = e.rejection;
      rejected.push({
        source: rel(r.provenance.source),
        index: r.provenance.index,
        offset: r.provenance.offset,
        line: r.provenance.line,
        column: r.provenance.column,
        code: r.code,
        message: r.message,
        at: r.at,
        ...(r.jsonPath !== undefined ? { json_path: r.jsonPath } : {}),
        ...(r.expected !== undefined ? { expected: r.expected } : {}),
        ...(r.found !== undefined ? { found: r.found } : {}),
      });
    } else if (e.type === 'note') {
      const { source, kind, message, offset, line } = e.note;
      notes.push({ source: rel(source), kind, message, ...(offset !== undefined ? { offset } : {}), ...(line !== undefined ? { line } : {}) });
    }
  }
  return { valid, rejected, notes, warnings };
}

describe('bad input', () => {
  let ws: Workspace;
  let all: BadCase[];
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run make build (or npx tsc -p tsconfig.json) first`);
    ws = makeWorkspace();
    all = [...cases, ...(await gzCases())];
    for (const c of all) if (c.bytes !== null) ws.write(c.file, c.bytes);
  });
  afterAll(() => ws.cleanup());

  // it.each needs the table up front; the gz cases join it by name.
  const names = [...cases.map((c) => c.name), 'a .tar cut inside an entry', 'a .tgz cut inside an entry', 'a .gz cut between records', 'a .gz cut inside a record'];
  const byName = (name: string): BadCase => {
    const found = all.find((c) => c.name === name);
    if (!found) throw new Error(`no case ${name}`);
    return found;
  };

  describe('readTraces: every record is accounted for, the rest is still read', () => {
    it.each(names)('%s', async (name) => {
      const c = byName(name);
      const got = tally(await readAll([ws.path(c.file)]), ws);
      expect(got).toEqual({ valid: c.valid, rejected: withSource(c, c.rejected), notes: withSource(c, c.notes), warnings: c.warnings ?? [] });
    });
  });

  describe('validate --format json: records = valid + rejected, each rejection with its provenance', () => {
    it.concurrent.each(names)('%s', async (name) => {
      const c = byName(name);
      const run = await runCliAsync(['validate', c.file, '--format', 'json'], { cwd: ws.dir });
      const out = JSON.parse(run.stdout) as ValidateJson;
      // No trace read at all is exit 2, whatever the records were (docs/commands.md#exit-status).
      const exit = c.valid.length === 0 ? 2 : c.exit;
      // Inputs that cannot be read are also said on stderr, one line each, then the closing line.
      const readErrors = out.notes
        .filter((n) => n.kind === 'read-error')
        .map((n) => `tracetriage: ${n.source}: ${n.message}\n`)
        .join('');
      expect(run.stderr.slice(0, readErrors.length)).toBe(readErrors);
      expect(run.stderr.slice(readErrors.length)).toMatch(exit === 0 ? /^$/ : new RegExp(`^tracetriage: exit ${exit}: [^\n]+\n$`));
      expect({
        status: run.status,
        exit_code: out.exit_code,
        records: out.records,
        valid: out.valid,
        rejected: out.rejected,
        rejections: out.rejections.map(({ length: _length, ...rest }) => rest),
        notes: out.notes,
        warnings: out.warnings.map((w) => `${w.index} ${w.code}`),
      }).toEqual({
        status: exit,
        exit_code: exit,
        records: c.valid.length + c.rejected.length,
        valid: c.valid.length,
        rejected: c.rejected.length,
        rejections: withSource(c, c.rejected),
        notes: withSource(c, c.notes),
        warnings: c.warnings ?? [],
      });
      expect(out.records).toBe(out.valid + out.rejected);
      expect(out.rejections).toHaveLength(out.rejected);
      // The fault lies within the rejected record's bytes.
      for (const r of out.rejections) expect([r.index, r.length > 0, r.offset <= r.at.offset && r.at.offset <= r.offset + r.length]).toEqual([r.index, true, true]);
    });
  });

  describe('validate (text) over every case at once: one line per rejection with file, line, column, record and byte', () => {
    let run: CliRun;
    beforeAll(async () => {
      run = await runCliAsync(['validate', ...all.map((c) => c.file), '--no-warnings'], { cwd: ws.dir });
    });

    it('exit 2 (an input is missing) and the count line sums every case', () => {
      const records = all.reduce((n, c) => n + c.valid.length + c.rejected.length, 0);
      const valid = all.reduce((n, c) => n + c.valid.length, 0);
      const unreadable = all.reduce((n, c) => n + c.notes.filter((note) => note.kind === 'read-error').length, 0);
      const errorLines = run.stderr.split('\n').filter(Boolean);
      expect([run.status, run.stdout.split('\n').at(-2)]).toEqual([2, `${records} records: ${valid} valid, ${records - valid} rejected`]);
      // One line per unreadable input, then the closing line.
      expect(errorLines.length).toBe(unreadable + 1);
      for (const line of errorLines.slice(0, -1)) expect(line).toMatch(/^tracetriage: \S+: /);
      expect(errorLines.at(-1)).toBe(`tracetriage: exit 2: ${unreadable === 1 ? 'an input' : `${unreadable} inputs`} could not be read to the end`);
    });

    it.each(names)('%s', (name) => {
      const c = byName(name);
      const lines = run.stdout.split('\n');
      for (const r of c.rejected) {
        const line = lines.find((l) => l.startsWith(`${r.source ?? c.file}:${r.line}:${r.column} record ${r.index} (byte ${r.offset}): `));
        expect(line, `no text line for record ${r.index}`).toBeDefined();
        expect(line).toContain(`${r.message} [${r.code}`);
        // Where the fault is, when it is not the record's first byte.
        if (r.at.offset !== r.offset) expect(line).toContain(`line ${r.at.line}${r.at.column !== undefined ? `:${r.at.column}` : ''}, byte ${r.at.offset}]`);
      }
      for (const n of c.notes) expect(lines).toContain(`  ${n.source ?? c.file}${n.line !== undefined ? `:${n.line}` : ''}: ${n.kind}: ${n.message}`);
    });
  });

  it('NaN and ±Infinity outside strings become null and ±Infinity; inside strings they stay text', async () => {
    for (const file of ['nan.json', 'nan.jsonl']) {
      const events = await readAll([ws.path(file)]);
      const trace = events.find((e) => e.type === 'trace' && e.trace.warnings.length > 0);
      if (trace?.type !== 'trace') throw new Error(`${file}: no trace with a warning`);
      expect([file, trace.trace.assessments.map((a) => a.value), trace.trace.info.tags.note, trace.trace.warnings]).toEqual([
        file,
        [null, 'It is sunny in Paris.', null, ['sunny', 'Paris'], Infinity, -Infinity],
        NAN_TEXT,
        [{ code: 'non-finite-number', message: "3 NaN/Infinity token(s) (written by Python's json): NaN read as null, Infinity as Infinity", jsonPath: '$' }],
      ]);
      // The original bytes are kept as they were.
      expect(trace.bytes.toString()).toContain('-Infinity');
    }
  });

  // The deep line is refused as too-deep (a fast-path record gets the scanner's 512-level bound);
  // the run must not die on it and the line after it must be read.
  it('100,000 levels of OTLP array_value in a REST body on a later JSON line: no crash, the next line is read', async () => {
    const file = ws.write('deep-otlp.jsonl', jsonl([OK_LINE, deepOtlpRestLine(), ERR_LINE]));
    const events = await readAll([file]);
    const records = events.flatMap((e) => (e.type === 'trace' ? [[e.provenance.index, 'trace']] : e.type === 'rejected' ? [[e.rejection.provenance.index, 'rejected']] : []));
    expect(records).toHaveLength(3);
    expect(records).toEqual([
      [0, 'trace'],
      [1, 'rejected'],
      [2, 'trace'],
    ]);
    const rejection = events.find((e) => e.type === 'rejected');
    expect(rejection?.type === 'rejected' && rejection.rejection.code).toBe('too-deep');
    const run = await runCliAsync(['validate', 'deep-otlp.jsonl', '--format', 'json'], { cwd: ws.dir });
    expect(run.stderr).toBe('tracetriage: exit 1: 1 record could not be read as traces\n');
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout) as ValidateJson;
    expect([out.records, out.valid + out.rejected]).toEqual([3, 3]);
  });

  it('a missing file among good ones: exit 2, the others are still read', () => {
    ws.write('present.jsonl', jsonl([OK_LINE]));
    const run = runCli(['validate', 'missing.json', 'present.jsonl', '--format', 'json'], { cwd: ws.dir });
    const out = JSON.parse(run.stdout) as ValidateJson;
    expect([run.status, out.records, out.valid, out.rejected, out.notes]).toEqual([2, 1, 1, 0, [{ source: 'missing.json', kind: 'read-error', message: 'no such file or directory' }]]);
  });

  it('bad input in a .gz keeps offsets in unpacked bytes', async () => {
    const file = ws.write('garbage.jsonl.gz', gzip(jsonl([OK_LINE, 'hello world', ERR_LINE])));
    const got = tally(await readAll([file]), ws);
    expect([got.valid, got.rejected.map((r) => [r.index, r.offset, r.line, r.code])]).toEqual([[0, 2], [[1, A + 1, 2, 'invalid-json']]]);
  });
});
