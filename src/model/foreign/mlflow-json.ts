import type { ForeignAssessment, ForeignSpan, ForeignTraceInfo } from './types.js';

/**
 * Writes one joined foreign trace as the MLflow 3 export MLflow would hold after ingesting its
 * spans over OTLP (`{info, data: {spans}}`, span ids in base64, attribute values as JSON text,
 * as `mlflow traces get` prints them): every command then reads it exactly as an MLflow export,
 * and `get`/`search` print it in the shape a user of MLflow expects.
 */
export function mlflowTraceJson(traceId: string, spans: readonly ForeignSpan[], info: ForeignTraceInfo = {}): string {
  const ordered = [...spans].sort(byStart);
  const root = ordered.find((s) => s.parentId === null || !ordered.some((o) => o.spanId === s.parentId)) ?? ordered[0];
  const starts = ordered.map((s) => s.startNs).filter((t): t is string => t !== null).map(BigInt);
  const ends = ordered.map((s) => s.endNs).filter((t): t is string => t !== null).map(BigInt);
  const first = starts.length > 0 ? starts.reduce(min) : null;
  const last = ends.length > 0 ? ends.reduce(max) : null;
  const metadata: Record<string, string> = { 'mlflow.trace_schema.version': '3', ...(info.metadata ?? {}) };
  if (info.sessionId) metadata['mlflow.trace.session'] = info.sessionId;
  if (info.userId) metadata['mlflow.trace.user'] = info.userId;
  const tags: Record<string, string> = { ...(info.tags ?? {}) };
  const name = info.name ?? root?.name;
  if (name) tags['mlflow.traceName'] = name;
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
  const spanTexts = ordered.map((span) => spanJson(span));
  return `{"info":${JSON.stringify(traceInfo)},"data":{"spans":[${spanTexts.join(',')}]}}`;
}

function spanJson(span: ForeignSpan): string {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(span.attributes)) attributes[key] = JSON.stringify(value ?? null);
  const service = span.resource?.['service.name'];
  if (typeof service === 'string' && !('service.name' in attributes)) attributes['service.name'] = JSON.stringify(service);
  if (span.kind && !('span.kind' in attributes)) attributes['span.kind'] = JSON.stringify(span.kind);
  const events = span.events.map(
    (event) => `{"name":${JSON.stringify(event.name)},"time_unix_nano":${digits(event.timeNs)},"attributes":${JSON.stringify(event.attributes)}}`,
  );
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

function byStart(a: ForeignSpan, b: ForeignSpan): number {
  const x = a.startNs === null ? null : BigInt(a.startNs);
  const y = b.startNs === null ? null : BigInt(b.startNs);
  // Millisecond clocks (the JavaScript SDK) start a parent and its first child at once: root first.
  if (x === y) return (a.parentId === null ? 0 : 1) - (b.parentId === null ? 0 : 1);
  if (x === null) return 1;
  if (y === null) return -1;
  return x < y ? -1 : 1;
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
