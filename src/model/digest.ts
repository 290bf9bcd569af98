// Over 300 lines because half of it is the digest's declared shape (the types the session stage,
// the reports and the JSON schema agree on); the code that fills it is short.
import type { Carrier } from './carrier-table.js';
import { compactJson, cutText, summarizeIo, type ToolCall } from './messages.js';
import type { Polarity, PolarityBasis, PolarityOverrides } from './scorers.js';
import { recoveredSpans, turnAnswered } from './recovery.js';
import { sessionConflictOf, sessionLookup, userIdOf, type KeyedValue } from './session-keys.js';
import { triageAssessments, type AssessmentLevel, type LevelBasis, type Verdict } from './triage.js';
import { turnIo, type TurnIo, type TurnSelection } from './turn-io.js';
import type { Span, Trace, TraceState } from './types.js';
import type { SessionTurn } from './sessions.js';
import { isObject } from './values.js';

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

/** Options of {@link digestTrace}: the config's additions and the excerpt length. */
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

/** Digests one trace (see {@link TraceDigest}); never throws on odd content. */
export function digestTrace(trace: Trace, options: DigestOptions = {}): TraceDigest {
  return digestAndIo(trace, options).digest;
}

/**
 * {@link digestTrace}, with the turn I/O it found and the recovered spans it decided (see
 * `recoveredSpans`), for facts taken from the same trace.
 */
export function digestAndIo(trace: Trace, options: DigestOptions = {}): { digest: TraceDigest; io: TurnIo; recovered: ReadonlyMap<Span, Span> } {
  const io = turnIo(trace, options.extraCarriers ? { extraCarriers: options.extraCarriers } : {});
  const texts = turnTexts(io, { maxChars: options.textChars ?? TEXT_CHARS });
  const recovered = recoveredSpans(trace, turnAnswered(trace, texts.answerText));
  const session = sessionLookup(trace, options.sessionKeys);
  const conflict = session === null ? null : sessionConflictOf(trace, session, options.sessionKeys);
  const digest: TraceDigest = {
    traceId: name(trace.traceId),
    sessionId: key(session?.value ?? null),
    ...(session !== null && conflict !== null ? { sessionConflict: { taken: sessionSource(session), other: sessionSource(conflict) } } : {}),
    user: key(userIdOf(trace, options.userKeys)),
    ...timesAndState(trace),
    format: trace.format.label,
    provenance: options.provenance ?? null,
    turn: { ...turnDigest(io, texts), root: wrapperRoot(trace, io) },
    ...errorSpans(trace, options.noteChars ?? NOTE_CHARS, recovered),
    assessments: assessmentsDigest(trace, options),
    tokenUsage: tokenUsageOf(trace.info.metadata['mlflow.trace.tokenUsage']),
  };
  return { digest, io, recovered };
}

/**
 * What the `sessions` listing keeps of a trace ({@link SessionTurn}: ids, times, state, counts),
 * each field as {@link digestTrace} has it, without what only a digest needs: the turn's I/O and
 * texts, the recovered spans, the error messages, the token usage (a third of `sessions`' CPU).
 */
export function sessionTurnOf(trace: Trace, options: Pick<DigestOptions, 'sessionKeys' | 'userKeys' | 'overrides' | 'noteChars'> = {}): SessionTurn {
  const { failing, counts } = assessmentsDigest(trace, options);
  let errorSpanCount = 0;
  for (const span of trace.spans) if (span.status === 'ERROR') errorSpanCount++;
  return {
    traceId: name(trace.traceId),
    sessionId: key(sessionLookup(trace, options.sessionKeys)?.value ?? null),
    user: key(userIdOf(trace, options.userKeys)),
    ...timesAndState(trace),
    errorSpanCount,
    assessments: { failing, counts: { scorerErrors: counts.scorerErrors } },
  };
}

/** The trace's experiment, times and state, as its digest and its listing row both have them. */
function timesAndState(trace: Trace): Pick<TraceDigest, 'experimentId' | 'requestTimeMs' | 'rootStartNs' | 'durationMs' | 'state'> {
  const root = trace.tree.roots[0];
  const rootSpan = root === undefined ? undefined : trace.spans[root];
  const rootDurationMs = rootSpan?.startTimeNs != null && rootSpan.endTimeNs != null ? (rootSpan.endTimeNs - rootSpan.startTimeNs) / 1e6 : null;
  return {
    experimentId: trace.info.experimentId,
    requestTimeMs: trace.info.requestTimeMs,
    rootStartNs: rootSpan?.startTimeNs ?? null,
    durationMs: trace.info.durationMs ?? rootDurationMs,
    state: trace.info.state,
  };
}

/**
 * The turn's texts from its I/O: the last user message of the input, the answer and tool calls
 * of the output. With `full`, nothing is cut (for `session --full`, on one session's turns only).
 */
export function turnTexts(io: TurnIo, options: { full?: boolean; maxChars?: number }): TurnTexts {
  const summarize = { ...(options.full ? { full: true } : {}), maxChars: options.maxChars ?? TEXT_CHARS, messages: false };
  const input = io.input ? summarizeIo(io.input.value, io.input.carrier, { side: 'input', ...summarize }) : null;
  const output = io.output ? summarizeIo(io.output.value, io.output.carrier, { side: 'output', ...summarize }) : null;
  const calls = output?.toolCalls ?? [];
  const bound = (text: string): string => (options.full ? text : cutText(text, NOTE_CHARS));
  return {
    userText: input?.userText ?? '',
    answerText: output?.assistantText ?? '',
    toolCalls: calls.slice(0, MAX_TOOL_CALLS).map((c) => ({ name: name(c.name), arguments: bound(c.arguments) })),
    cut: (input?.cut ?? false) || (output?.cut ?? false) || calls.length > MAX_TOOL_CALLS,
  };
}

function wrapperRoot(trace: Trace, io: TurnIo): TurnDigest['root'] {
  if (io.depth === null || io.depth === 0 || io.spanId === null) return null;
  if (io.selection !== 'descendant' && io.selection !== 'failed' && io.selection !== 'partial') return null;
  const index = trace.tree.roots[0];
  const span = index === undefined ? undefined : trace.spans[index];
  return span === undefined ? null : { spanId: span.spanId, name: name(span.name), path: `${trace.paths.spans}[${span.index}]` };
}

function turnDigest(io: TurnIo, texts: TurnTexts): Omit<TurnDigest, 'root'> {
  const side = (v: TurnIo['input']): TurnDigest['input'] => (v ? { carrier: name(v.carrier), key: name(v.key) } : null);
  return {
    selection: io.selection,
    spanId: io.spanId,
    spanName: name(io.spanName),
    depth: io.depth,
    wrapperChain: io.wrapperChain.slice(0, MAX_WRAPPERS).map((n) => name(n)),
    truncated: io.truncated,
    answerSpan: io.answerSpan === null ? null : { spanId: io.answerSpan.spanId, name: name(io.answerSpan.name) },
    input: side(io.input),
    output: side(io.output),
    texts,
  };
}

function errorSpans(trace: Trace, noteChars: number, recovered: ReadonlyMap<Span, Span>): { errors: ErrorSpanDigest[]; errorSpanCount: number; recoveredErrorCount: number } {
  const failed = trace.spans.filter((s) => s.status === 'ERROR');
  const errors = failed.slice(0, MAX_ERROR_SPANS).map((span): ErrorSpanDigest => {
    const event = span.events.find((e) => e.name === 'exception');
    const text = (key: string): string | null => {
      const value = event?.attributes[key];
      return value === undefined || value === null ? null : cutText(typeof value === 'string' ? value : compactJson(value), noteChars);
    };
    return {
      spanId: span.spanId,
      name: name(span.name),
      depth: trace.tree.depth[span.index] ?? null,
      statusMessage: cutText(span.statusMessage, noteChars),
      exception: event ? { type: text('exception.type'), message: text('exception.message') } : null,
      recovered: recovered.has(span),
    };
  });
  return { errors, errorSpanCount: failed.length, recoveredErrorCount: failed.filter((span) => recovered.has(span)).length };
}

function assessmentsDigest(trace: Trace, options: Pick<DigestOptions, 'overrides' | 'noteChars'>): AssessmentsDigest {
  const triage = triageAssessments(trace.assessments, options.overrides ? { overrides: options.overrides } : {});
  const noteChars = options.noteChars ?? NOTE_CHARS;
  // Each list is bounded on its own: a trace of thousands of verdicts must not leave its scorer
  // errors unlisted (each is a finding of its own), nor the reverse; counts come from the whole
  // triage below.
  const take = <T>(list: readonly T[]): readonly T[] => list.slice(0, MAX_ASSESSMENTS);
  const scorerErrors = take(triage.scorerErrors).map(
    (e): ScorerErrorDigest => ({
      index: e.index,
      name: name(e.assessment.name),
      level: e.level,
      levelBasis: e.levelBasis,
      code: name(e.error.code),
      message: e.error.message === null ? null : cutText(e.error.message, noteChars),
      spanId: e.assessment.spanId,
      superseded: e.supersededBy !== undefined,
    }),
  );
  const verdicts = boundedVerdicts(triage.verdicts).map(
    (v): VerdictDigest => ({
      index: v.index,
      name: name(v.assessment.name),
      level: v.level,
      levelBasis: v.levelBasis,
      polarity: v.polarity,
      polarityBasis: v.polarityBasis,
      value: compactJson(v.assessment.value, VALUE_CHARS),
      rationale: v.rationale === null ? null : cutText(v.rationale, noteChars),
      sourceType: name(v.source.type),
      sourceId: name(v.source.id),
      spanId: v.assessment.spanId,
      effective: v.effective,
      ineffective: v.ineffective ?? null,
      overriddenByHuman: v.overriddenByHuman?.index ?? null,
    }),
  );
  // By index through a map: a find per expectation was quadratic on a trace of thousands of assessments.
  const byIndex = new Map(trace.assessments.map((a) => [a.index, a]));
  const expectations = take(triage.expectations.map((i) => byIndex.get(i)!)).map(
    (a): ExpectationDigest => ({ index: a.index, name: name(a.name), value: compactJson(a.value, VALUE_CHARS), sourceType: name(a.sourceType) }),
  );
  const total = triage.verdicts.length + triage.scorerErrors.length + triage.expectations.length;
  const listed = verdicts.length + scorerErrors.length + expectations.length;
  const counts: AssessmentCounts = {
    feedback: triage.verdicts.length,
    expectations: triage.expectations.length,
    scorerErrors: triage.scorerErrors.length,
    scorerErrorsSuperseded: triage.scorerErrors.filter((e) => e.supersededBy !== undefined).length,
    superseded: triage.counts.superseded,
    pass: triage.counts.pass,
    fail: triage.counts.fail,
    unknown: triage.counts.unknown,
  };
  return {
    verdicts,
    scorerErrors,
    expectations,
    omitted: total - listed,
    failing: triage.counts.fail,
    counts,
    scorers: scorerCounts(triage),
  };
}

/**
 * At most {@link MAX_ASSESSMENTS} verdicts, in file order, the effective failing ones first to be
 * kept: the turn's failure line and the rules read the failing verdicts from this list.
 */
function boundedVerdicts(all: readonly Verdict[]): readonly Verdict[] {
  if (all.length <= MAX_ASSESSMENTS) return all;
  const failing = (v: Verdict): boolean => v.effective && v.polarity === 'fail';
  const keep = new Set(all.filter(failing).slice(0, MAX_ASSESSMENTS));
  for (const v of all) {
    if (keep.size >= MAX_ASSESSMENTS) break;
    keep.add(v);
  }
  return all.filter((v) => keep.has(v));
}

/** Per-name runs and failures over the whole triage. */
function scorerCounts(triage: ReturnType<typeof triageAssessments>): ScorerCount[] {
  const byName = new Map<string, { count: ScorerCount; codes: Map<string | null, number> }>();
  const entry = (raw: string): { count: ScorerCount; codes: Map<string | null, number> } => {
    const key = name(raw);
    let c = byName.get(key);
    if (c === undefined) {
      c = { count: { name: key, runs: 0, failures: 0, replaced: 0, codes: [] }, codes: new Map() };
      byName.set(key, c);
    }
    return c;
  };
  // Codes through a map: a search per error was quadratic on a trace of thousands of distinct codes.
  for (const e of triage.scorerErrors) {
    const { count, codes } = entry(e.assessment.name);
    count.failures++;
    if (e.supersededBy !== undefined) count.replaced++;
    const code = name(e.error.code);
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  for (const v of triage.verdicts) if (v.source.type !== 'HUMAN') entry(v.assessment.name).count.runs++;
  return [...byName.values()].map(({ count, codes }) => ({ ...count, codes: [...codes].map(([code, n]) => ({ code, count: n })) }));
}

/** Reads `{"input_tokens": 12, "output_tokens": 7, "total_tokens": 19}`; anything else is null. */
function tokenUsageOf(text: string | undefined): TokenUsage | null {
  if (text === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Metadata written by hand may hold anything: unreadable usage is no usage.
    if (error instanceof SyntaxError) return null;
    throw error;
  }
  if (!isObject(value)) return null;
  const count = (key: string): number | null => {
    const n = value[key];
    return typeof n === 'number' && Number.isFinite(n) ? n : null;
  };
  const usage = { inputTokens: count('input_tokens'), outputTokens: count('output_tokens'), totalTokens: count('total_tokens') };
  return usage.inputTokens === null && usage.outputTokens === null && usage.totalTokens === null ? null : usage;
}

function name(text: string): string;
function name(text: string | null): string | null;
function name(text: string | null): string | null {
  return text === null ? null : cutText(text, NAME_CHARS);
}

function sessionSource({ value, from }: KeyedValue): SessionSourceDigest {
  const span = from.kind === 'span';
  return { value: key(value)!, kind: from.kind, key: name(from.key), spanIndex: span ? from.spanIndex : null, depth: span ? from.depth : null };
}

function key(text: string | null): string | null {
  return text === null ? null : cutText(text, ID_CHARS);
}
