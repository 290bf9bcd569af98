import { resolveSpanIo, type ResolveOptions } from './carriers.js';
import { messageTexts } from './messages.js';
import { daysBehindPeers, documentAge } from './documents.js';
import { MAX_DOCUMENTS, retrievedDocuments, type DocumentFacts } from './facts-documents.js';
import { errorFacts, type ErrorFacts } from './facts-errors.js';
import { shared, textKey } from './facts-keys.js';
import { addCallTokens, spanTokens, traceTokens, type TokenFacts } from './facts-tokens.js';
import { spanRole } from './span-kind.js';
import type { Span, Trace } from './types.js';

/**
 * What the cross-turn rules need of a trace beyond its digest, taken while the trace is in hand
 * and small enough to keep for every trace of a dump: texts become keys (a short hash of the
 * normalized text), lists are bounded (the `MAX_` constants), every entry says where it is (span
 * id and JSONPath into the exported trace).
 */
export interface TurnFacts {
  /** Key of the turn's user text and of its answer ({@link textKey}); null when empty or too short. */
  userKey: string | null;
  answerKey: string | null;
  /** JSONPath of the turn I/O span, when the I/O came from a span. */
  ioPath: string | null;
  /** JSONPath of the trace's assessment list (`$.info.assessments`; an assessment is `[index]` below it). */
  assessmentsPath: string;
  /** JSONPath of the trace's metadata map: `trace_metadata` (3.x), `request_metadata` (2.x). */
  metadataPath: string;
  /** JSONPath of the trace's state (`state` in 3.x, `status` in 2.x). */
  statePath: string;
  /** Which sides the first root span has (any carrier, empty values counting as missing); null without a root. */
  rootIo: { input: boolean; output: boolean } | null;
  /** Model calls in span order; at most {@link MAX_MODEL_CALLS}. */
  modelCalls: ModelCallFacts[];
  /** Documents retrieved, first sighting of each id; at most {@link MAX_DOCUMENTS}. */
  documents: DocumentFacts[];
  /** One entry per failed span (and per exception event on a span that did not fail); at most {@link MAX_SIGNATURES}. */
  errors: ErrorFacts[];
  /** Token counts: the trace's `mlflow.trace.tokenUsage`, else the sum over its model calls. */
  tokens: TokenFacts | null;
}

/** One model call (a span whose role is `model`). */
export interface ModelCallFacts {
  spanId: string;
  name: string;
  path: string;
  /**
   * Messages in the call's input (all roles), for the one call per trace whose input is read
   * (the call with the most attribute text: see `historyCall`); null for the others.
   */
  messageCount: number | null;
  /** Keys of the user and assistant messages of that call's input, oldest first ({@link MAX_HISTORY_KEYS} at most); empty for the others. */
  historyKeys: string[];
  /**
   * User and assistant messages with text from the first user message to the last one (that one
   * left out) of that call's input: earlier exchanges the app sent along with this turn (a first
   * turn of a session that carries some is not the conversation's first). Tool calls and tool
   * results are not counted, nor an opening assistant greeting, nor the turn's own agent loop
   * after its user message. Null for the other calls, and for an input with no user message.
   */
  priorMessages: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
}

export const MAX_MODEL_CALLS = 20;
export const MAX_HISTORY_KEYS = 200;
export const MAX_SIGNATURES = 20;

/** Facts of one trace (see {@link TurnFacts}); never throws on odd content. */
export function turnFacts(
  trace: Trace,
  io: {
    spanIndex: number | null;
    userText: string;
    answerText: string;
    /** The spans whose failure was recovered, with what recovered them (`digestAndIo` decides it: `recoveredSpans`). */
    recovered: ReadonlyMap<Span, Span>;
  },
  options: ResolveOptions = {},
): TurnFacts {
  const pathOf = (span: Span): string => shared(`${trace.paths.spans}[${span.index}]`);
  const modelCalls: ModelCallFacts[] = [];
  const documents: DocumentFacts[] = [];
  const seenDocs = new Set<string>();
  const errors: ErrorFacts[] = [];
  let callTokens: Omit<TokenFacts, 'source'> | null = null;
  const roles = trace.spans.map(spanRole);
  const withHistory = historyCall(trace.spans.filter((_, i) => roles[i] === 'model'));
  const rootIndex = trace.tree.roots[0];
  const root = rootIndex === undefined ? undefined : trace.spans[rootIndex];
  const recovery = (span: Span): ErrorFacts['recovered'] => {
    const by = io.recovered.get(span);
    return by === undefined ? null : { spanId: by.spanId, spanName: shared(by.name), path: pathOf(by) };
  };
  for (const span of trace.spans) {
    const role = roles[span.index] ?? spanRole(span);
    if (role === 'model') {
      const call = modelCall(span, pathOf(span), options, span === withHistory);
      if (modelCalls.length < MAX_MODEL_CALLS) modelCalls.push(call);
      callTokens = addCallTokens(callTokens, call);
    } else if (role === 'retriever' && documents.length < MAX_DOCUMENTS) {
      const retrieved = retrievedDocuments(span, options);
      const ages = retrieved.map((doc) => documentAge(doc.label, doc.metadata));
      for (const [i, doc] of retrieved.entries()) {
        if (seenDocs.has(doc.id) || documents.length >= MAX_DOCUMENTS) continue;
        seenDocs.add(doc.id);
        const age = ages[i]!;
        documents.push({ id: shared(doc.id), label: shared(doc.label), spanId: span.spanId, path: pathOf(span), age: { ...age, family: shared(age.family) }, behindDays: daysBehindPeers(ages, i) });
      }
    }
    if (errors.length < MAX_SIGNATURES) errors.push(...errorFacts(span, pathOf(span), recovery).slice(0, MAX_SIGNATURES - errors.length));
  }
  const ioSpan = io.spanIndex === null ? undefined : trace.spans[io.spanIndex];
  const rootSides = root === undefined ? null : resolveSpanIo(root, options);
  return {
    userKey: textKey(io.userText),
    answerKey: textKey(io.answerText),
    ioPath: ioSpan === undefined ? null : pathOf(ioSpan),
    assessmentsPath: trace.paths.assessments,
    metadataPath: `${trace.paths.info}.${trace.info.format === 'v2' ? 'request_metadata' : 'trace_metadata'}`,
    statePath: `${trace.paths.info}.${trace.info.format === 'v2' ? 'status' : 'state'}`,
    rootIo: rootSides === null ? null : { input: rootSides.input !== null, output: rootSides.output !== null },
    modelCalls,
    documents,
    errors,
    tokens: traceTokens(trace.info.metadata['mlflow.trace.tokenUsage']) ?? (callTokens && { ...callTokens, source: 'spans' }),
  };
}

function modelCall(span: Span, path: string, options: ResolveOptions, withHistory: boolean): ModelCallFacts {
  const historyKeys: string[] = [];
  let messageCount: number | null = null;
  let priorMessages: number | null = null;
  if (withHistory) {
    const input = resolveSpanIo(span, options).input;
    const messages = input === null ? [] : messageTexts(input.value, 'input');
    messageCount = messages.length;
    // Exchanges before the turn's own (last) user message, from the first user message on: an
    // opening assistant message (the greeting a chat shows before the user speaks) is no exchange,
    // nor are tool messages (role `tool`, Anthropic and Gemini results included) or text-less
    // tool-call messages.
    let exchanges = -1;
    for (const m of messages) {
      if (m.role !== 'user' && m.role !== 'assistant') continue;
      if (m.role === 'user') {
        if (exchanges < 0) exchanges = 0;
        priorMessages = exchanges;
      }
      if (exchanges >= 0) exchanges++;
      const key = textKey(m.content);
      if (key !== null && historyKeys.length < MAX_HISTORY_KEYS) historyKeys.push(key);
    }
  }
  const usage = spanTokens(span);
  return { spanId: span.spanId, name: shared(span.name), path, messageCount, historyKeys, priorMessages, inputTokens: usage.input, outputTokens: usage.output };
}

/**
 * The model call whose input is read for history: the one with the most attribute text (its
 * input holds the longest conversation; in an agent loop, the last call, which also carries the
 * tool results). Measured by the raw attribute strings, so no other call's input is decoded.
 */
function historyCall(spans: readonly Span[]): Span | undefined {
  let best: Span | undefined;
  let bestSize = -1;
  for (const span of spans) {
    const size = span.attributes.rawTextLength();
    if (size > bestSize) {
      best = span;
      bestSize = size;
    }
  }
  return best;
}
