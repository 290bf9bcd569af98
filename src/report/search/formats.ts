import type { SearchHit } from '../../engine/search/search.js';
import type { HitPrinter } from '../../query/hit-text.js';
import { formatNames, styleOf, type FormatOptions, type FormatRegistry } from '../format.js';
import { fieldsTable, searchTable } from './search.js';

/** The formats of `search --output` (`--format`). */
export type SearchFormat = 'table' | 'json' | 'jsonl';

/** What `search` prints: a page of hits, how each is printed, and the next page's token. */
export interface SearchView {
  hits: readonly SearchHit[];
  /** Prints a hit from its original text (whole or `--extract-fields`), remembering which fields matched. */
  printer: Pick<HitPrinter, 'fields' | 'pretty' | 'compact' | 'cells'>;
  nextPageToken: string | null;
}

/**
 * Told of a hit the printer could not print (a bug, or a value no check foresaw): the hit is
 * left out and the page goes on. `probe` is called before each hit (the test fault of the
 * `render` stage). Without a guard, the printer's error is thrown.
 */
export interface HitGuard {
  probe?(traceId: string): void;
  failed(hit: SearchHit, error: unknown): void;
}

/** Options of the search formats. */
export interface SearchFormatOptions extends FormatOptions {
  guard?: HitGuard;
}

/** Each hit printed by `print`, the ones the guard was told of left out. */
function printed<T>(hits: readonly SearchHit[], guard: HitGuard | undefined, print: (hit: SearchHit) => T): T[] {
  if (guard === undefined) return hits.map(print);
  const out: T[] = [];
  for (const hit of hits) {
    try {
      guard.probe?.(hit.traceId);
      out.push(print(hit));
    } catch (error) {
      guard.failed(hit, error);
    }
  }
  return out;
}

/** `--output json`: MLflow's exact shape, `next_page_token` included. */
function* searchJson(view: SearchView, options: SearchFormatOptions): Generator<string> {
  const texts = printed(view.hits, options.guard, (hit) => view.printer.pretty(hit));
  yield texts.length === 0 ? '{\n  "traces": [],\n' : '{\n  "traces": [\n';
  for (let i = 0; i < texts.length; i++) yield `    ${texts[i]!}${i < texts.length - 1 ? ',\n' : '\n'}`;
  if (texts.length > 0) yield '  ],\n';
  yield `  "next_page_token": ${JSON.stringify(view.nextPageToken)}\n}\n`;
}

/** `--output jsonl`: one trace per line (the next page's token is not part of it; the CLI says it on stderr). */
function* searchJsonl(view: SearchView, options: SearchFormatOptions): Generator<string> {
  for (const text of printed(view.hits, options.guard, (hit) => view.printer.compact(hit))) yield `${text}\n`;
}

/** `--output table`: MLflow's columns (or the extracted fields), the next page's token under it. */
function* searchTableOutput(view: SearchView, options: SearchFormatOptions): Generator<string> {
  const style = styleOf(options);
  const { fields } = view.printer;
  if (fields === null) {
    // Each row is rendered alone first, so that a hit which cannot be printed is left out (and said) by the guard.
    const hits = printed(view.hits, options.guard, (hit) => {
      searchTable([hit.info], style);
      return hit;
    });
    yield searchTable(
      hits.map((h) => h.info),
      style,
    );
  } else {
    yield fieldsTable(
      fields.map((f) => f.text),
      printed(view.hits, options.guard, (hit) => view.printer.cells(hit)),
      style,
    );
  }
  if (view.nextPageToken !== null) yield `Next page token: ${view.nextPageToken}\n`;
}

/** `search`'s formats. */
export const SEARCH_FORMATS: FormatRegistry<SearchFormat, SearchView, SearchFormatOptions> = {
  table: searchTableOutput,
  json: searchJson,
  jsonl: searchJsonl,
};

/** `search --output` choices. */
export const SEARCH_FORMAT_NAMES = formatNames(SEARCH_FORMATS);
