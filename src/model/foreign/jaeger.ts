import type { ForeignReader } from './index.js';
import type { ForeignBatch, ForeignEvent, ForeignProblem, ForeignSpan } from './types.js';
import { decodeOtelId, endFromDuration, isRecord, microsToNs, problem, spanKindName, text } from './values.js';

/**
 * Jaeger's JSON, as the query service's `/api/traces` and `/api/traces/{id}` answer and the UI's
 * "Download JSON" saves it (`internal/uimodel/model.go` in jaegertracing/jaeger): `{data: [trace],
 * total, limit, offset, errors}`, a bare trace `{traceID, spans, processes}`, or one span of either
 * (`jq '.data[].spans[]'`, the anonymizer's output, where each span embeds its `process`).
 */
export const jaegerReader: ForeignReader = {
  format: 'jaeger',
  matches: isJaegerRecord,
  read: readJaeger,
};

function isJaegerRecord(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (Array.isArray(value.data)) {
    // An empty answer is still Jaeger's: its envelope keys say so; Langfuse's lists carry `meta`.
    if (value.data.length === 0) return 'errors' in value && 'total' in value && !('meta' in value);
    return value.data.every(isJaegerTrace);
  }
  return isJaegerTrace(value) || isJaegerSpan(value);
}

function isJaegerTrace(value: unknown): boolean {
  if (!isRecord(value) || typeof value.traceID !== 'string' || !Array.isArray(value.spans)) return false;
  return value.spans.length === 0 ? isRecord(value.processes) : isJaegerSpan(value.spans[0]);
}

function isJaegerSpan(value: unknown): boolean {
  return isRecord(value) && typeof value.traceID === 'string' && typeof value.spanID === 'string' && typeof value.operationName === 'string';
}

function readJaeger(value: unknown): ForeignBatch {
  const batch: ForeignBatch = { format: 'jaeger', spans: [], problems: [] };
  if (!isRecord(value)) {
    batch.problems.push(problem('$', 'a Jaeger trace list, trace or span', value));
    return batch;
  }
  if (Array.isArray(value.data)) {
    value.data.forEach((trace, t) => readTrace(trace, `$.data[${t}]`, batch));
    if (Array.isArray(value.errors)) {
      value.errors.forEach((error, i) => {
        const message = isRecord(error) ? (text(error.msg) ?? JSON.stringify(error)) : String(error);
        batch.problems.push({ jsonPath: `$.errors[${i}]`, expected: 'a trace (the query service reported an error instead)', found: message });
      });
    }
  } else if (Array.isArray(value.spans)) {
    readTrace(value, '$', batch);
  } else {
    const span = readSpan(value, '$', {}, batch.problems);
    if (span) batch.spans.push(span);
  }
  return batch;
}

function readTrace(trace: unknown, path: string, batch: ForeignBatch): void {
  if (!isRecord(trace) || !Array.isArray(trace.spans)) {
    batch.problems.push(problem(path, 'a Jaeger trace {traceID, spans, processes}', trace));
    return;
  }
  const processes = isRecord(trace.processes) ? trace.processes : {};
  trace.spans.forEach((raw, i) => {
    const span = readSpan(raw, `${path}.spans[${i}]`, processes, batch.problems, trace.traceID);
    if (span) batch.spans.push(span);
  });
}

function readSpan(raw: unknown, path: string, processes: Record<string, unknown>, problems: ForeignProblem[], traceTraceId?: unknown): ForeignSpan | null {
  if (!isRecord(raw)) {
    problems.push(problem(path, 'a Jaeger span object', raw));
    return null;
  }
  const traceId = decodeOtelId(raw.traceID ?? traceTraceId, 16);
  if (traceId === null) {
    problems.push(problem(`${path}.traceID`, 'a hex trace id of 16 or 32 digits', raw.traceID ?? traceTraceId));
    return null;
  }
  const spanId = decodeOtelId(raw.spanID, 8);
  if (spanId === null) {
    problems.push(problem(`${path}.spanID`, 'a hex span id of 16 digits', raw.spanID));
    return null;
  }
  const attributes = keyValues(raw.tags);
  const kind = spanKindName(attributes['span.kind']);
  // The kind is carried by `kind`; the writer adds `span.kind` back from it.
  delete attributes['span.kind'];
  if (Array.isArray(raw.warnings) && raw.warnings.length > 0) attributes['jaeger.warnings'] = raw.warnings;
  const events = logsToEvents(raw.logs);
  const startNs = microsToNs(raw.startTime);
  const resource = resourceOf(raw, processes);
  const span: ForeignSpan = {
    traceId,
    spanId,
    parentId: parentOf(raw, traceId),
    name: typeof raw.operationName === 'string' ? raw.operationName : '',
    startNs,
    endNs: endFromDuration(startNs, raw.duration),
    ...statusOf(attributes, events),
    ...(kind ? { kind } : {}),
    attributes,
    events,
    ...(resource ? { resource } : {}),
  };
  return span;
}

/**
 * The parent: the first CHILD_OF reference into the same trace, as Jaeger's model and OTel's
 * translator take it; else the first FOLLOWS_FROM into the same trace (the span still hangs under
 * the one it follows instead of becoming a second root); else the deprecated `parentSpanID`.
 */
function parentOf(raw: Record<string, unknown>, traceId: string): string | null {
  const refs = Array.isArray(raw.references) ? raw.references.filter(isRecord) : [];
  const sameTrace = refs.filter((r) => decodeOtelId(r.traceID, 16) === traceId);
  for (const type of ['CHILD_OF', 'FOLLOWS_FROM']) {
    const ref = sameTrace.find((r) => r.refType === type && decodeOtelId(r.spanID, 8) !== null);
    if (ref) return decodeOtelId(ref.spanID, 8);
  }
  return decodeOtelId(raw.parentSpanID, 8);
}

/**
 * Status as Jaeger's own OTLP conversion reads it (`setSpanStatus`, internal/storage/v2/.../from_dbmodel.go):
 * an `error` tag that is true wins; else `otel.status_code`. The message is `otel.status_description`,
 * else what the error log says (an exception's message, an OpenTracing error log's `message`).
 */
function statusOf(attributes: Record<string, unknown>, events: ForeignEvent[]): Pick<ForeignSpan, 'status' | 'statusMessage'> {
  const description = typeof attributes['otel.status_description'] === 'string' ? attributes['otel.status_description'] : '';
  const error = attributes.error === true || attributes.error === 'true';
  const code = typeof attributes['otel.status_code'] === 'string' ? attributes['otel.status_code'].toUpperCase() : '';
  if (error || code === 'ERROR') {
    const exception = events.find((e) => e.name === 'exception');
    const fromLog = exception ? text(exception.attributes['exception.message']) : undefined;
    return { status: 'ERROR', statusMessage: description || (fromLog ?? '') };
  }
  if (code === 'OK') return { status: 'OK', statusMessage: '' };
  return { status: 'UNSET', statusMessage: '' };
}

/**
 * Logs become events named by their `event` field, as OTel's Jaeger translator names them. An
 * OpenTracing error log (`event: error` with `error.kind`, `message`, `stack`, `error.object`)
 * becomes an `exception` event with the OTel keys beside its own, so the error rules read it.
 */
function logsToEvents(logs: unknown): ForeignEvent[] {
  if (!Array.isArray(logs)) return [];
  return logs.filter(isRecord).map((log) => {
    const attributes = keyValues(log.fields);
    const name = typeof attributes.event === 'string' && attributes.event !== '' ? attributes.event : 'log';
    delete attributes.event;
    if (name === 'error') {
      const message = text(attributes.message) ?? text(attributes['error.object']);
      const type = text(attributes['error.kind']);
      const stack = text(attributes.stack);
      return {
        name: 'exception',
        timeNs: microsToNs(log.timestamp),
        attributes: {
          ...attributes,
          ...(type ? { 'exception.type': type } : {}),
          ...(message ? { 'exception.message': message } : {}),
          ...(stack ? { 'exception.stacktrace': stack } : {}),
        },
      };
    }
    return { name, timeNs: microsToNs(log.timestamp), attributes };
  });
}

/** The span's Jaeger process (by `processID` in the trace's table, else embedded) as the resource. */
function resourceOf(raw: Record<string, unknown>, processes: Record<string, unknown>): Record<string, unknown> | null {
  const owner = typeof raw.processID === 'string' && isRecord(processes[raw.processID]) ? processes[raw.processID] : raw.process;
  if (!isRecord(owner)) return null;
  const resource = keyValues(owner.tags);
  if (typeof owner.serviceName === 'string') resource['service.name'] = owner.serviceName;
  return resource;
}

/**
 * Jaeger key-values `[{key, type, value}]` as plain values. An int64 beyond 2^53 arrives as a
 * string (the UI model writes it so) and stays one; a bool may arrive as the string "true".
 */
function keyValues(list: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (!isRecord(item) || typeof item.key !== 'string') continue;
    out[item.key] = typedValue(item.type, item.value);
  }
  return out;
}

function typedValue(type: unknown, value: unknown): unknown {
  if (type === 'bool' && typeof value === 'string') return value === 'true' ? true : value === 'false' ? false : value;
  if ((type === 'int64' || type === 'float64') && typeof value === 'string') {
    const n = Number(value);
    return Number.isFinite(n) && (type === 'float64' || Number.isSafeInteger(n)) ? n : value;
  }
  return value ?? null;
}
