// The one text cutter. Every excerpt the tool shows (digests, findings, terminal cells, tickets,
// HTML labels) is cut here, so a cut never leaves half a character behind: a lone surrogate is
// not text (JSON writes it as `\udXXX`, a terminal or a browser as U+FFFD, a strict UTF-8
// encoder refuses it), and half an emoji or a letter without its accent misquotes the trace.
//
// Lengths count code points, as the markers say ("N chars"). The cut then steps back to the
// start of the grapheme cluster it falls in (a flag, a ZWJ family, a letter and its combining
// accents stay whole or go whole). Deciding that costs one look at the two code points around
// the cut; only when one of them can join a cluster is a short window before the cut segmented
// with `Intl.Segmenter` (segmenting every excerpt whole costs about ten times a code-point cut
// on long texts, and every trace's digest is cut).

/** How a cut text ends: the marker and whether it counts within the length asked for. */
export interface CutMark {
  /**
   * The text after the kept part. `left` counts the code points left out (including any `hidden`
   * ones), `total` the code points of the whole text. A mark counted `within` must have the same
   * length whatever the counts.
   */
  readonly tail: (left: number, total: number) => string;
  /** The result is at most `max` code points, tail included (else the tail follows `max` code points). */
  readonly within: boolean;
  /** Drop white space at the end of the kept part, so the tail does not follow a space. */
  readonly trimEnd?: boolean;
}

/** `…` in the last place: at most `max` code points in all. */
export const ELLIPSIS: CutMark = { tail: () => '…', within: true };

/** Like {@link ELLIPSIS}, without white space before the `…`. */
export const ELLIPSIS_TRIMMED: CutMark = { tail: () => '…', within: true, trimEnd: true };

/** `…` after `max` code points. */
export const ELLIPSIS_AFTER: CutMark = { tail: () => '…', within: false };

/** `...` in the last three places, as MLflow's table cuts its previews. */
export const DOTS: CutMark = { tail: () => '...', within: true };

/** The engine's marker after `max` code points: `… [cut, 1 234 chars]`, the count being what was left out. */
export const CUT_COUNT: CutMark = { tail: (left) => `… [cut, ${group(left)} chars]`, within: false };

/**
 * `… (12345 characters)` after `max` code points: the whole text's length, and `note` after it
 * (`; --full shows all` where a flag shows the rest).
 */
export function withTotal(note = ''): CutMark {
  return { tail: (_left, total) => `… (${total} characters${note})`, within: false };
}

/** No marker: at most `max` code points (for keys and a line fitted to a terminal's width). */
export const NO_MARK: CutMark = { tail: () => '', within: true };

/**
 * `text` cut to `max` code points (see {@link CutMark} for where the mark goes), never inside a
 * surrogate pair or a grapheme cluster; returned as is when it fits. `hidden` counts code points
 * already dropped from the end of `text` by whoever produced it: they count in the marker, and a
 * text with hidden code points is always marked.
 */
export function cut(text: string, max: number, mark: CutMark = ELLIPSIS, hidden = 0): string {
  // A string has at least as many UTF-16 units as code points: short enough is decided without counting.
  if (hidden === 0 && text.length <= max) return text;
  const points = codePoints(text);
  const total = points + hidden;
  if (total <= max) return text;
  const room = mark.within ? Math.max(0, max - codePoints(mark.tail(0, total))) : max;
  const end = cutIndex(text, room);
  let kept = text.slice(0, end);
  if (mark.trimEnd === true) kept = kept.trimEnd();
  return kept + mark.tail(total - codePoints(kept), total);
}

/** True when `cut` would change `text` (it is longer than `max` code points, or has hidden ones). */
export function isCut(text: string, max: number, hidden = 0): boolean {
  if (hidden > 0) return true;
  return text.length > max && codePoints(text) > max;
}

/**
 * The UTF-16 index where `text` is cut to at most `max` code points: never inside a surrogate
 * pair, and stepped back to the start of the grapheme cluster the cut falls in.
 */
export function cutIndex(text: string, max: number): number {
  let i = 0;
  for (let n = 0; n < max && i < text.length; n++) i += isPairAt(text, i) ? 2 : 1;
  if (i >= text.length || i === 0) return i;
  return clusterStart(text, i);
}

/** Code points of `text` up to the UTF-16 index `end` (a surrogate pair counts once, a lone surrogate once). */
export function codePoints(text: string, end = text.length): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    if (isPairAt(text, i) && i + 1 < end) i++;
    n++;
  }
  return n;
}

/** `1 234`: a count as the cut markers and the Markdown report's byte limits write it. */
export function group(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/gu, ' ');
}

/** {@link CUT_COUNT}'s text, as `cutText` (src/model/messages.ts) leaves it at the end of an excerpt. */
const CUT_MARK = /… \[cut, ([\d ]+) chars\]$/u;

/**
 * `text` cut again to at most `maxChars` code points by {@link cut}, with the engine's marker
 * `… [cut, N chars]`, N counting what this cut and any earlier one left out (an excerpt is never
 * marked twice). Cutting happens before escaping, so no escape sequence, UTF-8 character or
 * markup can be cut in half.
 */
export function excerpt(text: string, maxChars: number): string {
  const mark = CUT_MARK.exec(text);
  if (mark === null) return cut(text, maxChars, CUT_COUNT);
  const base = text.slice(0, mark.index);
  // Short enough once the engine's marker is set aside: kept as the engine cut it.
  if (!isCut(base, maxChars)) return text;
  return cut(base, maxChars, CUT_COUNT, Number(mark[1]!.replace(/ /gu, '')));
}

/** Bytes of `text` in UTF-8, counted without encoding it (src/report/ has no Buffer by design, and this leaf no Node). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

function isPairAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return false;
  const d = text.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff;
}

/** How far before a cut the window segmented to find a cluster's start reaches (UTF-16 units). */
const WINDOW = 128;

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The start of the grapheme cluster that holds the boundary at `i` (`i` itself when the text
 * may break there). Below U+0300 no character joins a cluster but CR before LF, and the common
 * CJK letters and kana never do: two such neighbours decide without segmenting. Otherwise a
 * window of {@link WINDOW} units before the cut is segmented; a cluster (or a run of flags)
 * longer than that is cut at a code point, which is still whole text.
 */
function clusterStart(text: string, i: number): number {
  const before = text.charCodeAt(i - 1);
  const after = text.charCodeAt(i);
  if (simple(before) && simple(after) && !(before === 0x0d && after === 0x0a)) return i;
  let from = Math.max(0, i - WINDOW);
  if (from > 0 && isPairAt(text, from - 1)) from--;
  // The character after the cut decides whether the text may break before it; the one after
  // that never does, but a surrogate pair must stay whole.
  const to = Math.min(text.length, i + (isPairAt(text, i) ? 2 : 1));
  const at = GRAPHEMES.segment(text.slice(from, to)).containing(i - from);
  if (at === undefined) return i;
  const start = from + at.index;
  // The window's first segment may begin mid-cluster (its true start lies before the window):
  // the cut stays at a code point boundary then rather than reaching past the window.
  return start === from && from > 0 ? i : start;
}

function simple(c: number): boolean {
  return c < 0x300 || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3041 && c <= 0x3096) || (c >= 0x30a1 && c <= 0x30fa);
}

// Display width. A terminal gives a grapheme cluster the width of its first character: 2 for
// East Asian Wide and Fullwidth characters and for emoji shown as pictures (a ZWJ family, a
// flag and a keycap are one cluster of 2), 0 for a lone combining mark, a zero-width joiner or
// another format character, 1 for the rest. Ambiguous-width characters count 1, as terminals
// outside East Asian locales draw them. Written here rather than imported (`string-width`) because
// this leaf imports no package; test/terminal-width.test.ts checks it against `string-width`.

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]+$/u;
const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Emoji}\uFE0F?\u20E3|\p{Regional_Indicator}/u;

/** True for code points that East Asian Width calls Wide (W) or Fullwidth (F); the common blocks. */
function isWide(c: number): boolean {
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0x303e) ||
    (c >= 0x3041 && c <= 0x33ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xa000 && c <= 0xa4cf) ||
    (c >= 0xa960 && c <= 0xa97f) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe10 && c <= 0xfe19) ||
    (c >= 0xfe30 && c <= 0xfe6f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x1b000 && c <= 0x1b2ff) ||
    (c >= 0x1f200 && c <= 0x1f2ff) ||
    (c >= 0x20000 && c <= 0x3fffd)
  );
}

/** Columns one grapheme cluster takes on a terminal (0, 1 or 2). */
function clusterWidth(cluster: string): number {
  const first = cluster.codePointAt(0) ?? 0;
  if (first >= 0x20 && first < 0x7f && cluster.length === 1) return 1;
  if (ZERO_WIDTH.test(cluster)) return 0;
  if (isWide(first) || EMOJI.test(cluster)) return 2;
  return 1;
}

/** Printable ASCII only: one column per character, no segmenting needed. */
const ASCII = /^[\x20-\x7e]*$/u;

/** Columns `text` takes on a terminal (one line, no escape sequences): see the note above. */
export function displayWidth(text: string): number {
  if (ASCII.test(text)) return text.length;
  let width = 0;
  for (const { segment } of GRAPHEMES.segment(text)) width += clusterWidth(segment);
  return width;
}

/**
 * `text` cut to at most `columns` display columns, `…` in the last column when anything is left
 * out (it takes one column); whole grapheme clusters only, so a wide character that would
 * straddle the edge goes whole. Returned as is when it fits.
 */
export function cutColumns(text: string, columns: number): string {
  // Joined, not `${slice}…`: a slice of a long text keeps the whole text alive while the cut is held.
  if (ASCII.test(text)) return text.length <= columns ? text : columns <= 0 ? '' : [text.slice(0, columns - 1), '…'].join('');
  if (displayWidth(text) <= columns) return text;
  if (columns <= 0) return '';
  // The clusters kept, joined once: adding each to a string made a chain of as many pieces, which
  // V8 keeps as it is (32 bytes a piece) for as long as the result is held.
  const kept: string[] = [];
  let width = 0;
  for (const { segment } of GRAPHEMES.segment(text)) {
    const w = clusterWidth(segment);
    if (width + w > columns - 1) break;
    kept.push(segment);
    width += w;
  }
  kept.push('…');
  return kept.join('');
}

/**
 * `text` broken into lines of at most `columns` display columns, at spaces where it can (a word
 * longer than a line is broken inside it, between grapheme clusters); the lines after the first
 * start with `indent` (counted in the width). One line in, no line feeds.
 */
export function wrapColumns(text: string, columns: number, indent = ''): string[] {
  if (displayWidth(text) <= columns) return [text];
  const room = (first: boolean): number => Math.max(1, columns - (first ? 0 : displayWidth(indent)));
  const lines: string[] = [];
  let line = '';
  let width = 0;
  const flush = (): void => {
    lines.push((lines.length === 0 ? '' : indent) + line.trimEnd());
    line = '';
    width = 0;
  };
  for (const word of text.split(/(?<= )/u)) {
    const w = displayWidth(word);
    const limit = room(lines.length === 0);
    if (width + w - (word.endsWith(' ') ? 1 : 0) <= limit) {
      line += word;
      width += w;
      continue;
    }
    if (line.trim() !== '') flush();
    else line = '';
    for (const { segment } of GRAPHEMES.segment(word)) {
      const cw = clusterWidth(segment);
      if (width + cw > room(lines.length === 0) && segment !== ' ') flush();
      line += segment;
      width += cw;
    }
  }
  if (line.trim() !== '' || lines.length === 0) flush();
  return lines;
}
