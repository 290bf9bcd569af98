import { PLAIN_STYLE, stripStyle, type Style } from './style.js';
import { cut } from '../../shared/text.js';

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
