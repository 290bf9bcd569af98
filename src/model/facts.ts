import { decodeAttributeValue } from './attributes.js';
import { resolveSpanIo, type ResolveOptions } from './carriers.js';
import { messageTexts } from './messages.js';
import { cut, ELLIPSIS_AFTER, NO_MARK } from '../shared/text.js';
import { daysBehindPeers, documentAge, type DocumentAge } from './documents.js';
import { spanRole } from './span-kind.js';
import type { Span, Trace } from './types.js';
import { isObject } from './values.js';

/**
 * What the cross-turn rules need of a trace beyond its digest, taken while the trace is in hand
 * and small enough to keep for every trace of a dump: texts become keys (a short hash of the
 * normalized text), lists are bounded (the constants below), every entry says where it is (span
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

/** One retrieved document. */
export interface DocumentFacts {
  /** The document's id, else its URI, else `text:<key>` of its content. */
  id: string;
  /** What to call it: its URI or id. */
  label: string;
  spanId: string;
  path: string;
  /** Its version, date and lifecycle markers (see `documentAge`). */
  age: DocumentAge;
  /**
   * Days by which its date is older than every other dated document retrieved with it (see
   * `daysBehindPeers`), when it is older than all of them; null otherwise.
   */
  behindDays: number | null;
}

/** One error: a failed span, or an exception event. */
export interface ErrorFacts {
  /** Normalized `Type: message` (numbers, ids and quoted values replaced): the same fault has the same signature. */
  signature: string;
  spanId: string;
  spanName: string;
  path: string;
  /** Exception type and message as written (message cut to {@link NOTE_CHARS}). */
  type: string | null;
  message: string;
  /**
   * The attempt that succeeded after this error within the turn (a later sibling of the same
   * span or tool, or the span itself when it ended OK), in a turn that answered: a recovered
   * error is information, not a failure of the turn (see `recoveredSpans`). Null when not recovered.
   */
  recovered: { spanId: string; spanName: string; path: string } | null;
}

export interface TokenFacts {
  input: number | null;
  output: number | null;
  total: number | null;
  source: 'trace' | 'spans';
}

export const MAX_MODEL_CALLS = 20;
export const MAX_HISTORY_KEYS = 200;
export const MAX_DOCUMENTS = 50;
export const MAX_SIGNATURES = 20;
const NOTE_CHARS = 300;
/**
 * Characters of a text that make its key: enough to tell answers apart, cheap to hash. Callers
 * pass at least {@link KEY_TEXT_CHARS} raw characters, so the key's window never runs past the
 * text they have, even after white space is collapsed.
 */
const KEY_CHARS = 300;
/** Raw characters a text should keep for {@link textKey}: the window plus slack for white space. */
export const KEY_TEXT_CHARS = 400;
/** Texts shorter than this ("ok", "yes") say nothing about where they came from: no key. */
const MIN_KEY_CHARS = 24;

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
  let spanTokens: { input: number | null; output: number | null; total: number | null } | null = null;
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
      if (call.inputTokens !== null || call.outputTokens !== null) {
        spanTokens ??= { input: null, output: null, total: null };
        spanTokens.input = add(spanTokens.input, call.inputTokens);
        spanTokens.output = add(spanTokens.output, call.outputTokens);
        spanTokens.total = add(spanTokens.total, add(call.inputTokens, call.outputTokens));
      }
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
    tokens: traceTokens(trace.info.metadata['mlflow.trace.tokenUsage']) ?? (spanTokens && { ...spanTokens, source: 'spans' }),
  };
}

/**
 * A short key for a text: FNV-1a over its first {@link KEY_CHARS} characters after lower-casing,
 * collapsing white space and dropping a `… [cut, N chars]` marker, so an answer and the same
 * answer quoted back in a later prompt have the same key. Null for texts under
 * {@link MIN_KEY_CHARS}.
 */
export function textKey(text: string): string | null {
  // One pass: lower-case, collapse white space, stop at KEY_CHARS; no intermediate strings.
  const body = text.endsWith(' chars]') ? text.replace(CUT_MARKER, '') : text;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  let n = 0;
  let space = false;
  for (let i = 0; i < body.length && n < KEY_CHARS; i++) {
    let c = body.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || c === 0xa0) {
      space = n > 0;
      continue;
    }
    if (space) {
      a = Math.imul(a ^ 32, 0x01000193);
      b = Math.imul(b ^ 32, 0x01000193) ^ (b >>> 15);
      n++;
      space = false;
      if (n >= KEY_CHARS) break;
    }
    if (c >= 65 && c <= 90) c += 32;
    else if (c > 127) c = body[i]!.toLowerCase().charCodeAt(0);
    // Two 32-bit FNV-1a lanes with different offsets: 64 bits, no collision in any real dump.
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
    n++;
  }
  if (n < MIN_KEY_CHARS) return null;
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The marker `cutText` appends; a key is taken from the text before it. */
const CUT_MARKER = /… \[cut, [\d ]+ chars\]$/u;

/**
 * A fault's signature: exception type and message with the parts that vary between occurrences
 * (numbers, hex ids, UUIDs, quoted values) replaced, so `timeout after 30s (req 8f3a…)` and
 * `timeout after 31s (req 1b2c…)` are the same fault.
 */
export function errorSignature(type: string | null, message: string): string {
  const text = cut(message, 500, NO_MARK)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/giu, '<id>')
    .replace(/\b(?:0x)?[0-9a-f]*\d[0-9a-f]*\b/giu, (m) => (m.length >= 8 ? '<id>' : m))
    .replace(/'[^']{0,200}'|"[^"]{0,200}"/gu, '<s>')
    .replace(/\d+(?:\.\d+)?/gu, '<n>')
    .replace(/\s+/gu, ' ')
    .trim();
  const short = cut(text, 200, NO_MARK);
  return type === null || type === '' ? short : `${type}: ${short}`;
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
    let size = 0;
    for (const value of Object.values(span.attributes.raw)) if (typeof value === 'string') size += value.length;
    if (size > bestSize) {
      best = span;
      bestSize = size;
    }
  }
  return best;
}

/** Token keys of the conventions, as MLflow maps them on OTLP ingest (mlflow-trace-formats.md §6). */
const INPUT_TOKEN_KEYS = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt', 'llm.usage.prompt_tokens'];
const OUTPUT_TOKEN_KEYS = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion', 'llm.usage.completion_tokens'];

function spanTokens(span: Span): { input: number | null; output: number | null } {
  const usage = span.attributes.get('mlflow.chat.tokenUsage');
  if (isObject(usage)) return { input: count(usage.input_tokens), output: count(usage.output_tokens) };
  const first = (keys: readonly string[]): number | null => {
    for (const key of keys) {
      const n = count(span.attributes.get(key));
      if (n !== null) return n;
    }
    return null;
  };
  return { input: first(INPUT_TOKEN_KEYS), output: first(OUTPUT_TOKEN_KEYS) };
}

function traceTokens(text: string | undefined): TokenFacts | null {
  if (text === undefined) return null;
  const value = decodeAttributeValue(text);
  if (!isObject(value)) return null;
  const facts: TokenFacts = { input: count(value.input_tokens), output: count(value.output_tokens), total: count(value.total_tokens), source: 'trace' };
  return facts.input === null && facts.output === null && facts.total === null ? null : facts;
}

function count(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}

function add(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : a + b;
}

/**
 * Documents of a retriever span: MLflow's list of `{page_content, metadata: {doc_uri, chunk_id}, id}`
 * (`mlflow.entities.Document`), LangChain's `Document` dicts, or OpenInference's flattened
 * `retrieval.documents.N.document.{id,content,metadata}`.
 */
function retrievedDocuments(span: Span, options: ResolveOptions): Array<{ id: string; label: string; metadata: unknown }> {
  const out: Array<{ id: string; label: string; metadata: unknown }> = [];
  const output = resolveSpanIo(span, options).output?.value;
  const list = Array.isArray(output) ? output : isObject(output) && Array.isArray(output.documents) ? output.documents : [];
  for (const item of list.slice(0, MAX_DOCUMENTS)) {
    const doc = documentOf(item);
    if (doc) out.push(doc);
  }
  for (let i = 0; out.length < MAX_DOCUMENTS && span.attributes.has(`retrieval.documents.${i}.document.id`); i++) {
    const prefix = `retrieval.documents.${i}.document.`;
    const doc = documentOf({ id: span.attributes.get(`${prefix}id`), page_content: span.attributes.get(`${prefix}content`), metadata: span.attributes.get(`${prefix}metadata`) });
    if (doc) out.push(doc);
  }
  return out;
}

function documentOf(item: unknown): { id: string; label: string; metadata: unknown } | null {
  if (!isObject(item)) return null;
  const metadata = isObject(item.metadata) ? item.metadata : {};
  const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
  const uri = text(metadata.doc_uri) ?? text(metadata.source) ?? text(metadata.uri);
  const chunk = text(metadata.chunk_id);
  const id = text(item.id) ?? (uri === null ? null : chunk === null ? uri : `${uri}#${chunk}`);
  if (id !== null) return { id, label: uri ?? id, metadata };
  const content = text(item.page_content) ?? text(item.content);
  const key = content === null ? null : textKey(content);
  return key === null ? null : { id: `text:${key}`, label: cut(content!, 60, ELLIPSIS_AFTER), metadata };
}

function errorFacts(span: Span, path: string, recovery: (span: Span) => ErrorFacts['recovered']): ErrorFacts[] {
  const out: ErrorFacts[] = [];
  const exceptions = span.events.filter((e) => e.name === 'exception');
  if (exceptions.length === 0 && span.status !== 'ERROR') return out;
  const recovered = recovery(span);
  for (const event of exceptions) {
    const type = typeof event.attributes['exception.type'] === 'string' ? (event.attributes['exception.type'] as string) : null;
    const raw = event.attributes['exception.message'];
    const message = typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : String(raw);
    out.push({
      signature: errorSignature(type, message),
      spanId: span.spanId,
      spanName: shared(span.name),
      path,
      type: type === null ? null : shared(type),
      message: cut(message, NOTE_CHARS, NO_MARK),
      recovered,
    });
  }
  if (out.length === 0 && span.status === 'ERROR') {
    const message = span.statusMessage;
    out.push({
      signature: errorSignature(null, message === '' ? `${span.name} failed` : message),
      spanId: span.spanId,
      spanName: shared(span.name),
      path,
      type: null,
      message: cut(message, NOTE_CHARS, NO_MARK),
      recovered,
    });
  }
  return out;
}

/** Strings kept once however many traces repeat them (paths, span names, document ids). */
const SHARED = new Map<string, string>();
/** The table is cleared when it reaches this size, so a dump of unique names cannot grow it without end. */
const MAX_SHARED = 50_000;

/**
 * One copy of a string that many traces hold (`$.data.spans[3]`, `ChatOpenAI`, a document id):
 * facts are kept for every trace of a dump, and a copy per trace would cost more than the facts.
 */
function shared(text: string): string {
  if (text.length > 200) return text;
  const hit = SHARED.get(text);
  if (hit !== undefined) return hit;
  if (SHARED.size >= MAX_SHARED) SHARED.clear();
  // A flat copy: the key may be a slice of a large decoded value (see `detach` in analyze-trace.ts).
  const own = text.length < 13 ? text : `${text} `.slice(0, -1);
  SHARED.set(own, own);
  return own;
}
