import { PLAIN_STYLE, stripStyle, type Style } from './style.js';
import { cut } from '../shared/text.js';

/**
 * Makes untrusted text safe for a terminal: control characters (C0, C1, DEL, which carry escape
 * sequences), bidirectional overrides and zero-width characters (which can hide or reorder text)
 * are shown as `\u{…}` escapes. Trace content and file names both go through this before printing.
 */
export function safeText(text: string): string {
  return text.replace(UNSAFE, (ch) => `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`);
}

/** Like `safeText`, but keeps line feeds (for multi-line messages from our own code and yargs). */
export function safeLines(text: string): string {
  return text.split('\n').map(safeText).join('\n');
}

// C0, DEL, C1, zero-width and bidi controls, line/paragraph separators, BOM.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

/**
 * Any output made safe for a terminal without changing what it says: DEL, C1 controls (U+009B
 * is a CSI on its own), zero-width and bidi controls, line/paragraph separators and the BOM are
 * written as `\uXXXX`. In JSON these characters can only stand inside strings, where `\uXXXX`
 * is the same character, so a JSON document keeps its value (`JSON.stringify` and jq leave them
 * raw); text reports have none left (`safeText` escaped them) and pass unchanged. C0 controls are
 * left alone: JSON writers escape them already, and line feeds and our SGR codes must pass.
 */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

const INVISIBLE = /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

/** Columns `text` takes on a terminal: code points, SGR codes left out (wide characters are rare here). */
export function visibleWidth(text: string): number {
  return [...stripStyle(text)].length;
}

/**
 * Pads or cuts `text` to `width` columns, counting what the terminal shows (SGR codes take no
 * column), so a coloured cell lines up with a plain one. A cut drops the colour with it: a code
 * cut in half would leak into the rest of the line.
 */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const shown = visibleWidth(text);
  if (shown > width) return cut(stripStyle(text), width);
  const pad = ' '.repeat(width - shown);
  return align === 'left' ? text + pad : pad + text;
}

/**
 * Renders rows as aligned columns; numeric columns are right-aligned; the header is painted
 * `style.bold`. Cells may be painted already: widths count what the terminal shows.
 */
export function table(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  numeric: ReadonlySet<number>,
  style: Style = PLAIN_STYLE,
): string {
  const widths = header.map((h, c) => Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[c] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => fit(cell, widths[c]!, numeric.has(c) ? 'right' : 'left')).join('  ').trimEnd();
  return [line(header.map((h) => style.bold(h))), ...rows.map(line)].join('\n');
}
