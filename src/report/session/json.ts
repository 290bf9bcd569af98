import type { ScorerErrorDigest, VerdictDigest } from '../../model/digest-types.js';
import type { TurnView } from '../../model/sessions.js';
import { textsOf, type SessionReport } from './session.js';
import { isoTime, round, summaryJson, type SessionSummaryJson } from '../sessions/sessions.js';

/** `session <id> --format json` (schemas/session-output.schema.json). */
export interface SessionJson {
  schema_version: 1;
  session_id: string;
  full: boolean;
  summary: SessionSummaryJson;
  duplicate_traces: number;
  session_assessments: Array<VerdictJson & { turn: number; trace_id: string }>;
  session_scorer_errors: Array<ScorerErrorJson & { turn: number; trace_id: string }>;
  turns: TurnJson[];
  /** Set when turns before turn 1 may be missing (rule partial-dump); null otherwise. */
  partial: { earlier_messages: number | null; paged_sources: string[] } | null;
}

/** One verdict in JSON. */
export interface VerdictJson {
  index: number;
  name: string;
  level: 'session' | 'turn';
  level_basis: string;
  polarity: 'pass' | 'fail' | 'unknown';
  polarity_basis: string;
  value: string;
  rationale: string | null;
  source_type: string;
  source_id: string | null;
  span_id: string | null;
  effective: boolean;
  ineffective: 'superseded' | 'human-disagrees' | null;
  overridden_by_human: number | null;
}

/** One scorer error in JSON. */
export interface ScorerErrorJson {
  index: number;
  name: string;
  level: 'session' | 'turn';
  level_basis: string;
  error_code: string | null;
  error_message: string | null;
  span_id: string | null;
  superseded: boolean;
}

/** One turn in JSON. */
export interface TurnJson {
  turn: number;
  trace_id: string;
  time: string | null;
  gap_ms: number | null;
  duration_ms: number | null;
  state: string;
  format: string;
  source: { source: string; index: number; offset: number; length: number; line: number } | null;
  user_text: string;
  answer_text: string;
  tool_calls: Array<{ name: string; arguments: string }>;
  cut: boolean;
  io_span: {
    name: string | null;
    span_id: string | null;
    depth: number | null;
    selection: string;
    wrapper_chain: string[];
    truncated: boolean;
    answer_span: { span_id: string; name: string } | null;
    input: { carrier: string; key: string } | null;
    output: { carrier: string; key: string } | null;
  };
  errors: Array<{ span_id: string; name: string; depth: number | null; status_message: string; exception: { type: string | null; message: string | null } | null; recovered: boolean }>;
  error_span_count: number;
  assessments: VerdictJson[];
  scorer_errors: ScorerErrorJson[];
  expectations: Array<{ index: number; name: string; value: string; source_type: string }>;
  assessments_omitted: number;
  token_usage: { input_tokens: number | null; output_tokens: number | null; total_tokens: number | null } | null;
}

/** The JSON document of `session <id> --format json`. */
export function sessionJson(report: SessionReport): SessionJson {
  const { view } = report;
  return {
    schema_version: 1,
    session_id: view.session.id,
    full: report.full,
    summary: summaryJson(view.session),
    duplicate_traces: report.duplicates,
    session_assessments: view.sessionVerdicts.map(({ turn, traceId, entry }) => ({ turn, trace_id: traceId, ...verdictJson(entry) })),
    session_scorer_errors: view.sessionScorerErrors.map(({ turn, traceId, entry }) => ({ turn, trace_id: traceId, ...scorerErrorJson(entry) })),
    turns: view.turns.map((turn) => turnJson(report, turn)),
    partial: report.partial ? { earlier_messages: report.partial.earlierMessages, paged_sources: [...report.partial.pagedSources] } : null,
  };
}

function turnJson(report: SessionReport, turn: TurnView): TurnJson {
  const d = turn.digest;
  const texts = textsOf(report, turn);
  const t = d.turn;
  return {
    turn: turn.number,
    trace_id: d.traceId,
    time: isoTime(turn.timeMs),
    gap_ms: turn.gapMs === null ? null : round(turn.gapMs),
    duration_ms: d.durationMs === null ? null : round(d.durationMs),
    state: d.state,
    format: d.format,
    source: d.provenance,
    user_text: texts.userText,
    answer_text: texts.answerText,
    tool_calls: texts.toolCalls.map((c) => ({ name: c.name, arguments: c.arguments })),
    cut: texts.cut,
    io_span: {
      name: t.spanName,
      span_id: t.spanId,
      depth: t.depth,
      selection: t.selection,
      wrapper_chain: t.wrapperChain,
      truncated: t.truncated,
      answer_span: t.answerSpan === null ? null : { span_id: t.answerSpan.spanId, name: t.answerSpan.name },
      input: t.input,
      output: t.output,
    },
    errors: d.errors.map((e) => ({ span_id: e.spanId, name: e.name, depth: e.depth, status_message: e.statusMessage, exception: e.exception, recovered: e.recovered })),
    error_span_count: d.errorSpanCount,
    assessments: turn.verdicts.map(verdictJson),
    scorer_errors: turn.scorerErrors.map(scorerErrorJson),
    expectations: d.assessments.expectations.map((e) => ({ index: e.index, name: e.name, value: e.value, source_type: e.sourceType })),
    assessments_omitted: d.assessments.omitted,
    token_usage: d.tokenUsage && {
      input_tokens: d.tokenUsage.inputTokens,
      output_tokens: d.tokenUsage.outputTokens,
      total_tokens: d.tokenUsage.totalTokens,
    },
  };
}

function verdictJson(v: VerdictDigest): VerdictJson {
  return {
    index: v.index,
    name: v.name,
    level: v.level,
    level_basis: v.levelBasis,
    polarity: v.polarity,
    polarity_basis: v.polarityBasis,
    value: v.value,
    rationale: v.rationale,
    source_type: v.sourceType,
    source_id: v.sourceId,
    span_id: v.spanId,
    effective: v.effective,
    ineffective: v.ineffective,
    overridden_by_human: v.overriddenByHuman,
  };
}

function scorerErrorJson(e: ScorerErrorDigest): ScorerErrorJson {
  return {
    index: e.index,
    name: e.name,
    level: e.level,
    level_basis: e.levelBasis,
    error_code: e.code,
    error_message: e.message,
    span_id: e.spanId,
    superseded: e.superseded,
  };
}
