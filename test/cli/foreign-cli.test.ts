import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeWorkspace, runCliAsync, type ValidateJson } from '../helpers/make-inputs.js';

// Other tracers' files from the real CLI: read into the same model (sessions, turns, formats in
// stats), joined across files, or named once for what they are; never taken for an MLflow trace.
const FOREIGN = join(REPO_ROOT, 'test/fixtures/foreign');
const OTLP_1 = join(FOREIGN, 'otlp/js-chat-batch-1.json');
const OTLP_2 = join(FOREIGN, 'otlp/js-chat-batch-2.json');
const TURN_1 = 'tr-0f0c8f1b913814734a94bba90505d3bd';
const TURN_2 = 'tr-acdf6a2912fa28d6e36e0cbad42dda4b';
const CLI_TIMEOUT = 60_000;
const ws = makeWorkspace('tracetriage-foreign-');
afterAll(() => ws.cleanup());

interface SessionJson {
  summary: { turns: number; trace_ids: string[] };
  turns: Array<{ turn: number; trace_id: string; state: string; format: string; user_text: string; answer_text: string | null; source: { source: string; within?: string } }>;
}

interface StatsJson {
  sources: Array<{ source: string; traces: number; spans: number; sessions: number; rejected: number; formats: Record<string, number> }>;
  total: { traces: number; rejected: number };
}

async function json<T>(args: string[]): Promise<{ status: number | null; doc: T; stderr: string }> {
  const run = await runCliAsync(args);
  return { status: run.status, doc: JSON.parse(run.stdout) as T, stderr: run.stderr };
}

describe('a session of OpenTelemetry spans in OTLP/JSON files', () => {
  it(
    'is rebuilt turn by turn from two files, the trace split between them joined into one',
    async () => {
      const { status, doc } = await json<SessionJson>(['session', '--format', 'json', 'chat-7f3a', OTLP_1, OTLP_2]);
      expect(status).toBe(0);
      expect(doc.summary.trace_ids).toEqual([TURN_1, TURN_2]);
      expect(doc.turns.map((t) => [t.turn, t.trace_id, t.state, t.format, t.user_text, t.answer_text])).toEqual([
        [1, TURN_1, 'OK', 'OTLP/JSON', 'Where is my order A-1187?', 'Order A-1187 has shipped; it should arrive on June 3.'],
        [2, TURN_2, 'ERROR', 'OTLP/JSON', 'Can you change the delivery address?', ''],
      ]);
      // Turn 2's spans came from both files: the trace is told where its first span was read.
      expect(doc.turns[1]!.source.source).toBe(OTLP_1);
      expect(doc.turns[1]!.source.within).toBe('(OTLP/JSON trace acdf6a2912fa28d6e36e0cbad42dda4b, spans from 2 records)');
    },
    CLI_TIMEOUT,
  );

  it(
    'gives the joined trace one root and all its spans, found by its OpenTelemetry id',
    async () => {
      const both = await runCliAsync(['trace', 'acdf6a2912fa28d6e36e0cbad42dda4b', OTLP_1, OTLP_2]);
      expect(both.status).toBe(0);
      expect(both.stdout).toMatch(/^trace tr-acdf6a2912fa28d6e36e0cbad42dda4b {2}state ERROR .* format OTLP\/JSON$/mu);
      expect(both.stdout).toContain('spans (3, 2 with status ERROR)');
      expect(both.stdout).toContain('exception TimeoutError: upstream model timed out after 30000 ms');
      // One file alone holds part of the trace: read as what it is, with the missing parent said.
      const alone = await json<StatsJson>(['stats', '--format', 'json', OTLP_2]);
      expect(alone.doc.total.traces).toBe(1);
      expect(alone.doc.sources[0]!.spans).toBe(2);
    },
    CLI_TIMEOUT,
  );

  it(
    'finds what went wrong with analyze, and exports the joined trace as MLflow would hold it',
    async () => {
      const run = await runCliAsync(['analyze', '--format', 'json', OTLP_1, OTLP_2]);
      const doc = JSON.parse(run.stdout) as { findings: Array<{ rule_id: string; message_id: string; turn: number; trace_id: string }> };
      expect(doc.findings.map((f) => [f.rule_id, f.message_id, f.turn, f.trace_id])).toEqual([['error-propagation', 'isolatedFailure', 2, TURN_2]]);
      const get = await runCliAsync(['get', '--trace-id', TURN_2, OTLP_1, OTLP_2]);
      const trace = JSON.parse(get.stdout) as {
        info: { trace_id: string; state: string; trace_metadata: Record<string, string> };
        data: { spans: Array<{ name: string; start_time_unix_nano: number }> };
      };
      expect(trace.info.trace_id).toBe(TURN_2);
      expect(trace.info.state).toBe('ERROR');
      expect(trace.data.spans.map((s) => s.name)).toEqual(['invoke_agent support-bot', 'execute_tool lookup_order', 'chat gpt-4o-mini']);
      // Nanoseconds are written as the file gave them, not rounded through a double.
      const python = join(FOREIGN, 'otlp/python-file-exporter-chat.jsonl');
      const first = JSON.parse(readFileSync(python, 'utf8').split('\n')[0]!) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string; startTimeUnixNano: string }> }> }> };
      const span = first.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
      expect(span.startTimeUnixNano.slice(-3)).not.toBe('000');
      const exact = await runCliAsync(['get', '--trace-id', span.traceId, python]);
      expect(exact.stdout).toContain(`"start_time_unix_nano": ${span.startTimeUnixNano}`);
      // The root's resource is kept on the trace: the service as a tag, every attribute as metadata.
      const info = (JSON.parse(exact.stdout) as { info: { tags: Record<string, string>; trace_metadata: Record<string, string> } }).info;
      expect(info.tags['service.name']).toBe('chat-app');
      expect(info.trace_metadata['otel.resource.deployment.environment']).toBe('test');
    },
    CLI_TIMEOUT,
  );
});

describe('each reader from the real CLI', () => {
  it.concurrent.each<[string, string[], number, Record<string, number>, number]>([
    // folder or files, expected traces, formats, sessions
    ['OTLP/JSON one request per line', ['otlp/js-chat-session.jsonl'], 2, { 'OTLP/JSON': 2 }, 1],
    ['OTLP/JSON snake_case with base64 ids', ['otlp/js-chat-batch-1.proto-snake.json'], 2, { 'OTLP/JSON': 2 }, 1],
    ["OpenTelemetry's own example request", ['otlp/proto-example-trace.json'], 1, { 'OTLP/JSON': 1 }, 0],
    ['OpenTelemetry Python console output', ['otel-console/python-console-chat.txt'], 2, { 'OpenTelemetry console': 2 }, 1],
    ['Jaeger JSON', ['jaeger'], 4, { 'Jaeger JSON': 4 }, 0],
    ['Zipkin v2 JSON', ['zipkin'], 4, { 'Zipkin v2 JSON': 4 }, 0],
    ['Langfuse exports', ['langfuse'], 3, { 'Langfuse export': 3 }, 1],
  ])(
    '%s',
    async (_name, inputs, traces, formats, sessions) => {
      const { status, doc } = await json<StatsJson>(['stats', '--format', 'json', ...inputs.map((p) => join(FOREIGN, p))]);
      expect(status).toBe(0);
      const sum = (key: 'traces' | 'sessions' | 'rejected'): number => doc.sources.reduce((n, s) => n + s[key], 0);
      expect([sum('traces'), sum('rejected'), sum('sessions')]).toEqual([traces, 0, sessions]);
      const seen: Record<string, number> = {};
      for (const s of doc.sources) for (const [k, v] of Object.entries(s.formats)) seen[k] = (seen[k] ?? 0) + v;
      expect(seen).toEqual(formats);
    },
    CLI_TIMEOUT,
  );

  it(
    "turns Langfuse scores into assessments with their rationale and source, in the trace's session",
    async () => {
      const file = join(FOREIGN, 'langfuse/google-adk-2025-08-28.trace.json');
      const { doc } = await json<{ turns: Array<{ assessments: Array<{ name: string; source_type: string; rationale: string | null }> }> }>(['session', '--format', 'json', 'demo-session', file]);
      const assessments = doc.turns.flatMap((t) => t.assessments);
      expect(assessments.length).toBe(2);
      // The same export given twice is one trace with its two scores, not four.
      const twice = await json<{ turns: Array<{ assessments: unknown[] }> }>(['session', '--format', 'json', 'demo-session', file, file]);
      expect(twice.doc.turns.map((t) => t.assessments.length)).toEqual(doc.turns.map((t) => t.assessments.length));
      for (const a of assessments) {
        expect(a.rationale).toMatch(/\S/u);
        expect(['HUMAN', 'LLM_JUDGE', 'CODE']).toContain(a.source_type);
      }
    },
    CLI_TIMEOUT,
  );
});

/** A foreign or near-miss shape written to a file, and what the CLI must make of it. */
interface Shape {
  name: string;
  file: string;
  content: string | Buffer;
  /** Read: how many traces, each with a real id. Named: the one line said about the file. */
  expect: { read: number } | { named: RegExp } | { rejected: RegExp };
}

const fixtureText = (path: string): string => readFileSync(join(FOREIGN, path), 'utf8');
// jaeger-ui's GenAI trace is a single trace; the query service's answer wraps traces in `data`.
const jaegerOne = JSON.parse(fixtureText('jaeger/jaeger-ui_genai-trace.json')) as Record<string, unknown>;
const consoleSpans = fixtureText('otel-console/python-console-chat.txt');

const SHAPES: Shape[] = [
  { name: 'Langfuse trace export', file: 'langfuse.json', content: fixtureText('langfuse/langgraph-python-2025-08-22.trace.json'), expect: { read: 1 } },
  { name: 'Jaeger trace list', file: 'jaeger-list.json', content: JSON.stringify({ data: [jaegerOne], total: 0, limit: 0, offset: 0, errors: null }), expect: { read: 1 } },
  { name: 'Jaeger single trace', file: 'jaeger-one.json', content: JSON.stringify(jaegerOne), expect: { read: 1 } },
  { name: 'OpenTelemetry console output', file: 'console.txt', content: consoleSpans, expect: { read: 2 } },
  { name: 'Zipkin v2 span list', file: 'zipkin.json', content: fixtureText('zipkin/yelp.json'), expect: { read: 1 } },
  {
    name: 'OTLP/JSON in UTF-16 with a BOM',
    file: 'otlp-utf16.json',
    content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fixtureText('otlp/proto-example-trace.json'), 'utf16le')]),
    expect: { read: 1 },
  },
  { name: 'OTLP/JSON logs', file: 'logs.json', content: fixtureText('otlp/proto-example-logs.json'), expect: { named: /^OTLP\/JSON logs, not traces/u } },
  {
    name: 'Langfuse trace list',
    file: 'langfuse-list.json',
    content: JSON.stringify({
      data: [{ id: 't1', name: 'chat', timestamp: '2025-01-01T00:00:00Z', observations: ['o1', 'o2'], scores: [], sessionId: 's1' }],
      meta: { page: 1, limit: 50, totalItems: 1, totalPages: 1 },
    }),
    expect: { named: /Langfuse trace list/u },
  },
  {
    name: 'Phoenix span dataframe as JSON records',
    file: 'phoenix.jsonl',
    content: [1, 2, 3]
      .map((i) =>
        JSON.stringify({
          name: `llm ${i}`,
          span_kind: 'LLM',
          'context.span_id': `${i}`.padStart(16, '0'),
          'context.trace_id': '1'.padStart(32, '0'),
          parent_id: null,
          start_time: '2025-01-01T00:00:00Z',
          end_time: '2025-01-01T00:00:01Z',
          status_code: 'OK',
          'attributes.llm.model_name': 'gpt-4o',
        }),
      )
      .join('\n'),
    expect: { named: /Phoenix/u },
  },
  { name: 'MLflow table output', file: 'table.txt', content: 'info.trace_id  info.state\n-------------  ----------\ntr-1           OK\n', expect: { named: /table output/u } },
  {
    name: 'plain JSON with a trace key',
    file: 'trace-key.json',
    content: JSON.stringify({ trace: { id: 'abc', name: 'chat', input: 'hi' } }),
    expect: { rejected: /whose trace holds object with keys id, name, input/u },
  },
  {
    name: 'JSON lines that are no traces',
    file: 'events.jsonl',
    content: Array.from({ length: 40 }, (_, i) => JSON.stringify({ event: 'click', n: i })).join('\n'),
    expect: { rejected: /^object with keys event, n$/u },
  },
];

describe('foreign and near-miss shapes: read, or named once, never valid with an empty id', () => {
  it.concurrent.each(SHAPES)(
    '$name',
    async (shape) => {
      const path = join(ws.dir, shape.file);
      writeFileSync(path, shape.content);
      const { doc } = await json<ValidateJson>(['validate', '--format', 'json', path]);
      const said = doc.notes.filter((n) => n.kind !== 'utf16');
      if ('read' in shape.expect) {
        expect([doc.valid, doc.rejected, said]).toEqual([shape.expect.read, 0, []]);
        const search = await runCliAsync(['search', '--output', 'json', path]);
        const ids = (JSON.parse(search.stdout) as { traces: Array<{ info: { trace_id: string } }> }).traces.map((t) => t.info.trace_id);
        expect(ids.length).toBe(shape.expect.read);
        for (const id of ids) expect(id).toMatch(/^tr-[0-9a-f]{32}$/u);
      } else if ('named' in shape.expect) {
        expect([doc.valid, doc.rejections.length, said.length]).toEqual([0, 0, 1]);
        expect(said[0]!.kind).toBe('unsupported');
        expect(said[0]!.message).toMatch(shape.expect.named);
      } else {
        // JSON of no known kind: the first record is rejected with what it holds, the rest folded.
        expect(doc.valid).toBe(0);
        expect(doc.rejections.length).toBe(1);
        expect(doc.rejections[0]!.found).toMatch(shape.expect.rejected);
        expect(said.length).toBeLessThanOrEqual(1);
        expect(doc.rejected).toBe(doc.records);
      }
    },
    CLI_TIMEOUT,
  );

  it(
    'names a file of a known kind once when it is found in a directory, and reads the foreign files beside it',
    async () => {
      const dir = join(ws.dir, 'mixed');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(dir);
      for (const shape of SHAPES) writeFileSync(join(dir, shape.file), shape.content);
      const { doc } = await json<ValidateJson>(['validate', '--format', 'json', dir]);
      const skipped = doc.notes.filter((n) => n.kind === 'skipped');
      // Each file of a known kind, and each JSON file that is no export, is skipped with one note.
      expect(skipped.map((n) => n.source.slice(dir.length + 1)).sort()).toEqual(['events.jsonl', 'langfuse-list.json', 'logs.json', 'phoenix.jsonl', 'table.txt', 'trace-key.json']);
      expect(doc.rejections).toEqual([]);
      // The Jaeger list and the single Jaeger trace hold the same trace: joined, it is read once.
      expect(doc.valid).toBe(SHAPES.reduce((n, s) => n + ('read' in s.expect ? s.expect.read : 0), 0) - 1);
    },
    CLI_TIMEOUT,
  );
});
