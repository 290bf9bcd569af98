/**
 * The form chat messages are read into before anything is shown (`messages.ts`,
 * `message-shapes.ts`): pieces of text that count the characters already dropped from their end,
 * messages made of pieces, the state of one reading; and how pieces are joined, cut and written
 * from decoded JSON values.
 */
import { codePoints, cut, CUT_COUNT } from '../shared/text.js';

/** In JSON excerpts, a value nested deeper than this is written as `"…"`. */
const MAX_JSON_DEPTH = 64;

/** A piece of text; `hidden` counts characters already dropped from its end (JSON excerpts). */
export interface Piece {
  text: string;
  hidden: number;
}

export interface Msg {
  role: string;
  texts: Piece[];
  calls: Array<{ name: string; args: Piece }>;
}

export interface Ctx {
  /** Where JSON excerpts stop writing: a few times the shown length, so cutting stays exact. */
  jsonCap: number;
  /** Messages before the last MAX_MESSAGES of a list. */
  omitted: number;
}

export function textMessage(role: string, text: string): Msg {
  return { role, texts: [{ text, hidden: 0 }], calls: [] };
}

function joinPieces(pieces: readonly Piece[], sep: string): Piece {
  return { text: pieces.map((p) => p.text).join(sep), hidden: pieces.reduce((n, p) => n + p.hidden, 0) };
}

export function textOf(m: Msg): Piece {
  return joinPieces(
    m.texts.filter((t) => t.text !== ''),
    '\n',
  );
}

export function contentOf(m: Msg): Piece {
  const calls = m.calls.map((c) => ({ text: `→ ${c.name}(${c.args.text})`, hidden: c.args.hidden }));
  return joinPieces(
    [textOf(m), ...calls].filter((p) => p.text !== ''),
    '\n',
  );
}

export function cutPiece(piece: Piece, max: number): string {
  return cut(piece.text, max, CUT_COUNT, piece.hidden);
}

/**
 * Compact JSON of a decoded value, written up to `ctx.jsonCap` code points and counted to the
 * end, so the cut marker says how much was left out without holding the whole text.
 */
export function jsonPiece(value: unknown, ctx: Pick<Ctx, 'jsonCap'>): Piece {
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
