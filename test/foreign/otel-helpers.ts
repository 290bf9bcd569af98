import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordScanner } from '../../src/ingest/scanner.js';
import { turnTexts } from '../../src/model/digest.js';
import { mlflowTraceJson } from '../../src/model/foreign/index.js';
import type { ForeignBatch, ForeignReader, ForeignSpan } from '../../src/model/foreign/index.js';
import { normalizeRecord } from '../../src/model/normalize.js';
import { sessionIdOf } from '../../src/model/session-keys.js';
import { turnIo } from '../../src/model/turn-io.js';
import type { Trace } from '../../src/model/types.js';

/** Every record of a file as the CLI cuts them (one document, JSON Lines, concatenated JSON), parsed. */
export function recordsOf(path: string): unknown[] {
  const records: unknown[] = [];
  const scanner = new RecordScanner(path, {
    record: (r) => {
      if (r.problem) throw new Error(`${path}: ${r.problem.message}`);
      records.push(JSON.parse(r.bytes.toString('utf8')));
    },
    note: () => undefined,
  });
  scanner.push(readFileSync(path));
  scanner.finish();
  return records;
}

/** Every record of the files read by one reader, asserting none of the records has problems. */
export function batchesOf(reader: ForeignReader, ...paths: string[]): ForeignBatch[] {
  return paths.flatMap((path) => recordsOf(path).map((record) => reader.read(record)));
}

/** One trace joined from batches, as the plumbing will: its spans, and the model trace MLflow's JSON of them reads into. */
export interface Joined {
  traceId: string;
  spans: ForeignSpan[];
  trace: Trace;
}

/** Spans joined by trace id across batches, each trace written by `mlflowTraceJson` and read back. */
export function joinTraces(batches: readonly ForeignBatch[]): Map<string, Joined> {
  const byTrace = new Map<string, ForeignSpan[]>();
  for (const span of batches.flatMap((b) => b.spans)) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
  const out = new Map<string, Joined>();
  for (const [traceId, spans] of byTrace) {
    const result = normalizeRecord(JSON.parse(mlflowTraceJson(traceId, spans)));
    if ('problem' in result) throw new Error(`${traceId}: ${result.problem.jsonPath}: expected ${result.problem.expected}, found ${result.problem.found}`);
    out.set(traceId, { traceId, spans, trace: result.trace });
  }
  return out;
}

/** What a test asserts about a joined trace. */
export interface TraceFacts {
  spans: number;
  roots: string[];
  state: string;
  session: string | null;
  input: string;
  output: string;
  errorSpans: string[];
}

export function factsOf(joined: Joined): TraceFacts {
  const { trace } = joined;
  const texts = turnTexts(turnIo(trace), { full: true });
  return {
    spans: trace.spans.length,
    roots: trace.tree.roots.map((i) => trace.spans[i]!.name),
    state: trace.info.state ?? '',
    session: sessionIdOf(trace),
    input: texts.userText,
    output: texts.answerText,
    errorSpans: trace.spans.filter((s) => s.status === 'ERROR').map((s) => s.name),
  };
}

/** Parent links by span id, for comparing a trace's shape. */
export function parentsOf(spans: readonly ForeignSpan[]): Record<string, string | null> {
  return Object.fromEntries(spans.map((s) => [s.spanId, s.parentId]));
}

const MLFLOW_FIXTURES = 'test/fixtures';

/**
 * MLflow's own records, for near misses: each fixture file whole, each record the scanner cuts from
 * it, and each of their spans (an MLflow 2.x span has `context`, `parent_id` and `start_time` too).
 */
export function mlflowShapes(): Array<{ name: string; value: unknown }> {
  const shapes: Array<{ name: string; value: unknown }> = [];
  for (const file of readdirSync(MLFLOW_FIXTURES).filter((f) => f.endsWith('.json'))) {
    const path = join(MLFLOW_FIXTURES, file);
    shapes.push({ name: file, value: JSON.parse(readFileSync(path, 'utf8')) });
    recordsOf(path).forEach((record, i) => {
      shapes.push({ name: `${file} record ${i}`, value: record });
      const data = (record as { data?: { spans?: unknown[] } }).data;
      (data?.spans ?? []).forEach((span, j) => shapes.push({ name: `${file} record ${i} span ${j}`, value: span }));
    });
  }
  return shapes;
}

/** Records of the other foreign formats, written after their documented shapes. */
export const OTHER_FORMAT_SHAPES: Array<{ name: string; value: unknown }> = [
  {
    name: 'Jaeger UI JSON',
    value: {
      data: [
        {
          traceID: '5b8efff798038103d269b633813fc60c',
          spans: [
            {
              traceID: '5b8efff798038103d269b633813fc60c',
              spanID: 'eee19b7ec3c1b174',
              operationName: 'chat',
              references: [],
              startTime: 1544712660000000,
              duration: 1000,
              tags: [],
              logs: [],
              processID: 'p1',
            },
          ],
          processes: { p1: { serviceName: 'svc', tags: [] } },
        },
      ],
    },
  },
  {
    name: 'Zipkin v2 span',
    value: { traceId: '5b8efff798038103d269b633813fc60c', id: 'eee19b7ec3c1b174', name: 'chat', timestamp: 1544712660000000, duration: 1000, localEndpoint: { serviceName: 'svc' }, tags: {} },
  },
  {
    name: 'Langfuse trace',
    value: {
      id: 'trace-1',
      name: 'chat',
      sessionId: 's1',
      input: 'hi',
      output: 'hello',
      observations: [{ id: 'obs-1', traceId: 'trace-1', type: 'GENERATION', startTime: '2025-01-01T00:00:00.000Z' }],
      scores: [],
    },
  },
  {
    name: 'OpenInference/Phoenix span JSON',
    value: {
      name: 'llm',
      context: { trace_id: '409df945-e058-4829-b240-cfbdd2ff4488', span_id: '01fa9612-01b8-4358-85d6-e3e067305ec3' },
      span_kind: 'LLM',
      parent_id: null,
      start_time: '2024-01-11T16:45:17.982858-07:00',
      end_time: '2024-01-11T16:45:18.517639-07:00',
      status_code: 'OK',
      status_message: '',
      attributes: {},
    },
  },
];

/**
 * The Python chat app of scripts/fixtures/otel-console-chat.py, one run written twice (console
 * output and the OTLP JSON file exporter): its two turns as both formats must read.
 */
export const PYTHON_RUN = {
  turns: ['477024c808a24c225aef690ced5337d2', 'bb339ac81f621a4d04f6360dc279d3d2'],
  facts: [
    { spans: 3, roots: ['chat_turn'], state: 'OK', session: 'sess-py-42', input: 'Where is my order A-1187?', output: 'Your order A-1187 left the warehouse yesterday.', errorSpans: [] },
    { spans: 3, roots: ['chat_turn'], state: 'ERROR', session: 'sess-py-42', input: 'And when will it arrive?', output: '', errorSpans: ['chat_turn', 'chat gpt-4o-mini'] },
  ] satisfies TraceFacts[],
} as const;
