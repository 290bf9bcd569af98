import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readTraces } from '../../src/engine/read/read.js';
import { normalizeRecord } from '../../src/model/normalize.js';
import { Attributes } from '../../src/model/attributes.js';
import type { Span, SpanEvent, Trace } from '../../src/model/types.js';

/** Absolute path of a file in test/fixtures. */
export function fixturePath(file: string): string {
  return fileURLToPath(new URL(`../fixtures/${file}`, import.meta.url));
}

/** The parsed JSON of a fixture, for tests that alter a real record before normalizing it. */
export function fixtureJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(fixturePath(file), 'utf8')) as Record<string, unknown>;
}

/** Normalizes a parsed record and fails loudly when the model refuses it. */
export function traceOf(record: unknown): Trace {
  const result = normalizeRecord(record);
  if ('problem' in result) throw new Error(`refused: ${JSON.stringify(result.problem)}`);
  return result.trace;
}

/**
 * Every trace of a fixture: a single `Trace.to_json` file through `normalizeRecord`, a
 * `{"traces": [...]}` CLI export through the engine's `readTraces`, which must reject nothing.
 */
export async function fixtureTraces(file: string, via: 'record' | 'read'): Promise<Trace[]> {
  if (via === 'record') return [traceOf(fixtureJson(file))];
  const traces: Trace[] = [];
  for await (const event of readTraces([fixturePath(file)])) {
    if (event.type === 'trace') traces.push(event.trace);
    else if (event.type === 'rejected') throw new Error(`rejected: ${event.rejection.message}`);
    else if (event.type === 'note') throw new Error(`note: ${event.note.message}`);
  }
  return traces;
}

/** A 19-digit nanosecond time as the double `JSON.parse` makes of it (not exact beyond 2^53). */
export function ns(digits: string): number {
  return Number(digits);
}

/** A hand-made span for tree tests: only ids and the start time matter there. */
export function treeSpan(index: number, spanId: string, parentId: string | null, start: number | null): Span {
  return {
    index,
    spanId,
    parentId,
    otelTraceId: null,
    name: spanId,
    startTimeNs: start,
    endTimeNs: start,
    status: 'OK',
    statusMessage: '',
    events: [],
    attributes: new Attributes({}, true),
  };
}

/** What the fixture tables compare for one span: every field, attributes decoded. */
export interface SpanView {
  spanId: string;
  parentId: string | null;
  otelTraceId: string | null;
  name: string;
  startTimeNs: number | null;
  endTimeNs: number | null;
  status: Span['status'];
  statusMessage: string;
  events: SpanEvent[];
  attributes: Record<string, unknown>;
}

export function viewSpan(span: Span): SpanView {
  return {
    spanId: span.spanId,
    parentId: span.parentId,
    otelTraceId: span.otelTraceId,
    name: span.name,
    startTimeNs: span.startTimeNs,
    endTimeNs: span.endTimeNs,
    status: span.status,
    statusMessage: span.statusMessage,
    events: span.events,
    attributes: span.attributes.toObject(),
  };
}

/** The fixtures that hold one trace each: nine traces, MLflow 2.19 to 3.6. */
export const SINGLE_TRACE_FIXTURES = [
  'v2.19_trace_ok.json',
  'v2.22_trace_error.json',
  'v2.22_trace_ok_chat_messages.json',
  'v3.4_trace_ok_assessments_session.json',
  'v3.5.0-equivalent_trace_ok_assessments_session.json',
  'v3.6_trace_error.json',
  'v3.6_trace_ok_assessments_session.json',
  'v3.6_trace_otel_ingested_genai_openinference.json',
  'v3.6_trace_span_events_microsecond_timestamps.json',
] as const;

/** A trace as `query` sees it: MLflow trace id, parsed JSON, original bytes. */
export interface QueryTrace {
  id: string;
  doc: unknown;
  bytes: Buffer;
}

/** Reads fixtures as the CLI's `query` does; a rejected record fails the test. */
export async function queryTraces(files: readonly string[]): Promise<QueryTrace[]> {
  const out: QueryTrace[] = [];
  for await (const event of readTraces(files.map(fixturePath))) {
    if (event.type === 'trace') out.push({ id: event.trace.traceId, doc: event.value, bytes: event.bytes });
    else if (event.type === 'rejected') throw new Error(event.rejection.message);
  }
  return out;
}
