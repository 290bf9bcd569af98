import { PLAIN_STYLE, stripStyle, type Style } from './style.js';
import { cutColumns, displayWidth, wrapColumns } from '../../shared/text.js';

/** Columns `text` takes on a terminal: display width (wide characters 2, combining marks 0), SGR codes left out. */
export function visibleWidth(text: string): number {
  return displayWidth(stripStyle(text));
}

/**
 * Pads or cuts `text` to `width` columns, counting what the terminal shows (SGR codes take no
 * column), so a coloured cell lines up with a plain one. A cut ends in `…` and drops the colour
 * with it: a code cut in half would leak into the rest of the line.
 */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const shown = visibleWidth(text);
  if (shown > width) return cutColumns(stripStyle(text), width);
  const pad = ' '.repeat(width - shown);
  return align === 'left' ? text + pad : pad + text;
}

/** How a table fits a terminal of `width` columns (absent or 0: no limit, every column whole). */
export interface TableLayout {
  width?: number | undefined;
  /** Columns (by index) that may go when cutting cells is not enough, least useful first. */
  drop?: readonly number[];
}

/** Narrowest a text column is cut to before a droppable column goes instead. */
const KEEP_COLUMN = 16;
/** Narrowest a text column is cut to at all. */
const MIN_COLUMN = 8;
const GAP = 2;

/**
 * Renders rows as aligned columns; numeric columns are right-aligned; the header is painted
 * `style.bold`. Cells may be painted already: widths count what the terminal shows. Within
 * `layout.width`, the text columns that are not droppable are cut (widest first, cells ending in
 * `…`, down to {@link KEEP_COLUMN}); if that is not enough, the columns of `layout.drop` go in
 * that order; then every text column is cut down to {@link MIN_COLUMN}; numbers are never cut; a
 * line still too wide is cut at the edge.
 */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, numeric: ReadonlySet<number>, style: Style = PLAIN_STYLE, layout: TableLayout = {}): string {
  const natural = header.map((h, c) => Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[c] ?? ''))));
  const limit = layout.width ?? 0;
  const drop = layout.drop ?? [];
  let shown = header.map((_, c) => c);
  let widths = [...natural];
  if (limit > 0) {
    const total = (): number => shown.reduce((n, c) => n + widths[c]!, 0) + GAP * (shown.length - 1);
    // Cuts the widest text column (of those `may` allows) by what is still too much, down to `floor`.
    const shrink = (floor: number, may: (c: number) => boolean): void => {
      while (total() > limit) {
        const wide = shown.filter((c) => !numeric.has(c) && may(c) && widths[c]! > floor).sort((a, b) => widths[b]! - widths[a]! || b - a)[0];
        if (wide === undefined) return;
        widths[wide] = Math.max(floor, widths[wide]! - (total() - limit));
      }
    };
    // The columns that stay are cut to a readable floor first; then the droppable ones go, least
    // useful first, until the rest fit; only then is every text column cut further.
    shrink(KEEP_COLUMN, (c) => !drop.includes(c));
    for (const c of drop) {
      if (total() <= limit) break;
      shown = shown.filter((k) => k !== c);
      widths = [...natural];
      shrink(KEEP_COLUMN, (k) => !drop.includes(k));
    }
    shrink(MIN_COLUMN, () => true);
  }
  const line = (cells: readonly string[]): string => {
    const text = shown
      .map((c) => fit(cells[c] ?? '', widths[c]!, numeric.has(c) ? 'right' : 'left'))
      .join(' '.repeat(GAP))
      .trimEnd();
    return limit > 0 ? fitLine(text, limit) : text;
  };
  return [line(header.map((h) => style.bold(h))), ...rows.map(line)].join('\n');
}

/** One line within `width` columns: as is when it fits, else cut with `…` (and its colour dropped). */
export function fitLine(line: string, width: number | undefined): string {
  if (width === undefined || width <= 0 || visibleWidth(line) <= width) return line;
  return cutColumns(stripStyle(line), width);
}

/**
 * Every line of `text` within `width` columns (absent or 0: `text` as is). `cut` ends a long line
 * in `…`; `wrap` breaks it at spaces, the continuation lines indented two columns past its own
 * indent (a wrapped line drops its colour, which could not be split safely).
 */
export function fitLines(text: string, width: number | undefined, how: 'cut' | 'wrap' = 'cut'): string {
  if (width === undefined || width <= 0) return text;
  return text
    .split('\n')
    .flatMap((line) => {
      if (visibleWidth(line) <= width) return [line];
      if (how === 'cut') return [fitLine(line, width)];
      const plain = stripStyle(line);
      const indent = ' '.repeat(Math.min(width >> 1, (/^ */u.exec(plain)?.[0].length ?? 0) + 2));
      return wrapColumns(plain, width, indent);
    })
    .join('\n');
}
