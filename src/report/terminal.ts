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

/** Pads or cuts `text` to `width` columns (counting code points; wide characters are rare here). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const chars = [...text];
  if (chars.length > width) return chars.slice(0, Math.max(0, width - 1)).join('') + '…';
  const pad = ' '.repeat(width - chars.length);
  return align === 'left' ? text + pad : pad + text;
}

/** Renders rows as aligned columns; numeric columns are right-aligned. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, numeric: ReadonlySet<number>): string {
  const widths = header.map((h, c) => Math.max([...h].length, ...rows.map((r) => [...(r[c] ?? '')].length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => fit(cell, widths[c]!, numeric.has(c) ? 'right' : 'left')).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
