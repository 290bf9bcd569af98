import type { ForeignRecogniser } from './index.js';
import { isRecord } from './values.js';

/**
 * Files of other tracers that look like traces but are not read: each is named in one line with
 * what to export instead. Checked after every reader declined, so none of them may describe a
 * record a reader takes.
 */

/**
 * Langfuse's `GET /api/public/traces` page (`{data: [TraceWithDetails], meta: {page, limit,
 * totalItems, totalPages}}`): its traces list their observations and scores as ids only.
 */
export const langfuseTraceList: ForeignRecogniser = {
  describe(value) {
    if (!isRecord(value) || !Array.isArray(value.data) || !isRecord(value.meta)) return null;
    const first: unknown = value.data[0];
    const isTrace = isRecord(first) && typeof first.id === 'string' && typeof first.timestamp === 'string' && ('htmlPath' in first || Array.isArray(first.observations));
    if (!isTrace && !(value.data.length === 0 && 'totalItems' in value.meta)) return null;
    return 'a Langfuse trace list: its observations are ids only; export each trace with GET /api/public/traces/{id} (or "Download trace as JSON" in the trace view)';
  },
};

/**
 * Langfuse's observation lists (`GET /api/public/observations`, `/api/public/v2/observations`):
 * `{data: [observation], meta}`, observations of many traces, a page at a time.
 */
export const langfuseObservationList: ForeignRecogniser = {
  describe(value) {
    if (!isRecord(value) || !Array.isArray(value.data) || !isRecord(value.meta) || value.data.length === 0) return null;
    const first: unknown = value.data[0];
    if (!isRecord(first) || typeof first.id !== 'string' || typeof first.startTime !== 'string' || typeof first.type !== 'string' || !('traceId' in first)) return null;
    return 'a Langfuse observation list: a page of observations without their traces; export each trace with GET /api/public/traces/{id} (or "Download trace as JSON" in the trace view)';
  },
};

/**
 * Phoenix (Arize) spans as a dataframe saved to JSON (`get_spans_dataframe().to_json()`, records
 * or columns orient: flattened keys `context.span_id`, `attributes.llm.…`), or as its REST span
 * shape (`{context: {span_id, trace_id}, span_kind, …}`, `GET /v1/projects/{id}/spans`).
 */
export const phoenixSpans: ForeignRecogniser = {
  describe(value) {
    const record = isRecord(value) && Array.isArray(value.data) && 'next_cursor' in value ? value.data[0] : value;
    if (!isRecord(record)) return null;
    const flattened = 'context.span_id' in record || 'context.trace_id' in record;
    const rest = isRecord(record.context) && 'span_id' in record.context && typeof record.span_kind === 'string';
    // `/spans/otlpv1` pages hold OTLP spans without the resourceSpans envelope OTLP/JSON has.
    const bareOtlp = record !== value && ('span_id' in record || 'spanId' in record) && ('trace_id' in record || 'traceId' in record);
    if (!flattened && !rest && !bareOtlp) return null;
    return 'Phoenix spans in its own shape (dataframe or REST span list): download the traces as OTLP JSON from Phoenix (or GET /v1/projects/{project}/spans/otlpv1) and read that';
  },
};

/** The near misses above, in the order they are tried. */
export const nearMisses: readonly ForeignRecogniser[] = [langfuseTraceList, langfuseObservationList, phoenixSpans];
