import { sessionIdOf } from '../../model/session-keys.js';
import type { Trace, TraceState, TraceWarning } from '../../model/types.js';

/**
 * What `stats` and `validate` need of a trace: a few numbers and the warnings. Small and plain, so
 * a worker thread can send it back instead of the trace.
 */
export interface TraceSummary {
  traceId: string;
  partial: boolean;
  format: string;
  state: TraceState;
  /**
   * The trace failed: its state is ERROR, or a root span ended in ERROR. Apps that catch and
   * log their own exceptions, and OTLP-ingested traces, leave the trace state OK (or unset)
   * while the request itself failed.
   */
  failed: boolean;
  sessionId: string | null;
  spans: number;
  errorSpans: number;
  /** Request time to end time, in ms since the epoch. */
  startMs: number | null;
  endMs: number | null;
  assessments: { total: number; feedback: number; expectations: number; scorerErrors: number; invalid: number };
  warnings: TraceWarning[];
}

/** Reduces a trace to its summary. */
export function summarize(trace: Trace): TraceSummary {
  let errorSpans = 0;
  for (const span of trace.spans) if (span.status === 'ERROR') errorSpans++;
  const rootFailed = trace.tree.roots.some((i) => trace.spans[i]!.status === 'ERROR');
  const assessments = { total: 0, feedback: 0, expectations: 0, scorerErrors: 0, invalid: 0 };
  for (const a of trace.assessments) {
    assessments.total++;
    if (a.kind === 'feedback') assessments.feedback++;
    if (a.kind === 'expectation') assessments.expectations++;
    if (a.error !== null) assessments.scorerErrors++;
    if (!a.valid) assessments.invalid++;
  }
  const [startMs, endMs] = timeSpan(trace);
  return {
    traceId: trace.traceId,
    partial: trace.partial,
    format: trace.format.label,
    state: trace.info.state,
    failed: trace.info.state === 'ERROR' || rootFailed,
    sessionId: sessionIdOf(trace),
    spans: trace.spans.length,
    errorSpans,
    startMs,
    endMs,
    assessments,
    warnings: trace.warnings,
  };
}

/** Request time to end time in ms: from the info, else from the root spans. */
function timeSpan(trace: Trace): [number | null, number | null] {
  const { requestTimeMs, durationMs } = trace.info;
  if (requestTimeMs !== null) return [requestTimeMs, requestTimeMs + (durationMs ?? 0)];
  let start: number | null = null;
  let end: number | null = null;
  for (const i of trace.tree.roots) {
    const span = trace.spans[i]!;
    if (span.startTimeNs !== null) start = Math.min(start ?? Infinity, span.startTimeNs / 1e6);
    if (span.endTimeNs !== null) end = Math.max(end ?? -Infinity, span.endTimeNs / 1e6);
  }
  return [start, end];
}
