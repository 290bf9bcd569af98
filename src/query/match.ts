import { RE2JS, RE2JSException } from 're2js';

/** One `%`-free stretch of a LIKE pattern: literal text and `_` (one character) in order. */
type Piece = string | typeof ANY_ONE;
const ANY_ONE = Symbol('_');

/**
 * SQL `LIKE` (or `ILIKE`) as MLflow's SQLite store runs it (`PRAGMA case_sensitive_like = true`,
 * `mlflow/store/db/utils.py`): `%` matches any run of characters, `_` exactly one character (a
 * code point), everything else itself, and the pattern must cover the whole text.
 *
 * There is no escape character: SQLAlchemy's `.like(value)` sends no `ESCAPE` clause, so on
 * SQLite a backslash is an ordinary character and `%` / `_` are always wildcards (`'50\%'` means
 * "50\ then anything"). To match a literal `%` or `_`, use RLIKE.
 *
 * `caseInsensitive` lower-cases pattern and text (full Unicode, as Postgres' `ILIKE` does;
 * SQLite's `lower()` would fold ASCII only).
 *
 * No RegExp is built: the pattern is split once into pieces and matched by a leftmost-greedy scan,
 * which is exact for `%`-wildcards and at worst O(text × pattern).
 */
export function likeMatcher(pattern: string, caseInsensitive: boolean): (text: string) => boolean {
  const fold = caseInsensitive ? (s: string): string => s.toLowerCase() : (s: string): string => s;
  const segments = fold(pattern).split('%').map(pieces);
  const first = segments[0] ?? [];
  if (segments.length === 1) {
    return (raw) => {
      const text = fold(raw);
      return matchAt(text, 0, first) === text.length;
    };
  }
  const last = segments[segments.length - 1] ?? [];
  const middle = segments.slice(1, -1).filter((s) => s.length > 0);
  return (raw) => {
    const text = fold(raw);
    let pos = matchAt(text, 0, first);
    if (pos < 0) return false;
    const tailStart = startOfTail(text, last);
    if (tailStart < pos || matchAt(text, tailStart, last) !== text.length) return false;
    for (const segment of middle) {
      pos = findFrom(text, pos, tailStart, segment);
      if (pos < 0) return false;
    }
    return true;
  };
}

function pieces(segment: string): Piece[] {
  const out: Piece[] = [];
  let literal = '';
  for (const ch of segment) {
    if (ch === '_') {
      if (literal) out.push(literal);
      literal = '';
      out.push(ANY_ONE);
    } else literal += ch;
  }
  if (literal) out.push(literal);
  return out;
}

/** End of `segment` matched at `pos`, or -1. */
function matchAt(text: string, pos: number, segment: readonly Piece[]): number {
  let at = pos;
  for (const piece of segment) {
    if (piece === ANY_ONE) {
      if (at >= text.length) return -1;
      at += isPairAt(text, at) ? 2 : 1;
    } else {
      if (!text.startsWith(piece, at)) return -1;
      at += piece.length;
    }
  }
  return at;
}

/** The end of the leftmost match of `segment` starting at or after `from` and ending by `limit`, or -1. */
function findFrom(text: string, from: number, limit: number, segment: readonly Piece[]): number {
  const head = segment[0];
  for (let start = from; start <= limit; start++) {
    if (typeof head === 'string') {
      // Jump to the next place the leading literal occurs instead of trying every position.
      start = text.indexOf(head, start);
      if (start < 0 || start > limit) return -1;
    } else if (start > from && isLowSurrogateAfterHigh(text, start)) continue;
    const end = matchAt(text, start, segment);
    if (end >= 0 && end <= limit) return end;
  }
  return -1;
}

/** Where the last segment must start for it to end at the end of `text` (walking back by code points). */
function startOfTail(text: string, segment: readonly Piece[]): number {
  let at = text.length;
  for (let i = segment.length - 1; i >= 0; i--) {
    const piece = segment[i]!;
    if (piece === ANY_ONE) at -= at >= 2 && isPairAt(text, at - 2) ? 2 : 1;
    else at -= piece.length;
    if (at < 0) return -1;
  }
  return at;
}

function isPairAt(text: string, i: number): boolean {
  const hi = text.charCodeAt(i);
  const lo = text.charCodeAt(i + 1);
  return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
}

function isLowSurrogateAfterHigh(text: string, i: number): boolean {
  return i > 0 && isPairAt(text, i - 1);
}

/**
 * SQL `RLIKE` as MLflow's SQLite store runs it: Python's `re.search(pattern, text)` (a match
 * anywhere, `mlflow/store/db/utils.py` registers `REGEXP` that way). We run the pattern with
 * re2js, an RE2 engine: matching takes time linear in the text, whatever the pattern, so a
 * pattern such as `(a+)+$` cannot hang on hostile trace text. The price is RE2 syntax: no
 * backreferences (`\1`), no lookahead or lookbehind (`(?=`, `(?!`, `(?<=`, `(?<!`), no possessive
 * or atomic groups; those patterns are refused through `onError` with re2js's message.
 */
export function regexMatcher(pattern: string, onError: (message: string) => never): (text: string) => boolean {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (error) {
    if (error instanceof RE2JSException) return onError(error.message);
    throw error;
  }
  return (text) => re.test(text);
}

/** The pattern text that makes RE2 match `text` literally (every metacharacter escaped). */
export function quoteRegex(text: string): string {
  return RE2JS.quote(text);
}
