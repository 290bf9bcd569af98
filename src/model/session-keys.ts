import type { Span, Trace } from './types.js';

/** Span attribute keys that name a session, as OTel-side instrumentations write them. */
const SESSION_SPAN_KEYS = ['session.id', 'gen_ai.conversation.id'] as const;
/** Span attribute keys that name the end user. */
const USER_SPAN_KEYS = ['user.id'] as const;

/** Where a session or user id was found: the trace info, or a span's attributes. */
export type KeyedValueSource = { kind: 'metadata' | 'tags'; key: string } | { kind: 'span'; key: string; spanIndex: number; depth: number };

/** A session or user id and where it was read. */
export interface KeyedValue {
  value: string;
  from: KeyedValueSource;
}

/**
 * Where a trace's session id is looked for, first found wins:
 * 1. the trace info: metadata `mlflow.trace.session` (MLflow 3.x,
 *    `TraceMetadataKey.TRACE_SESSION`), the same key in tags (some "evaluate conversations"
 *    examples), the `session_id` tag MLflow's 3.0 docs told users to set; then each of
 *    `extraKeys` (the config's `session_keys`, in order) in metadata, then tags;
 * 2. the spans' attributes, nearest the root first (depth in the span tree, then the span's
 *    position in the trace; spans on a parent cycle come last): on each span `session.id` and
 *    `gen_ai.conversation.id`, then `extraKeys`. OTel GenAI and OpenInference instrumentations
 *    set them on the agent and LLM spans below an HTTP server root (mlflow-trace-formats.md §6);
 *    MLflow copies the session into the root's `session.id` for OTLP export
 *    (`SpanAttributeKey.SESSION_ID` in mlflow/tracing/constant.py).
 * One pass over the spans; only attributes that are present are decoded.
 */
export function sessionIdOf(trace: Trace, extraKeys: readonly string[] = []): string | null {
  return sessionLookup(trace, extraKeys)?.value ?? null;
}

/** {@link sessionIdOf} with where the id was read. */
export function sessionLookup(trace: Trace, extraKeys: readonly string[] = []): KeyedValue | null {
  const { metadata, tags } = trace.info;
  const builtIn = info(metadata, 'metadata', 'mlflow.trace.session') ?? info(tags, 'tags', 'mlflow.trace.session') ?? info(tags, 'tags', 'session_id');
  return builtIn ?? fromInfoKeys(trace, extraKeys) ?? nearestSpan(trace, [...SESSION_SPAN_KEYS, ...extraKeys]);
}

/**
 * A second session id in the trace: the first source, in the order {@link sessionIdOf} reads them,
 * whose id differs from `chosen` (what `sessionLookup` returned), or null when every source that
 * names a session names the same one. Two ids in one trace mean a key holds something else than
 * the conversation (a request id, another app's session), or two conversations share a trace.
 * One more pass over the spans, reading only the keys that are present.
 */
export function sessionConflictOf(trace: Trace, chosen: KeyedValue, extraKeys: readonly string[] = []): KeyedValue | null {
  const { metadata, tags } = trace.info;
  const sources = [
    info(metadata, 'metadata', 'mlflow.trace.session'),
    info(tags, 'tags', 'mlflow.trace.session'),
    info(tags, 'tags', 'session_id'),
    ...extraKeys.flatMap((key) => [info(metadata, 'metadata', key), info(tags, 'tags', key)]),
  ];
  for (const found of sources) if (found !== null && found.value !== chosen.value) return found;
  return nearestSpan(trace, [...SESSION_SPAN_KEYS, ...extraKeys], chosen.value);
}

/**
 * The end user of a trace, looked for like the session: metadata `mlflow.trace.user`
 * (`TraceMetadataKey.TRACE_USER`, mlflow/tracing/constant.py), the same key in tags, the
 * `user_id` tag that goes with the 2.x-era `session_id` tag, `extraKeys` (the config's
 * `user_keys`) in metadata and tags; then the spans nearest the root first, each for `user.id`
 * (where MLflow copies the user for OTLP export, `SpanAttributeKey.USER_ID`, and where
 * OpenInference puts it) and `extraKeys`. Not the `mlflow.user` tag: that names who created the
 * trace, a developer or a system.
 */
export function userIdOf(trace: Trace, extraKeys: readonly string[] = []): string | null {
  return userLookup(trace, extraKeys)?.value ?? null;
}

/** {@link userIdOf} with where the id was read. */
export function userLookup(trace: Trace, extraKeys: readonly string[] = []): KeyedValue | null {
  const { metadata, tags } = trace.info;
  const builtIn = info(metadata, 'metadata', 'mlflow.trace.user') ?? info(tags, 'tags', 'mlflow.trace.user') ?? info(tags, 'tags', 'user_id');
  return builtIn ?? fromInfoKeys(trace, extraKeys) ?? nearestSpan(trace, [...USER_SPAN_KEYS, ...extraKeys]);
}

function info(map: Readonly<Record<string, string>>, kind: 'metadata' | 'tags', key: string): KeyedValue | null {
  const value = map[key];
  return value ? { value, from: { kind, key } } : null;
}

function fromInfoKeys(trace: Trace, keys: readonly string[]): KeyedValue | null {
  const { metadata, tags } = trace.info;
  for (const key of keys) {
    const found = info(metadata, 'metadata', key) ?? info(tags, 'tags', key);
    if (found) return found;
  }
  return null;
}

/**
 * The first of `keys` on the span nearest a root: the smallest depth in the span tree, then the
 * first in the trace's span order. One pass in span order, keeping the best so far: a span no
 * shallower than it is skipped unread, so a root that has the key ends the search.
 */
function nearestSpan(trace: Trace, keys: readonly string[], unlike?: string): KeyedValue | null {
  const { spans, tree } = trace;
  // Spans on a parent cycle have no depth (-1): they rank after every span that has one.
  const last = spans.length;
  let best: KeyedValue | null = null;
  let bestDepth = last + 1;
  for (let i = 0; i < spans.length; i++) {
    const raw = tree.depth[i] ?? -1;
    const depth = raw < 0 ? last : raw;
    if (depth >= bestDepth) continue;
    const found = spanValue(spans[i]!, keys, unlike);
    if (found === null) continue;
    best = { value: found.value, from: { kind: 'span', key: found.key, spanIndex: i, depth: raw } };
    bestDepth = depth;
    if (depth === 0) break;
  }
  return best;
}

/**
 * The first non-empty string (or number, as some SDKs write ids) among a span's attributes
 * `keys`; with `unlike`, the first such value that differs from it.
 */
function spanValue(span: Span, keys: readonly string[], unlike?: string): { key: string; value: string } | null {
  const attributes = span.attributes;
  for (const key of keys) {
    // `has` first: an absent key costs a property check, and only a present value is decoded.
    if (!attributes.has(key)) continue;
    const raw = attributes.get(key);
    const value = typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : '';
    if (value !== '' && value !== unlike) return { key, value };
  }
  return null;
}
