import type { ForeignReader } from './index.js';
import { addProblem, decodeOtelId, nanosFromIso, objectOf, spanKindName } from './values.js';
import type { ForeignBatch, ForeignEvent, ForeignSpan } from './types.js';

/**
 * The OpenTelemetry Python SDK's console output: `ConsoleSpanExporter` writes each ended span as
 * `ReadableSpan.to_json()`, a pretty-printed object followed by a line feed (so a file is
 * concatenated JSON, one span per record, children before their parent):
 * `{name, context: {trace_id: "0x…", span_id: "0x…", trace_state}, kind: "SpanKind.CLIENT",
 * parent_id: "0x…" | null, start_time, end_time (ISO 8601, microseconds, Z), status: {status_code:
 * "UNSET" | "OK" | "ERROR", description?}, attributes: {…}, events: [{name, timestamp, attributes}],
 * links, resource: {attributes, schema_url}}`. The instrumentation scope is not printed.
 *
 * MLflow 2.x spans look alike (`context.span_id`, `parent_id`, `start_time`) but carry integer
 * times and a top-level `status_code`; OpenInference/Phoenix span JSON has ISO times and a
 * top-level `status_code` too. Only the console span has the `status` object.
 */
export const otelConsoleReader: ForeignReader = {
  format: 'otel-console',
  matches(value) {
    const span = objectOf(value);
    if (!span || typeof span['name'] !== 'string' || 'status_code' in span || 'span_type' in span || 'span_kind' in span) return false;
    const context = objectOf(span['context']);
    const status = objectOf(span['status']);
    return (
      context !== null &&
      typeof context['trace_id'] === 'string' &&
      typeof context['span_id'] === 'string' &&
      status !== null &&
      typeof status['status_code'] === 'string' &&
      typeof span['start_time'] !== 'number'
    );
  },
  read(value) {
    const batch: ForeignBatch = { format: 'otel-console', spans: [], problems: [] };
    const span = readSpan(objectOf(value) ?? {}, batch);
    if (span) batch.spans.push(span);
    return batch;
  },
};

function readSpan(s: Record<string, unknown>, batch: ForeignBatch): ForeignSpan | null {
  const context = objectOf(s['context']) ?? {};
  const traceId = decodeOtelId(context['trace_id'], 16);
  const spanId = decodeOtelId(context['span_id'], 8);
  if (traceId === null) addProblem(batch, '$.context.trace_id', 'a trace id (0x and 32 hex digits)', context['trace_id']);
  if (spanId === null) addProblem(batch, '$.context.span_id', 'a span id (0x and 16 hex digits)', context['span_id']);
  if (traceId === null || spanId === null) return null;
  let parentId: string | null = null;
  if (s['parent_id'] !== null && s['parent_id'] !== undefined) {
    parentId = decodeOtelId(s['parent_id'], 8);
    if (parentId === null) addProblem(batch, '$.parent_id', 'a parent span id (0x and 16 hex digits), or null', s['parent_id']);
  }
  const span: ForeignSpan = {
    traceId,
    spanId,
    parentId,
    name: typeof s['name'] === 'string' ? s['name'] : '',
    startNs: time(s['start_time'], '$.start_time', batch),
    endNs: time(s['end_time'], '$.end_time', batch),
    ...readStatus(objectOf(s['status']) ?? {}, batch),
    attributes: attributesOf(s['attributes'], '$.attributes', batch),
    events: readEvents(s['events'], batch),
  };
  if (s['kind'] !== undefined && s['kind'] !== null) {
    const kind = spanKindName(s['kind']);
    if (kind !== undefined) span.kind = kind;
    else addProblem(batch, '$.kind', 'a span kind (SpanKind.INTERNAL, SERVER, CLIENT, PRODUCER or CONSUMER)', s['kind']);
  }
  const resource = objectOf(s['resource']);
  if (resource) span.resource = attributesOf(resource['attributes'], '$.resource.attributes', batch);
  return span;
}

function readStatus(status: Record<string, unknown>, batch: ForeignBatch): Pick<ForeignSpan, 'status' | 'statusMessage'> {
  const code = status['status_code'];
  const statusMessage = typeof status['description'] === 'string' ? status['description'] : '';
  if (code === 'OK' || code === 'ERROR' || code === 'UNSET') return { status: code, statusMessage };
  addProblem(batch, '$.status.status_code', 'UNSET, OK or ERROR', code);
  return { status: 'UNSET', statusMessage };
}

function readEvents(value: unknown, batch: ForeignBatch): ForeignEvent[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    addProblem(batch, '$.events', 'an array of events', value);
    return [];
  }
  const events: ForeignEvent[] = [];
  value.forEach((item, i) => {
    const e = objectOf(item);
    if (!e) {
      addProblem(batch, `$.events[${i}]`, 'an event object', item);
      return;
    }
    events.push({
      name: typeof e['name'] === 'string' ? e['name'] : '',
      timeNs: time(e['timestamp'], `$.events[${i}].timestamp`, batch),
      attributes: attributesOf(e['attributes'], `$.events[${i}].attributes`, batch),
    });
  });
  return events;
}

/** Attributes are printed as a plain object already (`dict(span.attributes)`); kept as they are. */
function attributesOf(value: unknown, path: string, batch: ForeignBatch): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  const attributes = objectOf(value);
  if (attributes) return { ...attributes };
  addProblem(batch, path, 'an object of attributes', value);
  return {};
}

function time(value: unknown, path: string, batch: ForeignBatch): string | null {
  if (value === undefined || value === null) return null;
  const nanos = nanosFromIso(value);
  if (nanos === null) addProblem(batch, path, 'an ISO 8601 time with a zone (2026-01-02T03:04:05.123456Z)', value);
  return nanos;
}
