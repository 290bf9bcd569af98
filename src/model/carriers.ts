/**
 * A span's input and output through the carrier table (`carrier-table.ts`): each side from the
 * first row whose source holds a non-empty value, attribute sides decoded only when read, and the
 * readers of the five kinds of source.
 */
import { decodeAttributeValue } from './attributes.js';
import { type Carrier, type CarrierSource, carrierTable } from './carrier-table.js';
import type { Span } from './types.js';
import { isObject } from './values.js';

/** A side of a span's I/O, with where it came from. */
export interface IoValue {
  /** The carrier row's id, e.g. `mlflow.span`, `gen_ai.messages`, or `truncated-preview`. */
  carrier: string;
  /** The key read: an attribute name, `gen_ai.prompt.*`, `event:gen_ai.user.message`, … */
  key: string;
  /** The decoded value (never empty in the sense of {@link isEmptyIo}). */
  value: unknown;
}

/** A span's input and output; each side may come from a different carrier. */
export interface SpanIo {
  input: IoValue | null;
  output: IoValue | null;
}

/** Options of {@link resolveSpanIo}. */
export interface ResolveOptions {
  /** Rows added by the configuration; they are tried after the built-in rows, before `generic`. */
  extraCarriers?: readonly Carrier[];
}

/**
 * True when a value counts as missing I/O: absent, `null`, `""`, `[]` or `{}`. This is the rule of
 * MLflow's OTel translators, which skip a value whose JSON decodes to something falsy and try the
 * next key (`mlflow/tracing/otel/translation/base.py`, `_get_and_check_attribute_value`). Numbers
 * and booleans count as values, even 0 and false: they are what the span returned.
 */
export function isEmptyIo(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.keys(value).length === 0;
  return false;
}

/**
 * A span's input and output: for each side, the first carrier row (in {@link carrierTable} order)
 * whose source holds a non-empty value. The two sides are resolved independently, so they may
 * name different carriers.
 */
export function resolveSpanIo(span: Span, options: ResolveOptions = {}): SpanIo {
  const table = carrierTable(options.extraCarriers);
  return { input: resolveSide(span, table, 'input'), output: resolveSide(span, table, 'output') };
}

function resolveSide(span: Span, table: readonly Carrier[], side: 'input' | 'output'): IoValue | null {
  for (const carrier of table) {
    for (const source of carrier[side]) {
      if (source.kind === 'attribute') {
        const raw = span.attributes.rawValue(source.key);
        if (typeof raw === 'string' && surelyNotEmpty(raw)) return lazyAttribute(span, carrier.id, source.key, source.json);
      }
      const found = readSource(span, source);
      if (found && !isEmptyIo(found.value)) return { carrier: carrier.id, key: found.key, value: found.value };
    }
  }
  return null;
}

/**
 * An attribute side whose value is decoded only when read: the turn I/O search asks of most
 * spans only whether they have a side, and a model call's decoded payload is the largest thing
 * a trace builds. `value` is an own enumerable property (a getter), so spreads and JSON see it.
 */
function lazyAttribute(span: Span, carrier: string, key: string, json: boolean): IoValue {
  const io = { carrier, key } as IoValue;
  Object.defineProperty(io, PENDING, { value: { span, json }, writable: true });
  Object.defineProperty(io, 'value', LAZY_VALUE);
  return io;
}

/** Where a lazy side keeps its span until decoded, then its value: not enumerable, so sides compare and print as carrier, key, value. */
const PENDING = Symbol('pending');
type Pending = { span: Span; json: boolean } | { value: unknown };

/**
 * The `value` of a lazy side: one getter shared by every side (no closure per side; the turn I/O
 * search makes one for most spans of a trace), an own enumerable property, so spreads and
 * `JSON.stringify` see the value as on a plain side.
 */
const LAZY_VALUE: PropertyDescriptor = {
  enumerable: true,
  get(this: IoValue & { [PENDING]: Pending }): unknown {
    const state = this[PENDING];
    if ('value' in state) return state.value;
    const value = readAttribute(state.span, this.key, state.json)!.value;
    this[PENDING] = { value };
    return value;
  },
};

/**
 * True when an attribute text cannot decode to an empty value ({@link isEmptyIo}) however many
 * times it is decoded: it holds a character that no JSON spelling of `null`, `""`, `[]` or `{}`
 * has, at any level of encoding (white space, brackets, braces, quotes, backslashes, `null`,
 * and the letters and hex digits of escapes). Text that is not JSON decodes to itself, so such a
 * character survives too. Usually decided in the first few characters (`{"m…`, `"Hel…`).
 */
export function surelyNotEmpty(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80 && EMPTY_SPELLING[c] === 1) continue;
    return true;
  }
  return false;
}

/** The ASCII characters of every encoding of an empty value (see {@link surelyNotEmpty}). */
const EMPTY_SPELLING = (() => {
  const table = new Uint8Array(128);
  for (const ch of ' \t\n\r[]{}"\\nulltr0123456789abcdefABCDEF') table[ch.charCodeAt(0)] = 1;
  return table;
})();

function readSource(span: Span, source: CarrierSource): { key: string; value: unknown } | null {
  switch (source.kind) {
    case 'attribute':
      return readAttribute(span, source.key, source.json);
    case 'mime':
      return readMime(span, source.key, source.mimeKey);
    case 'indexed':
      return readIndexed(span, source.prefix, source.unwrap);
    case 'events':
      return readEvents(span, source.roles, source.attribute);
    case 'chat-split':
      return readChatSplit(span, source.key, source.take);
  }
}

function readAttribute(span: Span, key: string, json: boolean): { key: string; value: unknown } | null {
  const { attributes } = span;
  if (!attributes.has(key)) return null;
  const value = attributes.get(key);
  return { key, value: json && typeof value === 'string' ? decodeAttributeValue(value) : value };
}

/**
 * OpenInference says what `*.value` holds: `application/json` is JSON text, `text/plain` is text
 * (`Arize-ai/openinference: spec/semantic_conventions.md`). Without a mime type the value is taken
 * as Attributes decodes it, as MLflow's own translator does (`open_inference.py` reads the key).
 */
function readMime(span: Span, key: string, mimeKey: string): { key: string; value: unknown } | null {
  const { attributes } = span;
  if (!attributes.has(key)) return null;
  const value = attributes.get(key);
  const mime = attributes.getString(mimeKey)?.toLowerCase() ?? '';
  if (mime.includes('json')) {
    return { key, value: typeof value === 'string' ? decodeAttributeValue(value) : value };
  }
  if (mime.startsWith('text/') && typeof value !== 'string' && value !== undefined) {
    // Attributes decoded JSON-looking text that the span declared as plain text: give the text back.
    return { key, value: JSON.stringify(value) };
  }
  return { key, value };
}

/** Past this many matching keys a flattened list is left incomplete: hostile input stays cheap. */
const MAX_INDEXED_KEYS = 20_000;
/** Deepest path below the index that is rebuilt (`message.contents.0.message_content.text` is 5). */
const MAX_INDEXED_DEPTH = 12;

type Tree = Map<string, unknown>;

/**
 * Rebuilds `prefix.N.a.b` keys into `[{a: {b: …}}]`: numeric segments become array positions
 * (sorted, gaps closed), other segments object keys. The first value written at a path wins.
 */
function readIndexed(span: Span, prefix: string, unwrap: string | undefined): { key: string; value: unknown } | null {
  const { attributes } = span;
  const head = `${prefix}.`;
  const root: Tree = new Map();
  let seen = 0;
  for (const key of attributes.keys()) {
    if (!key.startsWith(head)) continue;
    const path = key.slice(head.length).split('.');
    if (!/^\d+$/.test(path[0] ?? '') || path.length > MAX_INDEXED_DEPTH + 1) continue;
    if (++seen > MAX_INDEXED_KEYS) break;
    let node: Tree | null = root;
    for (let i = 0; i < path.length - 1 && node; i++) {
      const segment = path[i]!;
      const next: unknown = node.get(segment);
      if (next instanceof Map) node = next as Tree;
      else if (next === undefined) {
        const child: Tree = new Map();
        node.set(segment, child);
        node = child;
      } else node = null; // a value already sits where this key needs an object: keep the value
    }
    const last = path[path.length - 1]!;
    if (node && !node.has(last)) node.set(last, attributes.get(key));
  }
  if (seen === 0) return null;
  const list = toPlain(root);
  const items = Array.isArray(list) ? list : [];
  const value = unwrap ? items.map((item) => (isObject(item) && isObject(item[unwrap]) ? item[unwrap] : item)) : items;
  return { key: `${prefix}.*`, value };
}

function toPlain(node: unknown): unknown {
  if (!(node instanceof Map)) return node;
  const entries = [...(node as Tree).entries()];
  if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => toPlain(v));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) out[k] = toPlain(v);
  return out;
}

/**
 * GenAI message events: one message per event, in event order. Event attributes are raw OTel
 * values (mlflow-trace-formats.md §2.6), so JSON text in `content` (and `tool_calls`) is decoded
 * here, as MLflow's `GenAiTranslator.get_input_value_from_events` does. `gen_ai.choice` may name
 * its own role.
 */
function readEvents(span: Span, roles: Readonly<Record<string, string>>, attribute: string): { key: string; value: unknown } | null {
  const messages: Array<Record<string, unknown>> = [];
  const names: string[] = [];
  for (const event of span.events) {
    const role = Object.hasOwn(roles, event.name) ? roles[event.name] : undefined;
    if (role === undefined) continue;
    const content = decodeAttributeValue(event.attributes[attribute]);
    const toolCalls = decodeAttributeValue(event.attributes.tool_calls);
    if (isEmptyIo(content) && isEmptyIo(toolCalls)) continue;
    const ownRole = event.attributes.role;
    const message: Record<string, unknown> = { role: typeof ownRole === 'string' && ownRole ? ownRole : role };
    if (!isEmptyIo(content)) message.content = content;
    if (!isEmptyIo(toolCalls)) message.tool_calls = toolCalls;
    messages.push(message);
    if (!names.includes(event.name)) names.push(event.name);
  }
  if (names.length === 0) return null;
  return { key: names.map((n) => `event:${n}`).join(','), value: messages };
}

/**
 * `mlflow.chat.messages` (2.20 – 3.1): `set_span_chat_messages` logs the input messages first and
 * appends the output messages later (`mlflow/tracing/utils/__init__.py`). The output is therefore
 * the run of assistant messages at the end; everything before it is the input. A list that does
 * not end with an assistant message has no output (the call failed before answering).
 */
function readChatSplit(span: Span, key: string, take: 'input' | 'output'): { key: string; value: unknown } | null {
  if (!span.attributes.has(key)) return null;
  const value = span.attributes.get(key);
  if (!Array.isArray(value)) return take === 'input' ? { key, value } : null;
  let split = value.length;
  while (split > 0 && isObject(value[split - 1]) && (value[split - 1] as Record<string, unknown>).role === 'assistant') {
    split--;
  }
  return { key, value: take === 'input' ? value.slice(0, split) : value.slice(split) };
}
