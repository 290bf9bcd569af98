// The digest's declared shape (the types the session stage, the reports and the JSON schema agree
// on) and its bounds: the length of every excerpt, the count of every list, and the cuts of a name
// and an id to theirs. `digest.ts` fills it.
import type { Carrier } from './carrier-table.js';
import { cutText, type ToolCall } from './messages.js';
import type { Polarity, PolarityBasis, PolarityOverrides } from './scorers.js';
import type { AssessmentLevel, LevelBasis } from './triage.js';
import type { TurnSelection } from './turn-io.js';
import type { TraceState } from './types.js';

/**
 * The small record the session stage keeps of a trace (ARCHITECTURE.md, "per-trace facts"): a
 * trace is read, digested and dropped, so a dump costs digests, not payloads. Every text in a
 * digest is an excerpt of bounded length and every list has a bounded count (the constants
 * below; what was left out is counted), so a digest's size does not grow with the trace's. The
 * whole trace can be read again from `provenance`.
 */
export interface TraceDigest {
  traceId: string;
  sessionId: string | null;
  /** Present only when the trace names a second, different session id (see `sessionConflictOf`). */
  sessionConflict?: SessionConflictDigest;
  /** The end user (`mlflow.trace.user` and the like, see `userIdOf`). */
  user: string | null;
  /** The MLflow experiment the trace belongs to, where its info says. */
  experimentId: string | null;
  /** MLflow's `request_time` in ms since the epoch. */
  requestTimeMs: number | null;
  /** Start of the first root span, ns since the epoch (a double). */
  rootStartNs: number | null;
  /** The trace's execution duration, else the first root span's. */
  durationMs: number | null;
  state: TraceState;
  /** The format label `stats` shows (`3.5.1+`, `2.14-2.21.0`, …). */
  format: string;
  provenance: DigestProvenance | null;
  turn: TurnDigest;
  /** Spans with status ERROR (UNSET is not an error), in file order; at most {@link MAX_ERROR_SPANS}. */
  errors: ErrorSpanDigest[];
  /** Every ERROR span, including those left out of `errors`. */
  errorSpanCount: number;
  /** ERROR spans of those that were recovered within the turn (see `recoveredSpans`): not a failure of the turn. */
  recoveredErrorCount: number;
  assessments: AssessmentsDigest;
  /** `mlflow.trace.tokenUsage` metadata, when present and readable. */
  tokenUsage: TokenUsage | null;
}

/** Two different session ids in one trace: the one it is grouped under, and the first other one. */
export interface SessionConflictDigest {
  taken: SessionSourceDigest;
  other: SessionSourceDigest;
}

/** A session id and where it was read: a metadata or tag key, or a span attribute (the span's position in the trace, and its depth). */
export interface SessionSourceDigest {
  value: string;
  kind: 'metadata' | 'tags' | 'span';
  key: string;
  spanIndex: number | null;
  depth: number | null;
}

/** Where the trace's record is: enough to read it again by offset. */
export interface DigestProvenance {
  source: string;
  index: number;
  offset: number;
  length: number;
  line: number;
  /** A store's trace: where it is in the store (see Provenance.within). */
  within?: string;
}

/** The turn's input and output, as excerpts, with the span and carriers they came from. */
export interface TurnDigest {
  selection: TurnSelection;
  spanId: string | null;
  spanName: string | null;
  depth: number | null;
  /** Names of the wrapper spans passed over, root first; at most {@link MAX_WRAPPERS}. */
  wrapperChain: string[];
  /**
   * The trace's first root span when the turn's I/O was read below it (selection `descendant`,
   * `failed` or `partial` at depth 1 or more): the wrapper `wrapper-root-span` names, kept in the
   * digest because that rule folds the turns of a session in the session stage. Null otherwise.
   */
  root: { spanId: string; name: string; path: string } | null;
  /** True when a side came from MLflow's truncated previews. */
  truncated: boolean;
  /** The later call of an agent loop the answer was read from, when not the I/O span itself. */
  answerSpan: { spanId: string; name: string } | null;
  input: { carrier: string; key: string } | null;
  output: { carrier: string; key: string } | null;
  texts: TurnTexts;
}

/** What the user said and what the app answered; cut to a bound unless made with `full`. */
export interface TurnTexts {
  /** The last user message of the input (`''` when none). */
  userText: string;
  /** The app's answer: the last assistant text of the output (`''` when none). */
  answerText: string;
  /** Tool calls the output asked for, in order; at most {@link MAX_TOOL_CALLS}. */
  toolCalls: ToolCall[];
  /** True when some text was cut or messages left out. */
  cut: boolean;
}

/** One span that ended in error. */
export interface ErrorSpanDigest {
  spanId: string;
  name: string;
  depth: number | null;
  statusMessage: string;
  /** The first `exception` event, if the span has one. */
  exception: { type: string | null; message: string | null } | null;
  /** True when a later attempt succeeded within a turn that answered (see `recoveredSpans`). */
  recovered: boolean;
}

/** One feedback, triaged (see `triageAssessments`). */
export interface VerdictDigest {
  /** Position in `info.assessments`. */
  index: number;
  name: string;
  level: AssessmentLevel;
  levelBasis: LevelBasis;
  polarity: Polarity;
  /** What decided the polarity (see `readVerdict`): `config`, `table`, `name`, `generic`, `rationale` or `none`. */
  polarityBasis: PolarityBasis;
  /** The value as compact JSON (`false`, `"yes"`, `1.0` reads `1`), cut to {@link VALUE_CHARS}. */
  value: string;
  rationale: string | null;
  sourceType: string;
  sourceId: string | null;
  /** Span the assessment targets, if span-level. */
  spanId: string | null;
  effective: boolean;
  ineffective: 'superseded' | 'human-disagrees' | null;
  /** For a judge outvoted by a human: the human's index in `info.assessments`. */
  overriddenByHuman: number | null;
}

/** A scorer that failed: not a trace that failed. */
export interface ScorerErrorDigest {
  index: number;
  name: string;
  level: AssessmentLevel;
  levelBasis: LevelBasis;
  code: string | null;
  message: string | null;
  spanId: string | null;
  superseded: boolean;
}

/** Ground truth (`expected_response`, …): context, never a verdict. */
export interface ExpectationDigest {
  index: number;
  name: string;
  value: string;
  sourceType: string;
}

/** A trace's assessments, triaged; each list at most {@link MAX_ASSESSMENTS} long, the counts over all. */
export interface AssessmentsDigest {
  verdicts: VerdictDigest[];
  scorerErrors: ScorerErrorDigest[];
  expectations: ExpectationDigest[];
  /** Entries left out of the lists above by the bound. */
  omitted: number;
  /** Effective verdicts that fail, whether listed or not. */
  failing: number;
  /** Tallies over every assessment of the trace, listed or not: counts never read the lists. */
  counts: AssessmentCounts;
  /** Per scorer name, over every assessment of the trace, in first-seen order. */
  scorers: ScorerCount[];
}

/** Counts over all of a trace's assessments (the lists of {@link AssessmentsDigest} are bounded). */
export interface AssessmentCounts {
  /** Feedback that is not a scorer error (effective or not). */
  feedback: number;
  expectations: number;
  scorerErrors: number;
  /** Scorer errors a later assessment replaced. */
  scorerErrorsSuperseded: number;
  /** Feedback a later assessment replaced (or invalid). */
  superseded: number;
  pass: number;
  fail: number;
  unknown: number;
}

/** One scorer's runs on a trace: what `scorer-error-assessment` adds up over a dump. */
export interface ScorerCount {
  name: string;
  /** Verdicts of this name not given by a person (a person's verdict is not a run of the scorer). */
  runs: number;
  failures: number;
  /** Failures a later assessment replaced. */
  replaced: number;
  /** Failures per error code (`null`: no code), in first-seen order. */
  codes: Array<{ code: string | null; count: number }>;
}

/** Token counts from `mlflow.trace.tokenUsage` (`TokenUsageKey`, mlflow/tracing/constant.py). */
export interface TokenUsage {
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
}

/** Options of `digestTrace` (digest.ts): the config's additions and the excerpt length. */
export interface DigestOptions {
  /** Carrier rows from the config (tried before `generic`). */
  extraCarriers?: readonly Carrier[];
  /** Session keys from the config, after the built-in ones. */
  sessionKeys?: readonly string[];
  /** User keys from the config, after the built-in ones. */
  userKeys?: readonly string[];
  /** Polarity additions and replacements from the config. */
  overrides?: PolarityOverrides;
  /** Longest user text or answer kept (code points); {@link TEXT_CHARS} by default. */
  textChars?: number;
  /** Longest rationale, status or exception message kept; {@link NOTE_CHARS} by default. */
  noteChars?: number;
  provenance?: DigestProvenance;
}

/** Default bound of the user text and the answer. */
export const TEXT_CHARS = 2000;
/** Bound of an assessment value excerpt. */
export const VALUE_CHARS = 300;
/** Bound of a rationale, a status message, an exception message, a scorer error message. */
export const NOTE_CHARS = 1000;
/** Most error spans kept. */
export const MAX_ERROR_SPANS = 20;
/** Most entries kept in each list of {@link AssessmentsDigest} (verdicts, scorer errors, expectations). */
export const MAX_ASSESSMENTS = 100;
/** Most tool calls kept. */
export const MAX_TOOL_CALLS = 20;
/** Most wrapper names kept. */
export const MAX_WRAPPERS = 10;
/** Bound of a name (span, assessment, carrier key, id). */
const NAME_CHARS = 200;
/**
 * Bound of a session or user id: MLflow's limit for a tag value (`MAX_CHARS_IN_TRACE_INFO_TAGS_VALUE`,
 * mlflow/tracing/constant.py), so every id MLflow can store groups exactly.
 */
export const ID_CHARS = 4096;

/** A name (span, assessment, carrier key, id) cut to {@link NAME_CHARS}. */
export function cutName(text: string): string;
export function cutName(text: string | null): string | null;
export function cutName(text: string | null): string | null {
  return text === null ? null : cutText(text, NAME_CHARS);
}

/** A session or user id cut to {@link ID_CHARS}. */
export function cutId(text: string | null): string | null {
  return text === null ? null : cutText(text, ID_CHARS);
}
