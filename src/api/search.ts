import { nextPageToken, pageStart } from '../engine/search/page-token.js';
import type { ExitVerdict } from '../engine/outcome.js';
import { searchTraces, type SearchHit } from '../engine/search/search.js';
import type { Provenance } from '../ingest/record.js';
import { parseExtractFields } from '../query/extract-fields.js';
import { compileFilter } from '../query/filter/compile.js';
import { HitPrinter } from '../query/hit-text.js';
import { parseOrderBy } from '../query/order-by.js';
import type { FormatOptions } from '../report/format.js';
import { SEARCH_FORMATS, type SearchFormat } from '../report/search/formats.js';
import { formatWith } from './output.js';
import { engineRead, ProblemLog, type Input, type ReadingOptions, type ReadProblems } from './read.js';

/** Options of {@link search}: `mlflow traces search`'s, offline. */
export interface SearchOptions extends ReadingOptions {
  /** MLflow 3.6 filter, AND only (docs/search-filters.md); a bad one throws `QuerySyntaxError`. */
  filterString?: string;
  /** Order keys with ASC/DESC, e.g. `['timestamp_ms ASC']`; default `timestamp_ms DESC`, then request id. */
  orderBy?: readonly string[];
  /** Traces per page; default 100. */
  maxResults?: number;
  /** Resume where a previous page of the same search stopped (its `nextPageToken`, or the CLI's). */
  pageToken?: string;
  /** Comma-separated dot paths the formatted page prints instead of whole traces, e.g. `'info.trace_id,data.spans.*.name'`. */
  extractFields?: string;
  /** Print spans; false prints `"spans": []`, as `--no-include-spans`. Default true. */
  includeSpans?: boolean;
  /** Keep traces of this run (metadata `mlflow.sourceRun`, where present). */
  runId?: string;
  /** Keep traces of this model (metadata `mlflow.modelId`, where present). */
  modelId?: string;
}

/** One page of a search. `experimentIds` also keeps only traces of those experiments (where a trace names one). */
export interface SearchPage {
  /** The page, in order: each trace's id, info, original bytes and provenance. */
  hits: SearchHit[];
  /** The token of the next page, or null when this page is the last. */
  nextPageToken: string | null;
  /** Traces that matched over the whole input. */
  matched: number;
  /** Records read (traces and rejected records). */
  records: number;
  /** Matching traces too big to print from their text, left out of the page. */
  unprintable: Provenance[];
  /** How `formatSearch` prints the hits: the search's `extractFields` and `includeSpans`. */
  extractFields: string | null;
  includeSpans: boolean;
  exit: ExitVerdict;
  problems: ReadProblems;
}

/** Finds, orders and pages traces as `tracetriage search` (and `mlflow traces search`) does. */
export async function search(inputs: Input | readonly Input[], options: SearchOptions = {}): Promise<SearchPage> {
  const read = engineRead(inputs, options);
  const filterText = options.filterString ?? '';
  const filter = filterText.trim() === '' ? null : compileFilter(filterText);
  const orderClauses = [...(options.orderBy ?? [])];
  const order = parseOrderBy(orderClauses);
  const maxResults = options.maxResults ?? 100;
  if (!Number.isSafeInteger(maxResults) || maxResults < 1) throw new RangeError(`maxResults must be a whole number of at least 1, got ${String(maxResults)}`);
  // Parsed now, so a bad path fails before the read rather than when the page is formatted.
  if (options.extractFields !== undefined) parseExtractFields(options.extractFields);
  const experimentIds = [...(options.experimentIds ?? [])];
  const runId = options.runId ?? null;
  const { scope, offset } = pageStart({ inputs: read.inputs, filter: filterText, order: orderClauses, experimentIds, runId, pageToken: options.pageToken });
  const log = new ProblemLog(options.onEvent);
  const result = await searchTraces(read.inputs, {
    ...read.options,
    filter,
    order,
    maxResults,
    offset,
    experimentIds,
    runId,
    modelId: options.modelId ?? null,
    onEvent: log.onEvent,
  });
  log.addTraces(result.records - result.rejected);
  return {
    hits: result.hits,
    nextPageToken: nextPageToken(result.nextOffset, scope),
    matched: result.matched,
    records: result.records,
    unprintable: result.unprintable,
    extractFields: options.extractFields ?? null,
    includeSpans: options.includeSpans ?? true,
    exit: log.verdict(),
    problems: log.problems,
  };
}

/** The formats of {@link formatSearch}: as `search --output`. */
export type { SearchFormat };

/**
 * A page as `search --output <format>` prints it: `json` is MLflow's exact shape (with
 * `next_page_token`), `jsonl` one trace per line, `table` MLflow's columns (or the extracted
 * fields) with the next page's token under it.
 */
export function formatSearch(page: SearchPage, format: SearchFormat, options: FormatOptions = {}): string {
  const fields = page.extractFields === null ? null : parseExtractFields(page.extractFields);
  const printer = new HitPrinter(fields, page.includeSpans);
  return formatWith(SEARCH_FORMATS, { hits: page.hits, printer, nextPageToken: page.nextPageToken }, format, options);
}
