import { contentOf, type Ctx, cutPiece, jsonPiece, type Msg, type Piece, textMessage, textOf } from './message-pieces.js';
import { MAX_UNWRAP, partsMessage, partsOf, toMessage } from './message-shapes.js';
import { TRUNCATED_PREVIEW } from './turn-io.js';
import { isObject } from './values.js';
import { codePoints, group } from '../shared/text.js';

// The message shapes nest into each other (an Anthropic request holds OpenAI-like messages, a
// LangChain message holds OpenAI tool calls, a Responses list mixes messages and calls). This file
// reads the containers: lists, request and response wrappers, candidates, choices, generations
// and generic dicts; one message object and its content parts are `message-shapes.ts`'s, which
// never calls back up here. Both read into the pieces of `message-pieces.ts`.

/** One rendered message: `role: content`. */
export interface ChatMessage {
  role: string;
  content: string;
}

/** A tool call the app asked for. `arguments` is JSON text (compact) or the text the model wrote. */
export interface ToolCall {
  name: string;
  arguments: string;
}

/** What an input or output value says, ready to show. Every text field is a string. */
export interface IoSummary {
  /** The last user message (`''` when there is none). */
  userText: string;
  /** The last assistant message with text after the last user message (`''` when none). */
  assistantText: string;
  /** Tool calls after the last user message (all of them when there is none), in order. */
  toolCalls: ToolCall[];
  /** Every message with something to show, oldest first (the last {@link MAX_MESSAGES}). */
  messages: ChatMessage[];
  /** True when some text was cut or messages were left out. */
  cut: boolean;
}

/** Options of {@link summarizeIo}. */
export interface SummarizeOptions {
  /** Which side the value is: decides the role of a value that is not a chat message list. */
  side: 'input' | 'output';
  /** Show every character (`--full`). */
  full?: boolean;
  /** Longest text shown before it is cut (code points); {@link DEFAULT_MAX_CHARS} by default. */
  maxChars?: number;
  /** False leaves `messages` empty: a digest needs the last user text and the answer, not every message cut. */
  messages?: boolean;
}

/** Default length of a shown text. */
export const DEFAULT_MAX_CHARS = 2000;
/** Most messages shown; older ones are replaced by one `…` line. */
export const MAX_MESSAGES = 500;

/**
 * Renders an input or output value: chat message lists of OpenAI (Chat Completions and
 * Responses), Anthropic, LangChain (dicts and `lc` serialized), Gemini, OTel GenAI parts,
 * OpenInference reassembled messages, Vercel AI; plain strings; generic dicts (`{query}`,
 * `{question}`, `{input}`, `{messages}`, `{answer}`, …); anything else as a compact JSON excerpt
 * in the side's role (`user` for input, `assistant` for output). Long texts are cut with
 * `… [cut, 12 345 chars]` (the number is how many characters were left out) unless `full`.
 * Never throws; the work is bounded by the value's size.
 *
 * `carrierId` names where the value came from; for `truncated-preview` a text of exactly MLflow's
 * preview lengths ending in `...` is reported as `cut`.
 */
export function summarizeIo(value: unknown, carrierId: string, options: SummarizeOptions): IoSummary {
  const full = options.full === true;
  const max = full ? Infinity : Math.max(1, options.maxChars ?? DEFAULT_MAX_CHARS);
  const ctx: Ctx = { jsonCap: full ? Infinity : max * 4 + 64, omitted: 0 };
  const sideRole = options.side === 'input' ? 'user' : 'assistant';
  let msgs = toMessages(value, sideRole, ctx, 0);
  if (msgs === null) {
    const piece = typeof value === 'string' ? { text: value, hidden: 0 } : jsonPiece(value, ctx);
    msgs = [{ role: sideRole, texts: [piece], calls: [] }];
  }
  msgs = msgs.filter((m) => m.calls.length > 0 || m.texts.some((t) => t.text !== ''));

  let cut = ctx.omitted > 0 || previewWasCut(value, carrierId);
  const show = (piece: Piece): string => {
    const out = cutPiece(piece, max);
    if (out !== piece.text) cut = true;
    return out;
  };
  let lastUser = -1;
  msgs.forEach((m, i) => {
    if (m.role === 'user') lastUser = i;
  });
  const after = msgs.slice(lastUser + 1);
  const answer = [...after].reverse().find((m) => m.role === 'assistant' && textOf(m).text !== '');
  const messages = options.messages === false ? [] : msgs.map((m) => ({ role: m.role, content: show(contentOf(m)) }));
  if (ctx.omitted > 0 && options.messages !== false) {
    messages.unshift({ role: '…', content: `[${group(ctx.omitted)} earlier messages not shown]` });
  }
  return {
    userText: lastUser >= 0 ? show(textOf(msgs[lastUser]!)) : '',
    assistantText: answer ? show(textOf(answer)) : '',
    toolCalls: after.flatMap((m) => m.calls.map((c) => ({ name: c.name, arguments: show(c.args) }))),
    messages,
    cut,
  };
}

/**
 * Every message of a value with its role and its text (tool calls left out), uncut: the cheap
 * path for callers that key or scan texts (`turnFacts`) and never show them, so none of the
 * cutting and code-point counting of {@link summarizeIo} is paid. Same shapes as `summarizeIo`.
 */
export function messageTexts(value: unknown, side: 'input' | 'output'): ChatMessage[] {
  const ctx: Ctx = { jsonCap: 4 * DEFAULT_MAX_CHARS, omitted: 0 };
  const sideRole = side === 'input' ? 'user' : 'assistant';
  const msgs = toMessages(value, sideRole, ctx, 0) ?? [{ role: sideRole, texts: [typeof value === 'string' ? { text: value, hidden: 0 } : jsonPiece(value, ctx)], calls: [] }];
  const out: ChatMessage[] = [];
  for (const m of msgs) {
    const text = textOf(m).text;
    if (text !== '') out.push({ role: m.role, content: text });
  }
  return out;
}

/** `role: content` lines, one per message, for terminals and tests. */
export function messageLines(summary: Pick<IoSummary, 'messages'>): string[] {
  return summary.messages.map((m) => `${m.role}: ${m.content}`);
}

/**
 * Cuts a text to `maxChars` code points (never inside a surrogate pair or a grapheme cluster:
 * `cut`, src/shared/text.ts) and appends `… [cut, N chars]`, N being the number of code points
 * left out.
 */
export function cutText(text: string, maxChars: number): string {
  return cutPiece({ text, hidden: 0 }, maxChars);
}

/** A compact JSON excerpt of any value, cut like {@link cutText}; never throws. */
export function compactJson(value: unknown, maxChars = Infinity): string {
  return cutPiece(jsonPiece(value, { jsonCap: maxChars === Infinity ? Infinity : maxChars * 4 + 64 }), maxChars);
}

// ---- reading shapes ------------------------------------------------------------------------

const TEXT_KEYS = {
  user: ['query', 'question', 'input', 'prompt', 'user_input', 'message', 'text', 'content'],
  assistant: ['output', 'answer', 'response', 'reply', 'result', 'final_answer', 'generated_text', 'completion', 'message', 'text', 'content'],
} as const;

function toMessages(value: unknown, sideRole: string, ctx: Ctx, depth: number): Msg[] | null {
  if (depth > MAX_UNWRAP) return null;
  if (Array.isArray(value)) return fromList(value, sideRole, ctx, depth);
  if (!isObject(value)) return null;
  const o = value;
  const single = toMessage(o, sideRole, ctx, depth);
  if (single) return single;
  const system = o.system ?? o.instructions;
  const withSystem = (msgs: Msg[] | null): Msg[] | null => {
    if (!msgs || system === undefined || isEmptyish(system)) return msgs;
    return [{ role: 'system', texts: partsOf(system, ctx, depth).texts, calls: [] }, ...msgs];
  };
  if (Array.isArray(o.messages)) {
    const msgs = fromList(o.messages, 'user', ctx, depth);
    if (msgs) return withSystem(msgs);
  }
  if (typeof o.prompt === 'string' && system !== undefined) {
    return withSystem([{ role: 'user', texts: [{ text: o.prompt, hidden: 0 }], calls: [] }]);
  }
  if ('contents' in o) {
    const c = o.contents;
    if (typeof c === 'string') return [{ role: 'user', texts: [{ text: c, hidden: 0 }], calls: [] }];
    const list = Array.isArray(c) ? c : [c];
    const msgs = list.every((x) => isObject(x) && Array.isArray(x.parts)) ? fromList(list, 'user', ctx, depth) : null;
    if (msgs) return withSystem(msgs);
    return [partsMessage('user', partsOf(c, ctx, depth))];
  }
  const first = (key: string): unknown => (Array.isArray(o[key]) ? (o[key] as unknown[])[0] : undefined);
  // Gemini candidates and OpenAI choices: the first one is the answer shown.
  const candidate = first('candidates');
  const fromCandidate = isObject(candidate) && isObject(candidate.content) ? toMessage(candidate.content, 'assistant', ctx, depth + 1) : null;
  if (fromCandidate) return fromCandidate;
  const choice = first('choices');
  if (isObject(choice)) {
    const msgs = isObject(choice.message) ? toMessage(choice.message, 'assistant', ctx, depth + 1) : null;
    if (msgs) return msgs;
    if (typeof choice.text === 'string') return [textMessage('assistant', choice.text)];
  }
  const generation = first('generations');
  if (generation !== undefined) {
    const msgs = fromList(Array.isArray(generation) ? generation : [generation], 'assistant', ctx, depth);
    if (msgs) return msgs;
  }
  // OpenAI Responses API: request `input` items, response `output` items.
  const items = Array.isArray(o.input) ? withSystem(fromList(o.input, 'user', ctx, depth)) : null;
  if (items) return items;
  const outputItems = Array.isArray(o.output) ? fromList(o.output, 'assistant', ctx, depth) : null;
  if (outputItems) return outputItems;
  for (const wrapper of ['inputs', 'outputs', 'kwargs', 'request', 'data']) {
    if (!isObject(o[wrapper]) && !Array.isArray(o[wrapper])) continue;
    const msgs = toMessages(o[wrapper], sideRole, ctx, depth + 1);
    if (msgs) return msgs;
  }
  // Traceloop decorators: {"args": [...], "kwargs": {...}}; a lone positional argument is the input.
  if (Array.isArray(o.args) && o.args.length === 1) {
    const arg = o.args[0];
    if (typeof arg === 'string') return [textMessage(sideRole, arg)];
    const msgs = toMessages(arg, sideRole, ctx, depth + 1);
    if (msgs) return msgs;
  }
  for (const key of sideRole === 'user' ? TEXT_KEYS.user : TEXT_KEYS.assistant) {
    const v = o[key];
    if (typeof v === 'string' && v !== '') return [textMessage(sideRole, v)];
    if (isObject(v) || Array.isArray(v)) {
      const msgs = toMessages(v, sideRole, ctx, depth + 1);
      if (msgs) return msgs;
    }
  }
  return null;
}

/** A list is a chat when every element reads as a message (or a nested `[[…]]` batch of one). */
function fromList(list: readonly unknown[], sideRole: string, ctx: Ctx, depth: number): Msg[] | null {
  if (depth > MAX_UNWRAP) return null;
  if (list.length === 1 && Array.isArray(list[0])) return fromList(list[0], sideRole, ctx, depth + 1);
  if (list.length === 0) return null;
  const start = Math.max(0, list.length - MAX_MESSAGES);
  const out: Msg[] = [];
  for (let i = start; i < list.length; i++) {
    const item = list[i];
    const msgs = isObject(item) ? toMessage(item, sideRole, ctx, depth + 1) : null;
    if (!msgs) return null;
    out.push(...msgs);
  }
  ctx.omitted += start;
  return out;
}

function isEmptyish(v: unknown): boolean {
  return v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** MLflow cuts previews to exactly these lengths, ending in `...` (`mlflow/tracing/constant.py`). */
const PREVIEW_LENGTHS = new Set([250, 1000, 10000]);

function previewWasCut(value: unknown, carrierId: string): boolean {
  return carrierId === TRUNCATED_PREVIEW && typeof value === 'string' && value.endsWith('...') && PREVIEW_LENGTHS.has(codePoints(value));
}
