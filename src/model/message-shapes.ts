/**
 * Reading one chat message object of any known shape into a {@link Msg}: role names (OpenAI,
 * LangChain types and class names, Gemini), LangChain `dumpd`, Responses API items, Vercel AI
 * tool calls, and the content parts inside a message (text, media, tool calls, tool results,
 * thinking). Lists, request and response wrappers and generic dicts are `messages.ts`'s; they
 * call down into these, never the other way.
 */
import { type Ctx, jsonPiece, type Msg, type Piece, textMessage } from './message-pieces.js';
import { isObject, type Json } from './values.js';

/** Most parts read from one message's content. */
const MAX_PARTS = 500;
/** Wrappers (`{inputs: {messages: …}}`) followed at most this deep. */
export const MAX_UNWRAP = 6;

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
export function toMessage(o: Json, sideRole: string, ctx: Ctx, depth: number): Msg[] | null {
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

export interface Parts {
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
export function partsOf(content: unknown, ctx: Ctx, depth: number): Parts {
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

export function partsMessage(role: string, parts: Parts): Msg {
  const onlyResults = parts.results > 0 && parts.results === parts.count;
  return { role: onlyResults && role === 'user' ? 'tool' : role, texts: parts.texts, calls: parts.calls };
}
