import { assessmentsOf } from './assessment.js';
import { emptyInfo, normalizeInfo } from './info.js';
import { classifyRecord, checkRecord, type RecordKind, type SchemaProblem } from './schema.js';
import { detectSpanFormat, normalizeSpan, type IdCache } from './span.js';
import { TimeReader } from './times.js';
import { buildSpanTree } from './tree.js';
import type { Span, SpanFormat, Trace, TraceFormat, TraceInfo, TraceWarning } from './types.js';
import { isObject, type Json } from './values.js';

/** The outcome of normalizing one parsed record. */
export type NormalizeResult = { trace: Trace } | { problem: SchemaProblem };

const SPAN_LABELS: Record<SpanFormat, string> = {
  'v2-0x': '2.14-2.21.0',
  v2: '2.21.1-2.22',
  'v3-proto': '3.0-3.4',
  'v3.5.0': '3.5.0',
  v3: '3.5.1+',
  'ts-sdk': 'ts-sdk',
  otlp: 'rest',
  none: '',
};

/**
 * Turns one parsed record into the normalized model, or says why it is not a trace. The envelope
 * is recognised from the record's keys, checked against `schemas/trace-record.schema.json`, then
 * each part is mapped whatever the MLflow version that wrote it.
 */
export function normalizeRecord(value: unknown): NormalizeResult {
  const classified = classifyRecord(value);
  if ('problem' in classified) return classified;
  const problem = checkRecord(classified.kind, value);
  if (problem) return { problem };
  return { trace: buildTrace(classified.kind, value as Json) };
}

interface Parts {
  info: Json | undefined;
  spans: unknown[] | undefined;
  paths: Trace['paths'];
}

function parts(kind: RecordKind, record: Json): Parts {
  switch (kind) {
    case 'trace': {
      const data = isObject(record.data) ? record.data : undefined;
      return {
        info: isObject(record.info) ? record.info : undefined,
        spans: Array.isArray(data?.spans) ? data.spans : undefined,
        paths: { info: '$.info', spans: '$.data.spans', assessments: '$.info.assessments' },
      };
    }
    case 'rest': {
      const trace = isObject(record.trace) ? record.trace : {};
      return {
        info: isObject(trace.trace_info) ? trace.trace_info : undefined,
        spans: Array.isArray(trace.spans) ? trace.spans : undefined,
        paths: { info: '$.trace.trace_info', spans: '$.trace.spans', assessments: '$.trace.trace_info.assessments' },
      };
    }
    case 'artifact':
      return {
        info: undefined,
        spans: Array.isArray(record.spans) ? record.spans : undefined,
        paths: { info: '$', spans: '$.spans', assessments: '$.assessments' },
      };
    case 'info':
      return { info: record, spans: undefined, paths: { info: '$', spans: '$.spans', assessments: '$.assessments' } };
  }
}

function buildTrace(kind: RecordKind, record: Json): Trace {
  const { info: rawInfo, spans: rawSpans, paths } = parts(kind, record);
  const warnings: TraceWarning[] = [];
  // Every time of the trace is read through one reader, so an unusable one is a warning here.
  const times = new TimeReader();
  const info: TraceInfo = rawInfo ? normalizeInfo(rawInfo, kind === 'rest', times, paths.info) : emptyInfo();

  let spanFormat: SpanFormat = 'none';
  for (const raw of rawSpans ?? []) {
    if (!isObject(raw)) continue;
    spanFormat = detectSpanFormat(raw);
    if (spanFormat !== 'none') break;
  }
  const spans: Span[] = [];
  const ids: IdCache = new Map();
  let idless = 0;
  (rawSpans ?? []).forEach((raw, index) => {
    const span = normalizeSpan(isObject(raw) ? raw : {}, index, spanFormat, ids, times, `${paths.spans}[${index}]`);
    if (span.spanId === '') idless++;
    spans.push(span);
  });

  const assessments = assessmentsOf(rawInfo, times, paths.assessments);
  warnings.push(...times.warnings);

  const traceId = info.traceId ?? traceIdFromSpans(spans) ?? '';
  const partial = (kind === 'trace' && (rawInfo === undefined || rawSpans === undefined)) || (rawInfo !== undefined && info.traceId === null) || idless > 0;
  if (partial) {
    warnings.push({
      code: 'partial-trace',
      message: 'partial trace (as written by --extract-fields): keys a full export always has are missing',
      jsonPath: '$',
    });
  }
  const tree = buildSpanTree(spans);
  // A partial trace has no ids to build a tree from; its tree says nothing worth a warning.
  if (!partial) warnings.push(...treeWarnings(tree, spans, paths.spans));
  return {
    traceId,
    info,
    spans,
    assessments,
    tree,
    format: formatOf(kind, info, spanFormat, partial),
    warnings,
    partial,
    paths,
  };
}

/**
 * A trace without a TraceInfo (a traces.json artifact): its id from the spans, MLflow's request id
 * attribute first, else the OpenTelemetry trace id the spans share, as MLflow 3 names it.
 */
function traceIdFromSpans(spans: readonly Span[]): string | null {
  for (const span of spans) {
    const id = span.attributes.getString('mlflow.traceRequestId');
    if (id) return id;
  }
  const otel = spans.find((span) => span.otelTraceId)?.otelTraceId;
  return otel ? `tr-${otel}` : null;
}

function formatOf(kind: RecordKind, info: TraceInfo, spans: SpanFormat, partial: boolean): TraceFormat {
  const major = info.format === 'v2' ? '2.x' : info.format === 'none' ? '' : '3.x';
  let label: string;
  if (kind === 'rest') label = 'rest';
  else if (kind === 'info') label = `info-only ${major}`;
  else if (kind === 'artifact') label = `artifact ${SPAN_LABELS[spans] || 'empty'}`;
  else label = SPAN_LABELS[spans] || major || 'empty';
  if (partial) label = `partial ${label}`;
  return { envelope: kind, info: info.format, spans, label: label.trim() };
}

function treeWarnings(tree: Trace['tree'], spans: readonly Span[], base: string): TraceWarning[] {
  const out: TraceWarning[] = [];
  const at = (i: number): string => `${base}[${i}]`;
  for (const i of tree.orphans) {
    out.push({
      code: 'orphan-span',
      message: `span ${spans[i]!.spanId} names parent ${spans[i]!.parentId ?? ''}, which is not in the trace`,
      jsonPath: at(i),
    });
  }
  if (tree.cycles.length > 0) {
    out.push({
      code: 'span-cycle',
      message: `${tree.cycles.length} span(s) sit on a parent cycle: ${tree.cycles.map((i) => spans[i]!.spanId).join(', ')}`,
      jsonPath: at(tree.cycles[0]!),
    });
  }
  for (const { spanId, indices } of tree.duplicates) {
    out.push({
      code: 'duplicate-span-id',
      message: `span id ${spanId} is used by ${indices.length} spans (indices ${indices.join(', ')})`,
      jsonPath: at(indices[1]!),
    });
  }
  if (tree.roots.length > 1) {
    out.push({ code: 'multiple-roots', message: `${tree.roots.length} root spans`, jsonPath: at(tree.roots[1]!) });
  }
  if (spans.length > 0 && tree.roots.length === 0) {
    out.push({ code: 'no-root', message: 'no root span (every span names a parent)', jsonPath: base });
  }
  return out;
}
