import { TRUNCATED_PREVIEW } from './turn-io.js';
import { isObject, type Json } from './values.js';
import { codePoints, cut, CUT_COUNT, group } from '../shared/text.js';

// One file for every message shape on purpose: the shapes nest into each other (an Anthropic
// request holds OpenAI-like messages, a LangChain message holds OpenAI tool calls, a Responses
// list mixes messages and calls), so their readers call one another.

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
/** Most parts read from one message's content. */
const MAX_PARTS = 500;
/** Wrappers (`{inputs: {messages: …}}`) followed at most this deep. */
const MAX_UNWRAP = 6;
/** In JSON excerpts, a value nested deeper than this is written as `"…"`. */
const MAX_JSON_DEPTH = 64;

/** A piece of text; `hidden` counts characters already dropped from its end (JSON excerpts). */
interface Piece {
  text: string;
  hidden: number;
}

interface Msg {
  role: string;
  texts: Piece[];
  calls: Array<{ name: string; args: Piece }>;
}

interface Ctx {
  /** Where JSON excerpts stop writing: a few times the shown length, so cutting stays exact. */
  jsonCap: number;
  /** Messages before the last MAX_MESSAGES of a list. */
  omitted: number;
}

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

const LC_ROLES: Record<string, string> = {
  human: 'user',
  user: 'user',
  ai: 'assistant',
  assistant: 'assistant',
  system: 'system',
  developer: 'system',
  tool: 'tool',
  function: 'function',
  model: 'assistant',
};

/** The role a role or type name stands for, or null when it names none. */
function knownRole(raw: string): string | null {
  const lower = raw.toLowerCase();
  if (Object.hasOwn(LC_ROLES, lower)) return LC_ROLES[lower]!;
  // LangChain class names: HumanMessage, AIMessageChunk, ToolMessage, …
  const cls = /^(human|ai|system|tool|function)message(chunk)?$/.exec(lower);
  return cls ? LC_ROLES[cls[1]!]! : null;
}

function roleOf(raw: string): string {
  return knownRole(raw) ?? raw;
}

/** One message object of any known shape, or null when the object is not a message. */
function toMessage(o: Json, sideRole: string, ctx: Ctx, depth: number): Msg[] | null {
  if (depth > MAX_UNWRAP + 4) return null;
  // LangChain `dumpd`: {lc: 1, type: "constructor", id: [..., "AIMessage"], kwargs: {...}}
  if ('lc' in o && Array.isArray(o.id) && isObject(o.kwargs)) {
    const cls = String(o.id[o.id.length - 1] ?? '');
    const role = cls === 'ChatMessage' && typeof o.kwargs.role === 'string' ? o.kwargs.role : roleOf(cls);
    return [buildMessage(role, o.kwargs, ctx, depth)];
  }
  if (typeof o.role === 'string' && ['content', 'parts', 'contents', 'tool_calls', 'function_call'].some((k) => k in o)) {
    return [buildMessage(roleOf(o.role), o, ctx, depth)];
  }
  const type = typeof o.type === 'string' ? o.type : '';
  const typeRole = type && 'content' in o ? knownRole(type) : null;
  if (typeRole) return [buildMessage(typeRole, o, ctx, depth)];
  if (type === 'function_call' || type === 'custom_tool_call') {
    return [{ role: 'assistant', texts: [], calls: [call(o.name, o.arguments ?? o.input, ctx)] }];
  }
  if (type.endsWith('_call_output')) return [partsMessage('tool', partsOf(o.output, ctx, depth))];
  if (type.endsWith('_call')) return [{ role: 'assistant', texts: [], calls: [call(type, o.action ?? o.arguments, ctx)] }];
  if (type === 'reasoning') return [];
  if (typeof o.toolName === 'string') {
    return [{ role: 'assistant', texts: [], calls: [call(o.toolName, o.args ?? o.input, ctx)] }];
  }
  if (Array.isArray(o.parts)) return [partsMessage(sideRole, partsOf(o.parts, ctx, depth))];
  if (isObject(o.message)) return toMessage(o.message, sideRole, ctx, depth + 1);
  // LangChain Generation without a message (completion models).
  if (typeof o.text === 'string' && typeof o.type === 'string' && o.type.endsWith('Generation')) {
    return [textMessage('assistant', o.text)];
  }
  return null;
}

function buildMessage(role: string, o: Json, ctx: Ctx, depth: number): Msg {
  const parts = partsOf(o.content ?? o.parts ?? o.contents, ctx, depth);
  const calls = [...parts.calls];
  const kwargs = isObject(o.additional_kwargs) ? o.additional_kwargs : {};
  const rawCalls = Array.isArray(o.tool_calls) && o.tool_calls.length > 0 ? o.tool_calls : kwargs.tool_calls;
  if (Array.isArray(rawCalls)) {
    for (const tc of rawCalls.slice(0, MAX_PARTS)) {
      const c = toolCallOf(tc, ctx);
      if (c) calls.push(c);
    }
  }
  const fc = o.function_call ?? kwargs.function_call;
  if (isObject(fc)) calls.push(call(fc.name, fc.arguments, ctx));
  // Anthropic and Gemini send tool results in user turns; they are not what the user said.
  const onlyResults = parts.results > 0 && parts.results === parts.count;
  return { role: onlyResults && role === 'user' ? 'tool' : role, texts: parts.texts, calls };
}

function toolCallOf(tc: unknown, ctx: Ctx): Msg['calls'][number] | null {
  if (!isObject(tc)) return null;
  if (isObject(tc.tool_call)) return toolCallOf(tc.tool_call, ctx); // OpenInference
  if (isObject(tc.function)) return call(tc.function.name, tc.function.arguments, ctx); // OpenAI
  if (typeof tc.toolName === 'string') return call(tc.toolName, tc.args ?? tc.input, ctx); // Vercel
  const gemini = tc.functionCall ?? tc.function_call;
  if (isObject(gemini)) return call(gemini.name, gemini.args, ctx);
  if (typeof tc.name === 'string') return call(tc.name, tc.args ?? tc.arguments ?? tc.input, ctx); // LangChain, GenAI
  return null;
}

function call(name: unknown, args: unknown, ctx: Ctx): Msg['calls'][number] {
  const piece = typeof args === 'string' ? { text: args, hidden: 0 } : args === undefined || args === null ? { text: '', hidden: 0 } : jsonPiece(args, ctx);
  return { name: typeof name === 'string' ? name : '', args: piece };
}

interface Parts {
  texts: Piece[];
  calls: Msg['calls'];
  results: number;
  count: number;
}

const MEDIA: Record<string, string> = {
  image_url: '[image]',
  image: '[image]',
  input_image: '[image]',
  input_audio: '[audio]',
  audio: '[audio]',
  file: '[file]',
  input_file: '[file]',
  document: '[document]',
  blob: '[file]',
  uri: '[file]',
};

/** Text, tool calls and tool results of a message's content, whatever the part shapes. */
function partsOf(content: unknown, ctx: Ctx, depth: number): Parts {
  const out: Parts = { texts: [], calls: [], results: 0, count: 0 };
  if (content === undefined || content === null) return out;
  if (depth > MAX_UNWRAP * 2) {
    // Tool results inside tool results…: past this, the rest is shown as JSON.
    out.count = 1;
    out.texts.push(jsonPiece(content, ctx));
    return out;
  }
  const list = Array.isArray(content) ? content.slice(0, MAX_PARTS) : [content];
  for (const part of list) {
    out.count++;
    if (typeof part === 'string') out.texts.push({ text: part, hidden: 0 });
    else if (typeof part === 'number' || typeof part === 'boolean') out.texts.push({ text: String(part), hidden: 0 });
    else if (isObject(part)) readPart(part, out, ctx, depth);
    else if (part !== null && part !== undefined) out.texts.push(jsonPiece(part, ctx));
  }
  return out;
}

function readPart(p: Json, out: Parts, ctx: Ctx, depth: number): void {
  if (depth > MAX_UNWRAP * 2) {
    out.texts.push(jsonPiece(p, ctx));
    return;
  }
  const type = typeof p.type === 'string' ? p.type : '';
  const result = (value: unknown): void => {
    out.results++;
    const inner = typeof value === 'string' || Array.isArray(value) ? partsOf(value, ctx, depth + 1).texts : [jsonPiece(value, ctx)];
    out.texts.push(...inner);
  };
  if (['tool_use', 'server_tool_use', 'tool-call', 'tool_call', 'function_call'].includes(type)) {
    out.calls.push(toolCallOf(p, ctx) ?? call(p.name, p.input ?? p.arguments, ctx));
  } else if (type === 'tool_result') result(p.content);
  else if (type === 'tool-result') result(p.output ?? p.result);
  else if (type === 'tool_call_response') result(p.response ?? p.result);
  else if (['thinking', 'redacted_thinking', 'reasoning'].includes(type) || p.thought === true) return;
  else if (typeof p.text === 'string') out.texts.push({ text: p.text, hidden: 0 });
  else if (type === 'text' && typeof p.content === 'string') out.texts.push({ text: p.content, hidden: 0 });
  else if (type === 'refusal' && typeof p.refusal === 'string') out.texts.push({ text: p.refusal, hidden: 0 });
  else if (MEDIA[type]) out.texts.push({ text: MEDIA[type], hidden: 0 });
  else if (isObject(p.message_content)) readPart(p.message_content, out, ctx, depth + 1);
  else if (isObject(p.functionCall ?? p.function_call)) out.calls.push(toolCallOf(p, ctx)!);
  else if (isObject(p.functionResponse ?? p.function_response)) {
    const fr = (p.functionResponse ?? p.function_response) as Json;
    result(fr.response);
  } else if (p.inlineData ?? p.inline_data ?? p.fileData ?? p.file_data) out.texts.push({ text: '[file]', hidden: 0 });
  else out.texts.push(type ? { text: `[${type}]`, hidden: 0 } : jsonPiece(p, ctx));
}

// ---- small helpers -------------------------------------------------------------------------

function textMessage(role: string, text: string): Msg {
  return { role, texts: [{ text, hidden: 0 }], calls: [] };
}

function partsMessage(role: string, parts: Parts): Msg {
  const onlyResults = parts.results > 0 && parts.results === parts.count;
  return { role: onlyResults && role === 'user' ? 'tool' : role, texts: parts.texts, calls: parts.calls };
}

function isEmptyish(v: unknown): boolean {
  return v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function joinPieces(pieces: readonly Piece[], sep: string): Piece {
  return { text: pieces.map((p) => p.text).join(sep), hidden: pieces.reduce((n, p) => n + p.hidden, 0) };
}

function textOf(m: Msg): Piece {
  return joinPieces(
    m.texts.filter((t) => t.text !== ''),
    '\n',
  );
}

function contentOf(m: Msg): Piece {
  const calls = m.calls.map((c) => ({ text: `→ ${c.name}(${c.args.text})`, hidden: c.args.hidden }));
  return joinPieces(
    [textOf(m), ...calls].filter((p) => p.text !== ''),
    '\n',
  );
}

/** MLflow cuts previews to exactly these lengths, ending in `...` (`mlflow/tracing/constant.py`). */
const PREVIEW_LENGTHS = new Set([250, 1000, 10000]);

function previewWasCut(value: unknown, carrierId: string): boolean {
  return carrierId === TRUNCATED_PREVIEW && typeof value === 'string' && value.endsWith('...') && PREVIEW_LENGTHS.has(codePoints(value));
}

function cutPiece(piece: Piece, max: number): string {
  return cut(piece.text, max, CUT_COUNT, piece.hidden);
}

/**
 * Compact JSON of a decoded value, written up to `ctx.jsonCap` code points and counted to the
 * end, so the cut marker says how much was left out without holding the whole text.
 */
function jsonPiece(value: unknown, ctx: Pick<Ctx, 'jsonCap'>): Piece {
  const parts: string[] = [];
  let kept = 0;
  let total = 0;
  const emit = (s: string): void => {
    const n = codePoints(s);
    total += n;
    if (kept < ctx.jsonCap) {
      parts.push(s);
      kept += n;
    }
  };
  const walk = (v: unknown, depth: number): void => {
    if (typeof v === 'string') emit(JSON.stringify(v));
    else if (typeof v === 'number') emit(Number.isFinite(v) ? String(v) : 'null');
    else if (typeof v === 'boolean' || typeof v === 'bigint') emit(String(v));
    else if (v === null || typeof v !== 'object') emit('null');
    else if (depth >= MAX_JSON_DEPTH) emit('"…"');
    else if (Array.isArray(v)) {
      emit('[');
      v.forEach((item, i) => {
        if (i > 0) emit(',');
        walk(item, depth + 1);
      });
      emit(']');
    } else {
      emit('{');
      Object.entries(v).forEach(([k, item], i) => {
        emit(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`);
        walk(item, depth + 1);
      });
      emit('}');
    }
  };
  walk(value, 0);
  const text = parts.join('');
  return { text, hidden: total - codePoints(text) };
}
