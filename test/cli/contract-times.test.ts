// biome-ignore-all lint/suspicious/noExplicitAny: sample traces edited in place by each case; loose typing keeps the tables readable
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeWorkspace, runCliAsync, type Workspace } from '../helpers/make-inputs.js';

// Issue 12, "times out of range": a time the model cannot use (past Date's range, before 1970,
// Infinity from 1e400, a string that is not RFC 3339, an end before its start) is a warning on
// its trace and an unknown time downstream; no command ends on it. Each case is one trace of a
// JSON Lines file that also holds a clean trace; every command runs once over the whole file.

const SESSION = 'sess-times';
const V3 = JSON.parse(readFileSync(join(REPO_ROOT, 'samples', 'otel-genai.jsonl'), 'utf8').split('\n')[0]!) as Json;
const V2 = (JSON.parse(readFileSync(join(REPO_ROOT, 'samples', 'legacy-v2.json'), 'utf8')) as Json[])[0]!;

// Sample traces are edited in place by each case: loose typing keeps the table readable.
type Json = Record<string, any>;

interface Case {
  name: string;
  /** A V3 (or V2) trace; `set` puts the marker `"@BAD@"` where `raw` goes, as JSON text. */
  v2?: boolean;
  set: (trace: Json) => void;
  raw: string;
  /**
   * The JSONPath the warning names; null when the schema refuses the record instead (its types
   * exclude a boolean, a non-RFC 3339 shape, and Infinity, which is no integer).
   */
  warningAt: string | null;
  /** Where the schema refuses it, when it does. */
  refusedAt?: string;
}

const BAD = '"@BAD@"';
const span0 = (t: Json): Json => t.data.spans[0] as Json;
const withEvent = (t: Json): Json => {
  span0(t).events = [{ name: 'exception', time_unix_nano: '@BAD@', attributes: {} }];
  return t;
};
const withAssessment = (t: Json, key: string): void => {
  t.info.assessments = [
    {
      assessment_id: 'a-1',
      assessment_name: 'helpfulness',
      trace_id: t.info.trace_id,
      source: { source_type: 'LLM_JUDGE', source_id: 'judge' },
      feedback: { value: 'no' },
      create_time: '2026-11-10T11:02:20.000Z',
      last_update_time: '2026-11-10T11:02:20.000Z',
      [key]: '@BAD@',
    },
  ];
};

const CASES: Case[] = [
  { name: 'request_time -1e30', set: (t) => (t.info.request_time = '@BAD@'), raw: '-1e30', warningAt: '$.info.request_time' },
  { name: 'request_time 1e400 (Infinity)', set: (t) => (t.info.request_time = '@BAD@'), raw: '1e400', warningAt: null, refusedAt: '$.info.request_time' },
  { name: 'request_time negative', set: (t) => (t.info.request_time = '@BAD@'), raw: '-1', warningAt: '$.info.request_time' },
  { name: 'request_time past Date range', set: (t) => (t.info.request_time = '@BAD@'), raw: '8640000000000001', warningAt: '$.info.request_time' },
  { name: 'request_time year 10000 in ms', set: (t) => (t.info.request_time = '@BAD@'), raw: '253402300800000', warningAt: '$.info.request_time' },
  { name: 'request_time boolean', set: (t) => (t.info.request_time = '@BAD@'), raw: 'true', warningAt: null, refusedAt: '$.info.request_time' },
  { name: 'request_time year 99999', set: (t) => (t.info.request_time = '@BAD@'), raw: '"99999-01-01T00:00:00Z"', warningAt: null, refusedAt: '$.info.request_time' },
  { name: 'request_time month 13', set: (t) => (t.info.request_time = '@BAD@'), raw: '"2026-13-01T00:00:00Z"', warningAt: '$.info.request_time' },
  { name: 'execution_duration_ms -1e30', set: (t) => (t.info.execution_duration_ms = '@BAD@'), raw: '-1e30', warningAt: '$.info.execution_duration_ms' },
  { name: 'execution_duration_ms negative', set: (t) => (t.info.execution_duration_ms = '@BAD@'), raw: '-5', warningAt: '$.info.execution_duration_ms' },
  { name: 'execution_duration_ms 1e300', set: (t) => (t.info.execution_duration_ms = '@BAD@'), raw: '1e300', warningAt: '$.info.execution_duration_ms' },
  {
    name: 'execution_duration "-3s"',
    set: (t) => {
      delete t.info.execution_duration_ms;
      t.info.execution_duration = '@BAD@';
    },
    raw: '"-3s"',
    warningAt: '$.info.execution_duration',
  },
  { name: 'V2 timestamp_ms past Date range', v2: true, set: (t) => (t.info.timestamp_ms = '@BAD@'), raw: '9000000000000000', warningAt: '$.info.timestamp_ms' },
  { name: 'V2 timestamp_ms 1e400 (Infinity)', v2: true, set: (t) => (t.info.timestamp_ms = '@BAD@'), raw: '1e400', warningAt: null, refusedAt: '$.info.timestamp_ms' },
  { name: 'V2 timestamp_ms 1e300', v2: true, set: (t) => (t.info.timestamp_ms = '@BAD@'), raw: '1e300', warningAt: '$.info.timestamp_ms' },
  { name: 'V2 execution_time_ms negative', v2: true, set: (t) => (t.info.execution_time_ms = '@BAD@'), raw: '-2361', warningAt: '$.info.execution_time_ms' },
  { name: 'V2 span start_time 1e30', v2: true, set: (t) => (span0(t).start_time = '@BAD@'), raw: '1e30', warningAt: '$.data.spans[0].start_time' },
  { name: 'span start past Date range', set: (t) => (span0(t).start_time_unix_nano = '@BAD@'), raw: '9000000000000000000000000', warningAt: '$.data.spans[0].start_time_unix_nano' },
  { name: 'span end 1e400 (Infinity)', set: (t) => (span0(t).end_time_unix_nano = '@BAD@'), raw: '1e400', warningAt: null, refusedAt: '$.data.spans[0].end_time_unix_nano' },
  { name: 'span end 1e300', set: (t) => (span0(t).end_time_unix_nano = '@BAD@'), raw: '1e300', warningAt: '$.data.spans[0].end_time_unix_nano' },
  { name: 'span end before start', set: (t) => (span0(t).end_time_unix_nano = '@BAD@'), raw: '1000000000000000000', warningAt: '$.data.spans[0].end_time_unix_nano' },
  { name: 'event time past Date range', set: (t) => withEvent(t), raw: '9000000000000000000000000', warningAt: '$.data.spans[0].events[0].time_unix_nano' },
  { name: 'assessment create_time month 13', set: (t) => withAssessment(t, 'create_time'), raw: '"2026-13-01T00:00:00Z"', warningAt: '$.info.assessments[0].create_time' },
  { name: 'assessment last_update_time year 0001', set: (t) => withAssessment(t, 'last_update_time'), raw: '"0001-01-01T00:00:00Z"', warningAt: '$.info.assessments[0].last_update_time' },
];

/** `tr-` and 32 hex digits, one per case, so each case is one findable trace. */
const traceId = (i: number): string => `tr-${(i + 1).toString(16).padStart(32, '0')}`;
const v2Id = (i: number): string => (i + 1).toString(16).padStart(32, '0');
const GOOD_ID = 'tr-5ca81f36845adbfabba8f2c8cb6441ff';

function caseLine(c: Case, i: number): string {
  const trace = structuredClone(c.v2 ? V2 : V3);
  if (c.v2) {
    trace.info.request_id = v2Id(i);
    trace.info.tags.session_id = SESSION;
    trace.info.request_metadata['mlflow.trace.session'] = SESSION;
  } else {
    trace.info.trace_id = traceId(i);
    trace.info.trace_metadata['mlflow.trace.session'] = SESSION;
  }
  c.set(trace);
  const text = JSON.stringify(trace);
  expect(text.split(BAD)).toHaveLength(2);
  return text.replace(BAD, c.raw);
}

const idOf = (c: Case, i: number): string => (c.v2 ? v2Id(i) : traceId(i));
const READ = CASES.map((c, i) => ({ c, i, id: idOf(c, i) })).filter(({ c }) => c.warningAt !== null);
const REFUSED = CASES.map((c, i) => ({ c, i, id: idOf(c, i) })).filter(({ c }) => c.warningAt === null);

let ws: Workspace;
let input: string;

beforeAll(() => {
  ws = makeWorkspace('tracetriage-times-');
  const good = structuredClone(V3);
  good.info.trace_metadata['mlflow.trace.session'] = SESSION;
  input = ws.write('times.jsonl', [JSON.stringify(good), ...CASES.map(caseLine)].join('\n') + '\n');
});
afterAll(() => ws.cleanup());

const INTERNAL = /internal error|Invalid time value|RangeError/;
// Generous: a loaded 2-core machine runs each spawn in seconds, not milliseconds.
const TIMEOUT = 300_000;

describe('unusable times: validate names each one at its JSONPath and reads the trace', () => {
  it(
    'warns unusable-time per case; the schema refuses what its types exclude; the clean trace is valid',
    async () => {
      const run = await runCliAsync(['validate', '--format', 'json', input]);
      expect(run.stderr).not.toMatch(INTERNAL);
      const out = JSON.parse(run.stdout) as {
        records: number;
        valid: number;
        rejected: number;
        rejections: Array<{ index: number; code: string; json_path: string }>;
        warnings: Array<{ index: number; code: string; json_path: string; message: string }>;
      };
      expect(out).toMatchObject({ records: CASES.length + 1, valid: READ.length + 1, rejected: REFUSED.length });
      for (const { c, i } of READ) {
        const mine = out.warnings.filter((w) => w.index === i + 1 && w.code === 'unusable-time');
        expect(
          mine.map((w) => w.json_path),
          c.name,
        ).toEqual([c.warningAt]);
        expect(mine[0]!.message, c.name).toMatch(/^unusable time: expected .+, found .+; read as unknown$/);
      }
      expect(out.warnings.filter((w) => w.index === 0)).toEqual([]);
      expect(out.rejections.map((r) => [r.index, r.code, r.json_path])).toEqual(REFUSED.map(({ c, i }) => [i + 1, 'schema', c.refusedAt]));
      expect(run.status).toBe(1);
    },
    TIMEOUT,
  );

  it(
    'the text form prints the path and what was expected',
    async () => {
      const run = await runCliAsync(['validate', input]);
      expect(run.stdout).toContain(
        `times.jsonl:2:1 record 1 (byte ${readFileSync(input).indexOf('\n') + 1}) ${traceId(0)} $.info.request_time: unusable time: expected milliseconds since the epoch for a time from 1970 to 9999, found -1e+30; read as unknown [unusable-time]`,
      );
    },
    TIMEOUT,
  );
});

const EVERY_TRACE = [GOOD_ID, ...READ.map(({ id }) => id)];

describe.each([
  { command: ['stats', '--format', 'json'], shows: [] as string[] },
  { command: ['sessions', '--format', 'json'], shows: EVERY_TRACE },
  { command: ['sessions'], shows: [SESSION] },
  { command: ['session', SESSION], shows: [SESSION] },
  { command: ['session', SESSION, '--format', 'json'], shows: EVERY_TRACE },
  { command: ['session', SESSION, '--format', 'markdown'], shows: [SESSION] },
  { command: ['search', '--output', 'json'], shows: EVERY_TRACE },
  { command: ['search'], shows: [GOOD_ID] },
  { command: ['analyze'], shows: [] },
  { command: ['analyze', '--format', 'json'], shows: [] },
  { command: ['analyze', '--format', 'junit'], shows: [] },
  { command: ['analyze', '--format', 'sarif'], shows: [] },
  { command: ['report', '--format', 'markdown'], shows: [SESSION] },
  { command: ['report', '--format', 'html'], shows: [SESSION] },
])('$command.0 $command.1 $command.2 over unusable times', ({ command, shows }) => {
  it(
    'reads every usable trace and does not end on a time',
    async () => {
      const run = await runCliAsync([...command, input]);
      expect(run.stderr).not.toMatch(INTERNAL);
      expect(run.stdout).not.toMatch(/Invalid (time value|Date)|NaN-|undefined/);
      // The schema refusals make the read incomplete; nothing else may go wrong (stats counts them).
      if (command[0] !== 'stats') expect(run.stderr).toContain(`${REFUSED.length} record(s) could not be read as traces`);
      expect([0, 1]).toContain(run.status);
      for (const id of shows) expect(run.stdout).toContain(id);
      if (command[0] === 'stats') {
        const stats = JSON.parse(run.stdout) as { total: { traces: number; rejected: number; time_range: unknown } };
        expect(stats.total).toMatchObject({ traces: READ.length + 1, rejected: REFUSED.length });
        // The earliest and latest usable times of the input (V2 sample, V3 sample): no unusable one moved them.
        expect(stats.total.time_range).toEqual({ first: '2026-11-09T16:20:48.305Z', last: '2026-11-10T11:02:16.322Z' });
      }
      if (command[0] === 'sessions' && command.includes('json')) {
        const sessions = JSON.parse(run.stdout) as { sessions: Array<{ session_id: string; turns: number }> };
        expect(sessions.sessions.map((s) => [s.session_id, s.turns])).toEqual([[SESSION, READ.length + 1]]);
      }
    },
    TIMEOUT,
  );
});

describe('trace <id> for each unusable time', () => {
  // Every format for one case of each kind of time; the text format for the others.
  const SAMPLED = new Set(['request_time -1e30', 'execution_duration_ms negative', 'span end before start', 'event time past Date range', 'assessment create_time month 13']);
  it.each(READ.map(({ c, id }) => ({ name: c.name, id, formats: SAMPLED.has(c.name) ? ['text', 'json', 'markdown'] : ['text'] })))(
    '$name',
    async ({ id, formats: FORMATS }) => {
      for (const format of FORMATS) {
        const run = await runCliAsync(['trace', id, '--format', format, input]);
        expect(run.stderr, format).not.toMatch(INTERNAL);
        // 0 today; 1 once rejected records (the schema refusals in this input) set the exit status.
        expect([0, 1], format).toContain(run.status);
        expect(run.stdout, format).toContain(id);
      }
    },
    TIMEOUT,
  );
});

describe('a filter on time: a trace with no usable time matches no comparison', () => {
  it(
    'timestamp_ms > 0 keeps the traces whose request time is usable',
    async () => {
      const run = await runCliAsync(['search', '--filter-string', 'timestamp_ms > 0', '--output', 'json', input]);
      expect(run.stderr).not.toMatch(INTERNAL);
      const ids = (JSON.parse(run.stdout) as { traces: Array<{ info: { trace_id?: string; request_id?: string } }> }).traces.map((t) => t.info.trace_id ?? t.info.request_id);
      const noTime = new Set(READ.filter(({ c }) => /^\$\.info\.(request_time|timestamp_ms)$/.test(c.warningAt ?? '')).map(({ id }) => id));
      expect(noTime.size).toBe(7);
      expect([...ids].sort()).toEqual(EVERY_TRACE.filter((id) => !noTime.has(id)).sort());
    },
    TIMEOUT,
  );
});
