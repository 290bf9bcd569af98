// A trace into its bounded digest (the shape and bounds in digest-types.ts; the assessments in
// digest-assessments.ts), and what the `sessions` listing keeps of it.
import { compactJson, cutText, summarizeIo } from './messages.js';
import { assessmentsDigest } from './digest-assessments.js';
import {
  cutId,
  cutName,
  MAX_ERROR_SPANS,
  MAX_TOOL_CALLS,
  MAX_WRAPPERS,
  NOTE_CHARS,
  TEXT_CHARS,
  type DigestOptions,
  type ErrorSpanDigest,
  type SessionSourceDigest,
  type TokenUsage,
  type TraceDigest,
  type TurnDigest,
  type TurnTexts,
} from './digest-types.js';
import { recoveredSpans, turnAnswered } from './recovery.js';
import { sessionConflictOf, sessionLookup, userIdOf, type KeyedValue } from './session-keys.js';
import { turnIo, type TurnIo } from './turn-io.js';
import type { Span, Trace } from './types.js';
import type { SessionTurn } from './sessions.js';
import { isObject } from './values.js';

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
    traceId: cutName(trace.traceId),
    sessionId: cutId(session?.value ?? null),
    ...(session !== null && conflict !== null ? { sessionConflict: { taken: sessionSource(session), other: sessionSource(conflict) } } : {}),
    user: cutId(userIdOf(trace, options.userKeys)),
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
    traceId: cutName(trace.traceId),
    sessionId: cutId(sessionLookup(trace, options.sessionKeys)?.value ?? null),
    user: cutId(userIdOf(trace, options.userKeys)),
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
    toolCalls: calls.slice(0, MAX_TOOL_CALLS).map((c) => ({ name: cutName(c.name), arguments: bound(c.arguments) })),
    cut: (input?.cut ?? false) || (output?.cut ?? false) || calls.length > MAX_TOOL_CALLS,
  };
}

function wrapperRoot(trace: Trace, io: TurnIo): TurnDigest['root'] {
  if (io.depth === null || io.depth === 0 || io.spanId === null) return null;
  if (io.selection !== 'descendant' && io.selection !== 'failed' && io.selection !== 'partial') return null;
  const index = trace.tree.roots[0];
  const span = index === undefined ? undefined : trace.spans[index];
  return span === undefined ? null : { spanId: span.spanId, name: cutName(span.name), path: `${trace.paths.spans}[${span.index}]` };
}

function turnDigest(io: TurnIo, texts: TurnTexts): Omit<TurnDigest, 'root'> {
  const side = (v: TurnIo['input']): TurnDigest['input'] => (v ? { carrier: cutName(v.carrier), key: cutName(v.key) } : null);
  return {
    selection: io.selection,
    spanId: io.spanId,
    spanName: cutName(io.spanName),
    depth: io.depth,
    wrapperChain: io.wrapperChain.slice(0, MAX_WRAPPERS).map((n) => cutName(n)),
    truncated: io.truncated,
    answerSpan: io.answerSpan === null ? null : { spanId: io.answerSpan.spanId, name: cutName(io.answerSpan.name) },
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
      name: cutName(span.name),
      depth: trace.tree.depth[span.index] ?? null,
      statusMessage: cutText(span.statusMessage, noteChars),
      exception: event ? { type: text('exception.type'), message: text('exception.message') } : null,
      recovered: recovered.has(span),
    };
  });
  return { errors, errorSpanCount: failed.length, recoveredErrorCount: failed.filter((span) => recovered.has(span)).length };
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

function sessionSource({ value, from }: KeyedValue): SessionSourceDigest {
  const span = from.kind === 'span';
  return { value: cutId(value)!, kind: from.kind, key: cutName(from.key), spanIndex: span ? from.spanIndex : null, depth: span ? from.depth : null };
}
