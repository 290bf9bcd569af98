// biome-ignore-all lint/suspicious/noExplicitAny: sample traces edited in place by each case; loose typing keeps the tables readable
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeWorkspace, runCliAsync, type Workspace } from '../helpers/make-inputs.js';

// Issue 12, "deep values": JSON Lines taken by the fast path are parsed by JSON.parse (not
// recursive) without the scanner's 512-level bound. Such a record is refused as too-deep with its
// provenance and the JSONPath it nests under, like a scanned one; JSON text inside a string that
// nests deeper is kept as text. Every command goes on with the other records. The inputs are built
// here (20,000 and 100,000 levels), not committed.

// Sample traces are edited in place by each case: loose typing keeps the table readable.
type Json = Record<string, any>;

const LINES = readFileSync(join(REPO_ROOT, 'samples', 'otel-genai.jsonl'), 'utf8').split('\n');
const BASE = JSON.parse(LINES[0]!) as Json;
const SECOND = JSON.parse(LINES[1]!) as Json;
const SESSION = 'sess-deep';
const MARK = '"@DEEP@"';

const id = (c: string): string => `tr-${c.repeat(32)}`;
const nest = (n: number): string => '['.repeat(n) + ']'.repeat(n);

interface Row {
  id: string;
  /** Puts the deep value in: `raw` replaces MARK with the nesting itself; else `set` writes text. */
  set: (t: Json, deep: string) => void;
  raw: boolean;
  /** The JSONPath a too-deep rejection names, or null when the trace is read. */
  refusedUnder: string | null;
}

const ROWS: Row[] = [
  { id: id('1'), raw: false, refusedUnder: null, set: () => undefined },
  { id: id('a'), raw: true, refusedUnder: "$.data.spans[1].attributes['deep.raw'][0][0][0]", set: (t) => (t.data.spans[1].attributes['deep.raw'] = '@DEEP@') },
  { id: id('c'), raw: true, refusedUnder: '$.info.deep_field[0][0][0][0][0][0]', set: (t) => (t.info.deep_field = '@DEEP@') },
  { id: id('b'), raw: false, refusedUnder: null, set: (t, deep) => (t.data.spans[1].attributes['deep.str'] = deep) },
  // gen_ai.input.messages is JSON text of JSON text (OTel-ingested), read by the message readers.
  { id: id('d'), raw: false, refusedUnder: null, set: (t, deep) => (t.data.spans[1].attributes['gen_ai.input.messages'] = JSON.stringify(deep)) },
  { id: id('e'), raw: false, refusedUnder: null, set: (t, deep) => (t.data.spans[0].attributes['mlflow.spanInputs'] = deep) },
  {
    id: id('f'),
    raw: false,
    refusedUnder: null,
    set: (t, deep) => {
      t.info.assessments = [
        {
          assessment_id: 'a-1',
          assessment_name: 'expected_facts',
          trace_id: t.info.trace_id,
          source: { source_type: 'HUMAN', source_id: 'reviewer' },
          expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: deep } },
          create_time: '2026-11-10T11:02:20.000Z',
          last_update_time: '2026-11-10T11:02:20.000Z',
        },
      ];
    },
  },
];
const SECOND_ID = SECOND.info.trace_id as string;
const READ_IDS = [...ROWS.filter((r) => r.refusedUnder === null).map((r) => r.id), SECOND_ID];
const REFUSED = ROWS.map((r, index) => ({ ...r, index })).filter((r) => r.refusedUnder !== null);

function line(row: Row, depth: number): string {
  const trace = structuredClone(BASE);
  trace.info.trace_id = row.id;
  trace.info.trace_metadata['mlflow.trace.session'] = SESSION;
  row.set(trace, nest(depth));
  const text = JSON.stringify(trace);
  return row.raw ? text.replace(MARK, nest(depth)) : text;
}

const DEPTHS = [20_000, 100_000];
let ws: Workspace;
const inputs = new Map<number, string>();

beforeAll(() => {
  ws = makeWorkspace('tracetriage-deep-');
  for (const depth of DEPTHS) {
    const second = structuredClone(SECOND);
    second.info.trace_metadata['mlflow.trace.session'] = SESSION;
    inputs.set(depth, ws.write(`deep-${depth}.jsonl`, [...ROWS.map((r) => line(r, depth)), JSON.stringify(second)].join('\n') + '\n'));
  }
});
afterAll(() => ws.cleanup());

// Generous: a loaded 2-core machine runs each spawn of a 1.4 MB input in seconds.
const TIMEOUT = 400_000;
const CRASH = /internal error|Invalid string length|Maximum call stack|recursion limit|heap out of memory/;

/** The stderr line each refused record gets, in every command that reads the input. */
function refusal(file: string, r: (typeof REFUSED)[number]): string {
  const bytes = readFileSync(file);
  let at = 0;
  for (let i = 0; i < r.index; i++) at = bytes.indexOf(0x0a, at) + 1;
  return `${file}:${r.index + 1}:1 record ${r.index} (byte ${at}): nested deeper than 512 levels (no trace is) under ${r.refusedUnder}; not read [too-deep]`;
}

describe.each(DEPTHS)('values nested %i levels deep', (depth) => {
  const file = (): string => inputs.get(depth)!;

  it(
    'validate refuses the raw nesting as too-deep with its JSONPath, and reads the rest',
    async () => {
      const run = await runCliAsync(['validate', '--format', 'json', file()]);
      expect(run.stderr).not.toMatch(CRASH);
      const out = JSON.parse(run.stdout) as { records: number; valid: number; rejections: Array<{ index: number; code: string; json_path: string; message: string }> };
      expect(out).toMatchObject({ records: ROWS.length + 1, valid: READ_IDS.length });
      expect(out.rejections.map((r) => [r.index, r.code, r.json_path])).toEqual(REFUSED.map((r) => [r.index, 'too-deep', r.refusedUnder]));
      expect(run.status).toBe(1);
    },
    TIMEOUT,
  );

  const table = [
    { args: ['search', '--output', 'json'], json: (o: Json): string[] => (o.traces as Json[]).map((t) => t.info.trace_id as string) },
    { args: ['search'], json: null },
    { args: ['query', '$..name'], json: null },
    { args: ['query', '$.info.trace_id | count'], json: null },
    { args: ['query', '--jq', '.info.trace_id'], json: null },
    { args: ['search', '--extract-fields', 'info.trace_id,info.assessments', '--output', 'json'], json: (o: Json): string[] => (o.traces as Json[]).map((t) => t.info.trace_id as string) },
    { args: ['sessions', '--format', 'json'], json: (o: Json): string[] => (o.sessions as Json[]).flatMap((s) => s.trace_ids as string[]) },
    { args: ['session', SESSION, '--format', 'json'], json: (o: Json): string[] => (o.turns as Json[]).map((t) => t.trace_id as string) },
    { args: ['session', SESSION], json: null },
    { args: ['analyze'], json: null },
    { args: ['analyze', '--format', 'json'], json: null },
    { args: ['stats', '--format', 'json'], json: null },
    { args: ['report', '--format', 'markdown'], json: null },
    { args: ['report', '--format', 'html'], json: null },
  ];
  // Every command at 100,000 levels; at 20,000 those that ended the run there before.
  const SHORT = new Set(['search --output json', 'query $..name', 'query --jq .info.trace_id']);
  const rows = depth === 100_000 ? table : table.filter((r) => SHORT.has(r.args.join(' ')));
  it.each(rows)(
    '$args.0 $args.1 $args.2: refuses the two records by name and reads the others',
    async ({ args, json }) => {
      const run = await runCliAsync([...args, file()]);
      expect(run.stderr).not.toMatch(CRASH);
      // stats counts rejections instead of listing them.
      if (args[0] !== 'stats') for (const r of REFUSED) expect(run.stderr).toContain(refusal(file(), r));
      // 0 today; 1 once rejected records set the exit status (the exit change of issue 12).
      expect([0, 1]).toContain(run.status);
      if (json) expect(json(JSON.parse(run.stdout) as Json).sort()).toEqual([...READ_IDS].sort());
      if (args[0] === 'query' && args[1] === '$..name') {
        const ids = new Set(
          run.stdout
            .trim()
            .split('\n')
            .map((l) => (JSON.parse(l) as { trace_id: string }).trace_id),
        );
        expect([...ids].sort()).toEqual([...READ_IDS].sort());
      }
      if (args[1] === '$.info.trace_id | count') expect(JSON.parse(run.stdout)).toEqual({ count: READ_IDS.length });
      if (args[1] === '--jq')
        expect(
          run.stdout
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as string)
            .sort(),
        ).toEqual([...READ_IDS].sort());
      if (args[0] === 'stats') expect(JSON.parse(run.stdout)).toMatchObject({ total: { traces: READ_IDS.length, rejected: REFUSED.length } });
    },
    TIMEOUT,
  );

  it(
    'get prints a trace that holds deep JSON text, and names a refused one as not read',
    async () => {
      const held = await runCliAsync(['get', '--trace-id', id('d'), file()]);
      expect(held.stderr).not.toMatch(CRASH);
      expect((JSON.parse(held.stdout) as Json).info.trace_id).toBe(id('d'));
      const refused = await runCliAsync(['get', '--trace-id', id('c'), file()]);
      expect(refused.stderr).not.toMatch(CRASH);
      expect(refused.stderr).toContain(refusal(file(), REFUSED[1]!));
      expect(refused.stderr).toContain(`trace ${id('c')} is not in the inputs`);
      expect(refused.status).toBe(1);
    },
    TIMEOUT,
  );

  it(
    'trace keeps deep JSON text as text',
    async () => {
      const runs = [...['text', 'json', 'markdown'].map((format) => ({ format, trace: id('d') })), ...[id('b'), id('e'), id('f')].map((trace) => ({ format: 'json', trace }))];
      for (const { format, trace } of runs) {
        {
          const run = await runCliAsync(['trace', trace, '--format', format, file()]);
          expect(run.stderr, `${trace} ${format}`).not.toMatch(CRASH);
          expect([0, 1], `${trace} ${format}`).toContain(run.status);
          expect(run.stdout, `${trace} ${format}`).toContain(trace);
        }
      }
    },
    TIMEOUT,
  );
});

describe('the bound is the same on both paths', () => {
  it(
    '512 levels are read and 513 refused, on the first line (scanned) and on later lines (fast path)',
    async () => {
      const at = (c: string, total: number): string => {
        const trace = structuredClone(BASE);
        trace.info.trace_id = id(c);
        trace.data.spans[1].attributes['deep.raw'] = '@DEEP@';
        // $ (1) > data (2) > spans (3) > span (4) > attributes (5) > the nesting.
        return JSON.stringify(trace).replace(MARK, nest(total - 5));
      };
      const file = ws.write('bound.jsonl', [at('5', 513), at('6', 512), at('7', 513), at('8', 512)].join('\n') + '\n');
      const run = await runCliAsync(['validate', '--format', 'json', file]);
      const out = JSON.parse(run.stdout) as { valid: number; rejections: Array<{ index: number; code: string }> };
      expect(out.valid).toBe(2);
      expect(out.rejections.map((r) => [r.index, r.code])).toEqual([
        [0, 'too-deep'],
        [2, 'too-deep'],
      ]);
      const names = await runCliAsync(['query', '$..name', file]);
      expect(names.stderr).not.toMatch(CRASH);
      expect(
        new Set(
          names.stdout
            .trim()
            .split('\n')
            .map((l) => (JSON.parse(l) as { trace_id: string }).trace_id),
        ),
      ).toEqual(new Set([id('6'), id('8')]));
      const printed = await runCliAsync(['get', '--trace-id', id('8'), file]);
      expect(printed.stderr).not.toMatch(CRASH);
      expect((JSON.parse(printed.stdout) as Json).data.spans[1].attributes['deep.raw']).toHaveLength(1);
    },
    TIMEOUT,
  );
});
