import type { Assessment, Span, TraceInfo, TraceState } from '../model/types.js';

/** What the info clauses of a filter read: the trace info and the trace's assessments. */
export interface InfoSubject {
  info: TraceInfo;
  assessments: readonly Assessment[];
}

/** What the span clauses of a filter read: one normalized span and its JSON as exported. */
export interface SpanSubject {
  span: Span;
  /** the span object as exported (parsed JSON), for span.content */
  raw: unknown;
}

/**
 * The trace state as MLflow's SQL store keeps it in `trace_info.status` (a `TraceState` value:
 * `OK`, `ERROR`, `IN_PROGRESS`, `STATE_UNSPECIFIED`), which is what `status = '...'` compares to.
 * 2.x's `TRACE_STATUS_UNSPECIFIED` is stored as `STATE_UNSPECIFIED` once converted to V3.
 */
export function storedTraceStatus(state: TraceState): string {
  return state === 'UNSPECIFIED' ? 'STATE_UNSPECIFIED' : state;
}
