import type { ErrorSpanDigest, ScorerErrorDigest, VerdictDigest } from '../../model/digest-types.js';
import type { ToolCall } from '../../model/messages.js';
import type { TurnSelection } from '../../model/turn-io.js';
import type { TraceState } from '../../model/types.js';
import type { Waterfall, WaterfallSpan } from '../../model/waterfall.js';
import type { Severity } from '../../rules/api.js';
import type { Finding } from '../analyze/findings.js';
import type { RowList } from '../../shared/columns.js';

export type { Waterfall, WaterfallSpan };

// What `tracetriage report` renders (Markdown, HTML): the analysis, plus for a bounded number of
// sessions their turns with excerpts, assessments, error spans and a span waterfall per trace.
// Plain data, built by `reportInputs` (./report.ts); the renderers in src/report/ are pure
// functions of it. Every text in it is an excerpt of bounded length, and every list has a bound,
// so a report of a gigabyte dump is as big as the bounds, not as the dump.

/** Everything a ticket report shows. */
export interface ReportData {
  /** The inputs as given on the command line, for the commands that reproduce each view. */
  inputs: string[];
  /** `--session` values, when the report was asked for some sessions only. */
  sessionFilter: string[];
  summary: ReportSummary;
  /** Sessions shown turn by turn, most telling first (see `reportInputs`); at most `maxSessions`. */
  sessions: ReportSession[];
  /**
   * Every other session, one line each, in report order: read once per pass, each pass anew (from
   * `reportInputsStreamed`, lines read from its temporary file; an array will do).
   */
  otherSessions: RowList<SessionLine>;
  /**
   * Every finding, in the engine's order (sessions, then traces without a session, then the dump);
   * when `unlistedFindings` is set, all but those of the other sessions past the first
   * {@link OTHER_SESSIONS_KEPT} with findings, and those outside the sessions past the first
   * {@link OUTSIDE_KEPT} of each kind (`unlistedOutside`).
   */
  findings: Finding[];
  /** Set when `findings` leaves out the findings of other sessions: how many of them, in how many sessions. */
  unlistedFindings?: { sessions: number; findings: number };
  /** Set with `unlistedFindings`: findings about traces without a session, and about the dump, left out of `findings`. */
  unlistedOutside?: { traces: number; dump: number };
}

/**
 * With `unlistedOutside`, at most this many findings about traces without a session are kept, and
 * as many about the dump: what the HTML page lists of each (`MAX_LOOSE_FINDINGS`), and more than a
 * Markdown ticket within `DEFAULT_MAX_BYTES` holds.
 */
export const OUTSIDE_KEPT = 200;

/**
 * With `unlistedFindings`, the findings of at most this many sessions not shown turn by turn are
 * kept (the HTML page lists those of the first `MAX_OTHER_SESSIONS_LISTED`, at most this many).
 */
export const OTHER_SESSIONS_KEPT = 50;

/** Counts over the whole input. */
export interface ReportSummary {
  traces: number;
  sessions: number;
  turns: number;
  tracesWithoutSession: number;
  /** Those of them that failed (trace state ERROR, a failed span, a failing per-turn verdict): each is a failed one-turn conversation. */
  failedWithoutSession: number;
  duplicates: number;
  outsideSelection: number;
  /** Records that could not be read as traces. */
  rejected: number;
  findings: number;
  bySeverity: Record<Severity, number>;
  rootCauses: number;
  /** Ids of the rules that ran. */
  rules: string[];
  /** The config file read, or null. */
  config: string | null;
}

/** One session in a line: what the overview table shows. */
export interface SessionLine {
  id: string;
  user: string | null;
  /** The MLflow experiments of its turns (ids; one, almost always): where to find it in MLflow. */
  experiments: string[];
  turns: number;
  /** Findings about this session or one of its turns. */
  findings: number;
  /** The most severe of those findings, or null when there are none. */
  worst: Severity | null;
  /** Turns a root cause was found at (error-propagation/rootCause), in order. */
  rootCauseTurns: number[];
  /** Turns that failed (any status but `passed`). */
  failedTurns: number;
  /** First turn time, ms since the epoch. */
  firstTimeMs: number | null;
  durationMs: number | null;
}

/** A session shown turn by turn. */
export interface ReportSession extends SessionLine {
  /** Session-level verdicts (MLflow logs them on a turn's trace: its number and trace id). */
  sessionVerdicts: Array<{ turn: number; traceId: string; verdict: VerdictDigest }>;
  sessionScorerErrors: Array<{ turn: number; traceId: string; error: ScorerErrorDigest }>;
  turnList: ReportTurn[];
}

/**
 * How a turn reads in the strip: the root cause of a failure later turns built on, a turn that
 * inherited one, a turn that failed on its own, or a turn that passed (no error, no failing
 * per-turn verdict; a scorer error is not a failure of the turn).
 */
export type TurnStatus = 'root-cause' | 'inherited' | 'failed' | 'passed';

/** One turn: what was said, how it was judged, what failed, and where the time went. */
export interface ReportTurn {
  /** 1-based. */
  number: number;
  traceId: string;
  status: TurnStatus;
  /**
   * False past {@link MAX_DETAILED_TURNS} in a long session: the turn keeps its status, times,
   * state and failure line (for the strip and the turns table), but no texts, assessments, error
   * spans or waterfall.
   */
  detailed: boolean;
  /** Why the turn failed, in one line (`correctness = no: …; span x failed: …`), or null. */
  failure: string | null;
  state: TraceState;
  timeMs: number | null;
  /** Since the previous turn. */
  gapMs: number | null;
  durationMs: number | null;
  /** The last user message, cut to {@link REPORT_TEXT_CHARS} (`''` when none). */
  userText: string;
  /** The app's answer, cut the same way. */
  answerText: string;
  toolCalls: ToolCall[];
  /** True when a text was cut. */
  textsCut: boolean;
  /** The span the turn's input and output came from. */
  io: { spanId: string | null; name: string | null; selection: TurnSelection; wrapperChain: string[] };
  /** Per-turn verdicts (session-level ones are on the session). */
  verdicts: VerdictDigest[];
  scorerErrors: ScorerErrorDigest[];
  /** Assessments of the trace its digest did not list (each list is bounded); said under the lists. */
  assessmentsOmitted: number;
  /** Spans with status ERROR, with their exception messages; at most 20. */
  errors: ErrorSpanDigest[];
  errorSpanCount: number;
  waterfall: Waterfall;
}

/** Longest user text or answer a report keeps. */
export const REPORT_TEXT_CHARS = 2000;
/** Most spans drawn per trace. */
export const MAX_WATERFALL_SPANS = 150;
/**
 * Turns of one session shown in detail: every turn that did not pass first (root causes,
 * inherited, failed), then the others from the start. A session of thousands of turns keeps its
 * whole strip and table, and memory and the page stay bounded.
 */
export const MAX_DETAILED_TURNS = 100;
/** Sessions shown turn by turn by default (`--max-sessions`). */
export const DEFAULT_MAX_SESSIONS = 20;
/** Default `--max-bytes` of a Markdown report: under GitHub's 65 536-character limit on an issue or comment body, with room for a note around it. */
export const DEFAULT_MAX_BYTES = 60_000;
