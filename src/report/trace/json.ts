import { isoTime } from '../../shared/time.js';
import type { IoValue } from '../../model/carriers.js';
import type { AssessmentRef } from '../../model/triage.js';
import type { Assessment } from '../../model/types.js';
import { spanRows, stackExcerpt, type SpanRow, type TraceReportInput, type TraceReportOptions } from './view.js';
import { boundedValue } from './values.js';

/** The version of the `--format json` document (schemas/trace-output.schema.json). */
export const TRACE_OUTPUT_VERSION = 1;

/**
 * `tracetriage trace --format json`: the same facts as the text form, snake_case, described by
 * schemas/trace-output.schema.json. Spans come in display order with their depth and parent, so
 * the tree can be rebuilt; values (attributes, assessment values) are depth-bounded copies.
 */
export function traceJson(input: TraceReportInput, options: TraceReportOptions): Record<string, unknown> {
  const { trace, io, triage } = input;
  const { info } = trace;
  const { rows, cut } = spanRows(input, options);
  return {
    schema_version: TRACE_OUTPUT_VERSION,
    trace: {
      trace_id: trace.traceId,
      state: info.state,
      request_time_ms: info.requestTimeMs,
      duration_ms: info.durationMs,
      format: trace.format.label,
      session_id: input.session,
      user_id: input.user,
    },
    turn_io: {
      span_index: io.spanIndex,
      span_id: io.spanId,
      span_name: io.spanName,
      depth: io.depth,
      selection: io.selection,
      truncated: io.truncated,
      wrapper_chain: io.wrapperChain,
      answer_span: io.answerSpan === null ? null : { span_id: io.answerSpan.spanId, name: io.answerSpan.name },
      input: ioSide(io.input),
      output: ioSide(io.output),
    },
    spans: rows.filter((r): r is SpanRow => r.kind === 'span').map((r) => spanJson(r, options)),
    spans_not_shown: cut,
    assessments: {
      counts: {
        pass: triage.counts.pass,
        fail: triage.counts.fail,
        unknown: triage.counts.unknown,
        superseded: triage.counts.superseded,
        disagreements: triage.counts.disagreements,
        scorer_errors: triage.counts.scorerErrors,
      },
      feedback: triage.verdicts.map((v) => ({
        ...assessmentJson(v.assessment, options),
        level: v.level,
        polarity: v.polarity,
        polarity_basis: v.polarityBasis,
        rationale: v.rationale,
        effective: v.effective,
        ineffective: v.ineffective ?? null,
        superseded_by: refId(v.supersededBy),
        overridden_by_human: refId(v.overriddenByHuman),
      })),
      expectations: triage.expectations.flatMap((i) => {
        const a = trace.assessments[i];
        return a === undefined ? [] : [assessmentJson(a, options)];
      }),
      scorer_errors: triage.scorerErrors.map((e) => ({
        ...assessmentJson(e.assessment, options),
        level: e.level,
        level_basis: e.levelBasis,
        error_code: e.error.code,
        error_message: e.error.message,
        superseded_by: refId(e.supersededBy),
      })),
    },
    warnings: trace.warnings.map((w) => ({ code: w.code, message: w.message, json_path: w.jsonPath })),
  };
}

function ioSide(side: IoValue | null): Record<string, unknown> | null {
  return side === null ? null : { carrier: side.carrier, key: side.key };
}

function spanJson(row: SpanRow, options: TraceReportOptions): Record<string, unknown> {
  const { span } = row;
  const out: Record<string, unknown> = {
    index: row.index,
    span_id: span.spanId,
    parent_id: span.parentId,
    name: span.name,
    depth: row.depth,
    place: row.place,
    type: row.type?.value ?? null,
    type_key: row.type?.key ?? null,
    // ISO 8601 to the millisecond: a double cannot hold the 19 nanosecond digits (`get` prints them).
    start_time: span.startTimeNs !== null ? isoTime(span.startTimeNs / 1e6) : null,
    duration_ms: row.durationMs,
    status: span.status,
    status_message: span.statusMessage,
    turn_io: row.turnIo,
    exceptions: row.exceptions.map((e) => {
      const stack = e.stacktrace === null ? null : stackExcerpt(e.stacktrace, options.full);
      return {
        type: e.type,
        message: e.message,
        offset_ms: e.offsetMs,
        stacktrace: stack?.lines ?? null,
        stacktrace_lines_omitted: stack?.omitted ?? 0,
      };
    }),
    events: row.otherEvents,
  };
  if (options.attributes) {
    const attributes = Object.create(null) as Record<string, unknown>;
    for (const key of span.attributes.keys()) attributes[key] = boundedValue(span.attributes.get(key), options.full);
    out.attributes = attributes;
  }
  return out;
}

function assessmentJson(a: Assessment, options: TraceReportOptions): Record<string, unknown> {
  return {
    index: a.index,
    assessment_id: a.assessmentId,
    name: a.name,
    kind: a.kind,
    value: boundedValue(a.value, options.full),
    source_type: a.sourceType,
    source_id: a.sourceId,
    span_id: a.spanId,
  };
}

function refId(ref: AssessmentRef | undefined): string | null {
  return ref === undefined ? null : ref.assessmentId;
}
