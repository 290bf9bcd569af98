import type { ForeignAssessment, ForeignSpan, ForeignTraceInfo } from './types.js';

/**
 * A span written as MLflow's JSON, with the few facts the trace's info is made of: what a join
 * holds per span until its trace is complete (a string and six small fields, not the span's
 * attribute objects, which would keep a whole file's values alive).
 */
export interface RenderedSpan {
  spanId: string;
  parentId: string | null;
  name: string;
  startNs: string | null;
  endNs: string | null;
  status: ForeignSpan['status'];
  /** The resource's attributes (`service.name`, `deployment.environment`, …), or null. */
  resource: Record<string, unknown> | null;
  text: string;
}

export function renderSpan(span: ForeignSpan): RenderedSpan {
  return {
    spanId: span.spanId,
    parentId: span.parentId,
    name: span.name,
    startNs: span.startNs,
    endNs: span.endNs,
    status: span.status,
    resource: span.resource !== undefined && Object.keys(span.resource).length > 0 ? span.resource : null,
    text: spanJson(span),
  };
}

/**
 * Writes one joined foreign trace as the MLflow 3 export MLflow would hold after ingesting its
 * spans over OTLP (`{info, data: {spans}}`, span ids in base64, attribute values as JSON text,
 * as `mlflow traces get` prints them): every command then reads it exactly as an MLflow export,
 * and `get`/`search` print it in the shape a user of MLflow expects.
 */
export function mlflowTraceJson(traceId: string, spans: readonly ForeignSpan[], info: ForeignTraceInfo = {}): string {
  return traceJson(traceId, spans.map(renderSpan), info);
}

/** {@link mlflowTraceJson} from spans already rendered. */
export function traceJson(traceId: string, spans: readonly RenderedSpan[], info: ForeignTraceInfo = {}): string {
  const ordered = [...spans].sort(byStart);
  const ids = new Set(ordered.map((s) => s.spanId));
  const root = ordered.find((s) => s.parentId === null || !ids.has(s.parentId)) ?? ordered[0];
  let first: bigint | null = null;
  let last: bigint | null = null;
  for (const s of ordered) {
    if (s.startNs !== null && (first === null || BigInt(s.startNs) < first)) first = BigInt(s.startNs);
    if (s.endNs !== null && (last === null || BigInt(s.endNs) > last)) last = BigInt(s.endNs);
  }
  const metadata: Record<string, string> = { 'mlflow.trace_schema.version': '3', ...(info.metadata ?? {}) };
  if (info.sessionId) metadata['mlflow.trace.session'] = info.sessionId;
  if (info.userId) metadata['mlflow.trace.user'] = info.userId;
  const tags: Record<string, string> = { ...(info.tags ?? {}) };
  const name = info.name ?? root?.name;
  if (name) tags['mlflow.traceName'] = name;
  // The root's resource says which service served the turn: its attributes are kept on the trace,
  // as `otel.resource.<key>` metadata (MLflow's OTLP ingest keeps none), the service name as a tag.
  for (const [key, value] of Object.entries(root?.resource ?? {})) {
    metadata[`otel.resource.${key}`] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const service = root?.resource?.['service.name'];
  if (typeof service === 'string' && service !== '') tags['service.name'] = service;
  const mlflowId = `tr-${traceId}`;
  const traceInfo: Record<string, unknown> = {
    trace_id: mlflowId,
    ...(first !== null ? { request_time: new Date(Number(first / 1_000_000n)).toISOString() } : {}),
    state: root?.status === 'ERROR' ? 'ERROR' : 'OK',
    trace_metadata: metadata,
    tags,
    ...(first !== null && last !== null && last >= first ? { execution_duration_ms: Number((last - first) / 1_000_000n) } : {}),
    ...(info.assessments && info.assessments.length > 0 ? { assessments: info.assessments.map((a) => assessmentJson(a, mlflowId)) } : {}),
  };
  return `{"info":${JSON.stringify(traceInfo)},"data":{"spans":[${ordered.map((span) => span.text).join(',')}]}}`;
}

function spanJson(span: ForeignSpan): string {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(span.attributes)) attributes[key] = JSON.stringify(value ?? null);
  const service = span.resource?.['service.name'];
  if (typeof service === 'string' && !('service.name' in attributes)) attributes['service.name'] = JSON.stringify(service);
  if (span.kind && !('span.kind' in attributes)) attributes['span.kind'] = JSON.stringify(span.kind);
  const events = span.events.map((event) => `{"name":${JSON.stringify(event.name)},"time_unix_nano":${digits(event.timeNs)},"attributes":${JSON.stringify(event.attributes)}}`);
  const status = { code: `STATUS_CODE_${span.status}`, message: span.statusMessage };
  return (
    `{"trace_id":${JSON.stringify(base64(span.traceId))},"span_id":${JSON.stringify(base64(span.spanId))},` +
    `"parent_span_id":${span.parentId === null ? 'null' : JSON.stringify(base64(span.parentId))},` +
    `"name":${JSON.stringify(span.name)},"start_time_unix_nano":${digits(span.startNs)},"end_time_unix_nano":${digits(span.endNs)},` +
    `"events":[${events.join(',')}],"status":${JSON.stringify(status)},"attributes":${JSON.stringify(attributes)}}`
  );
}

function assessmentJson(a: ForeignAssessment, traceId: string): Record<string, unknown> {
  return {
    ...(a.id ? { assessment_id: a.id } : {}),
    assessment_name: a.name,
    trace_id: traceId,
    ...(a.spanId ? { span_id: base64(a.spanId) } : {}),
    source: { source_type: a.source, ...(a.sourceId ? { source_id: a.sourceId } : {}) },
    ...(a.time ? { create_time: a.time, last_update_time: a.time } : {}),
    feedback: { value: a.value, ...(a.error ? { error: { error_code: 'SCORER_ERROR', error_message: a.error } } : {}) },
    ...(a.rationale ? { rationale: a.rationale } : {}),
    valid: true,
  };
}

/** A hex id as base64 of its bytes, as MLflow 3 writes span ids; anything else is kept as it is. */
function base64(hex: string): string {
  return /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/.test(hex) ? Buffer.from(hex, 'hex').toString('base64') : hex;
}

/** Digits written as a JSON number, unchanged (no rounding through a double). */
function digits(value: string | null): string {
  return value !== null && /^\d{1,30}$/.test(value) ? value : 'null';
}

function byStart(a: RenderedSpan, b: RenderedSpan): number {
  const x = a.startNs;
  const y = b.startNs;
  // Millisecond clocks (the JavaScript SDK) start a parent and its first child at once: root first.
  if (x === y) return (a.parentId === null ? 0 : 1) - (b.parentId === null ? 0 : 1);
  if (x === null) return 1;
  if (y === null) return -1;
  // Digit strings without leading zeros: the longer is the later; of equal length, text order is time order.
  return x.length !== y.length ? x.length - y.length : x < y ? -1 : 1;
}
