// Re-lays out JSON text token by token, never decoding a string or a number: a trace printed by
// `search` / `get` keeps its 19-digit nanosecond integers, its float spellings (`4.0`, `1e-05`)
// and its own string escapes byte for byte, as the issue asks ("reformatted without parsing").

import { BACKSLASH, COLON, COMMA, LBRACE as OPEN_BRACE, LBRACKET as OPEN_BRACKET, QUOTE, RBRACE as CLOSE_BRACE, RBRACKET as CLOSE_BRACKET } from '../ingest/json-bytes.js';

/** Output pieces are joined in groups of this many, so a 20 MB trace never holds millions of tiny strings. */
const GROUP = 4096;

/**
 * Re-lays out one valid JSON text as Python's `json.dumps(obj, indent=2)` does (MLflow's `search
 * --output json` and `get`): a newline and two spaces per level before every member and before a
 * closing bracket, `,` at line ends, `": "` between key and value, `{}` / `[]` for empty
 * containers. String and number tokens (also Python's `NaN`, `Infinity`, `-Infinity`) are copied
 * as they are. `level` indents every line after the first by `2 * level` more spaces, for a trace
 * printed inside `{"traces": [...]}`.
 */
export function reindentJson(text: string, level = 0): string {
  return relayout(text, level, true);
}

/** The same value on one line with no whitespace between tokens (for JSON Lines). */
export function compactJson(text: string): string {
  return relayout(text, 0, false);
}

/**
 * One pass with an explicit depth counter instead of recursion, so nesting of any depth is fine.
 * Runs of tokens that need no change (strings above all) are copied as one slice.
 */
function relayout(text: string, level: number, pretty: boolean): string {
  const out = new Output();
  const breaks: string[] = [];
  const lineBreak = (depth: number): string => (breaks[depth] ??= '\n' + ' '.repeat(2 * (depth + level)));
  const n = text.length;
  let depth = 0;
  let run = 0; // start of the text not yet copied
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      continue;
    }
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      out.push(text.slice(run, i));
      i = skipSpace(text, i);
      run = i;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const next = skipSpace(text, i + 1);
      const close = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      out.push(text.slice(run, i + 1));
      if (text.charCodeAt(next) === close) {
        // json.dumps writes an empty container as `{}` / `[]`, never across lines.
        out.push(c === OPEN_BRACE ? '}' : ']');
        i = next + 1;
      } else {
        depth++;
        if (pretty) out.push(lineBreak(depth));
        i = next;
      }
      run = i;
      continue;
    }
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      out.push(text.slice(run, i));
      if (depth > 0) depth--;
      if (pretty) out.push(lineBreak(depth));
      run = i;
      i++;
      continue;
    }
    if (c === COMMA) {
      out.push(text.slice(run, i + 1));
      if (pretty) out.push(lineBreak(depth));
      i = skipSpace(text, i + 1);
      run = i;
      continue;
    }
    if (c === COLON) {
      out.push(text.slice(run, i));
      out.push(pretty ? ': ' : ':');
      i = skipSpace(text, i + 1);
      run = i;
      continue;
    }
    // A number, `true`, `false`, `null`, `NaN` or `Infinity`: copied as it stands.
    i++;
  }
  out.push(text.slice(run, n));
  return out.join();
}

/** The index just past the string token that starts at `start` (the end of the text if it is unclosed). */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote < 0) return text.length;
    // A quote preceded by an odd number of backslashes is escaped.
    let slashes = 0;
    for (let k = quote - 1; k > start && text.charCodeAt(k) === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

function skipSpace(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/** Collects output pieces, joining them in groups so the final join is over few, large strings. */
class Output {
  private readonly groups: string[] = [];
  private pieces: string[] = [];

  push(piece: string): void {
    if (piece === '') return;
    this.pieces.push(piece);
    if (this.pieces.length === GROUP) {
      this.groups.push(this.pieces.join(''));
      this.pieces = [];
    }
  }

  join(): string {
    this.groups.push(this.pieces.join(''));
    return this.groups.join('');
  }
}
