/**
 * What MLflow's stores hold for a trace in export shape, value by value (see scripts/store-writer.mjs
 * for the sources): span texts and columns, assessment rows, stored tags, the traces.json artifact
 * of 3.x and of 2.x (V2 spans, `request`/`response`), and lossless export parsing.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse as parseLossless } from 'lossless-json';
import { dumps, ensureAscii, Raw } from './pyjson.mjs';

/**
 * Parses export JSON without losing digits: integers beyond 2^53 (nanosecond times) become BigInt,
 * and a float with an integral value keeps its text (`4.0`, as Python wrote it), so writing it
 * back gives the same JSON.
 * @param {string} text
 * @returns {any}
 */
export function parseExport(text) {
  return parseLossless(text, null, (s) => {
    const n = Number(s);
    if (/^-?\d+$/.test(s)) return Number.isSafeInteger(n) ? n : BigInt(s);
    return Number.isInteger(n) ? new Raw(s) : n;
  });
}

/** The traces of an export document: `{traces: [...]}`, a bare array, or one `{info, data}`. */
export function tracesOf(doc) {
  return Array.isArray(doc) ? doc : Array.isArray(doc?.traces) ? doc.traces : [doc];
}

/** The experiment id of an export-shape trace. */
export function experimentOf(trace) {
  const id = trace.info?.trace_location?.mlflow_experiment?.experiment_id ?? trace.info?.experiment_id;
  if (typeof id !== 'string' || !/^\d+$/.test(id)) throw new Error(`trace ${trace.info?.trace_id}: no numeric trace_location.mlflow_experiment.experiment_id`);
  return id;
}

/** `tr-…` or a 32-hex request id, whichever the trace has. */
export const traceIdOf = (trace) => trace.info.trace_id ?? trace.info.request_id;

/** A span's JSON text as MLflow writes it (json.dumps: `, ` and `: `, non-ASCII escaped). */
export function spanText(span) {
  return typeof span === 'string' ? span : ensureAscii(dumps(span));
}

/** The `{"spans": [...]}` artifact (traces.json) of a trace. */
export function traceDataText(trace) {
  return '{"spans": [' + trace.data.spans.map(spanText).join(', ') + ']}';
}

const b64hex = (v) => (v ? Buffer.from(String(v), 'base64').toString('hex') : null);

/** An integer JSON value (number, BigInt, digits, or pyjson's Raw) as BigInt, exactly. */
function bigint(v) {
  if (v === null || v === undefined) return null;
  if (v instanceof Raw) return BigInt(v.text);
  return BigInt(v);
}

/** What the spans table's columns hold for one span. */
export function spanColumns(span) {
  const text = spanText(span);
  const obj = typeof span === 'string' ? JSON.parse(span) : span;
  // Times from the text when the span came as text: JSON.parse rounds 19-digit integers.
  const time = (key) => {
    if (typeof span !== 'string') return bigint(obj[key]);
    const m = new RegExp(`"${key}":\\s*(\\d+)`).exec(span);
    return m ? BigInt(m[1]) : null;
  };
  const rawType = obj.attributes?.['mlflow.spanType'];
  let type = null;
  if (typeof rawType === 'string') {
    try {
      type = JSON.parse(rawType);
    } catch {
      type = rawType;
    }
  }
  const code = String(obj.status?.code ?? 'STATUS_CODE_UNSET').replace(/^STATUS_CODE_/, '');
  return { text, spanId: b64hex(obj.span_id), parentId: b64hex(obj.parent_span_id), name: obj.name ?? null, type, status: code, start: time('start_time_unix_nano'), end: time('end_time_unix_nano') };
}

/** An assessment as an `assessments` row (SqlAssessments.from_mlflow_entity). */
export function assessmentRow(a, traceId) {
  const json = (v) => ensureAscii(dumps(v));
  let type;
  let value;
  let error = null;
  if (a.feedback) {
    type = 'feedback';
    value = json(a.feedback.value ?? null);
    if (a.feedback.error) error = json(a.feedback.error);
  } else if (a.expectation) {
    type = 'expectation';
    const sv = a.expectation.serialized_value;
    value = sv ? json(JSON.parse(sv.value)) : json(a.expectation.value ?? null);
  } else {
    throw new Error(`trace ${traceId}: assessment ${a.assessment_id} has neither feedback nor expectation`);
  }
  const ms = (iso) => (iso ? Date.parse(iso) : null);
  return [
    a.assessment_id,
    traceId,
    a.assessment_name,
    type,
    value,
    error,
    ms(a.create_time),
    ms(a.last_update_time ?? a.create_time),
    a.source?.source_type ?? 'CODE',
    a.source?.source_id ?? null,
    a.run_id ?? null,
    a.span_id ?? null,
    a.rationale ?? null,
    a.overrides ?? null,
    a.valid === false ? 0 : 1,
    a.metadata && Object.keys(a.metadata).length ? json(a.metadata) : null,
  ];
}

/** Metadata values as MLflow keeps them: strings; an absent key is left out. */
export function entries(map) {
  return Object.entries(map ?? {})
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => [k, String(v)]);
}

/** The tags a store records for a trace: its own, with the store's artifact location and spans location. */
export function storedTags(trace, artifactLocation, spansInTable) {
  const tags = Object.fromEntries(entries(trace.info.tags));
  tags['mlflow.artifactLocation'] = `${artifactLocation}/traces/${traceIdOf(trace)}/artifacts`;
  if (spansInTable) tags['mlflow.trace.spansLocation'] = 'TRACKING_STORE';
  else delete tags['mlflow.trace.spansLocation'];
  return tags;
}

export function writeFile(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** A span object from an export span (its JSON text parsed without losing digits). */
const spanObject = (span) => (typeof span === 'string' ? parseExport(span) : span);

/**
 * A 3.x export span as MLflow 2.21.1 - 2.22 wrote it (`Span.to_dict` of 2.x: `context` with plain
 * hex ids, `parent_id`, `start_time`/`end_time`, `status_code`, events with `timestamp`).
 */
export function v2Span(span) {
  const s = spanObject(span);
  return {
    name: s.name,
    context: { span_id: b64hex(s.span_id), trace_id: b64hex(s.trace_id) },
    parent_id: b64hex(s.parent_span_id),
    start_time: s.start_time_unix_nano ?? null,
    end_time: s.end_time_unix_nano ?? null,
    status_code: String(s.status?.code ?? 'STATUS_CODE_UNSET').replace(/^STATUS_CODE_/, ''),
    status_message: s.status?.message ?? '',
    attributes: s.attributes ?? {},
    events: (s.events ?? []).map((e) => ({ name: e.name, timestamp: e.time_unix_nano ?? null, attributes: e.attributes ?? {} })),
  };
}

/**
 * traces.json as MLflow 2.x wrote it: V2 spans, and the root span's inputs and outputs (JSON text,
 * `null` when absent) as `request` and `response`.
 */
export function traceDataTextV2(trace) {
  const spans = trace.data.spans.map(v2Span);
  const root = spans.find((s) => s.parent_id === null);
  const attr = (k) => root?.attributes[k] ?? null;
  return ensureAscii(dumps({ spans, request: attr('mlflow.spanInputs'), response: attr('mlflow.spanOutputs') }));
}

/** A trace as export JSON text: `indent` 2 for `mlflow traces search --output json`, 0 for a JSON line. */
export function exportTraceText(trace, indent = 2, depth = 2) {
  const spans = trace.data.spans.map((s) => (typeof s === 'string' ? new Raw(s) : s));
  return ensureAscii(dumps({ info: trace.info, data: { ...trace.data, spans } }, indent, depth));
}
