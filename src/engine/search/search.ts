import type { Provenance } from '../../ingest/record.js';
import type { ScannedRecord } from '../../ingest/scanner.js';
import type { TraceInfo } from '../../model/types.js';
import { compareInfos, type OrderKey } from '../../query/order-by.js';
import { readInfoFast } from '../read/fast-info.js';
import { infoSelects, infoSelectionTest, lacksSpanTexts, selectionTest, type Selection } from '../read/filtered.js';
import { scanInputs, type ReadOptions } from '../read/read.js';
import type { FrameEvent, TraceEvent } from '../read/read-events.js';
import { readRecord } from '../read/guard.js';
import { TopK } from './top-k.js';

/** What `searchTraces` looks for, and where the page starts. */
export interface SearchOptions extends ReadOptions, Selection {
  /** Parsed `--order-by` keys, MLflow's tie-breakers included (`parseOrderBy`). */
  order: readonly OrderKey[];
  maxResults: number;
  /** Matches to pass over before the page (from a page token). */
  offset?: number;
  /** Notes, rejected records and source boundaries, in input order, as they happen. */
  onEvent?: (event: FrameEvent) => void;
}

/** One trace of the page: its original bytes (printed back as they are) and its model. */
export interface SearchHit {
  traceId: string;
  info: TraceInfo;
  bytes: Buffer;
  provenance: Provenance;
}

/** The page and the counts behind it. */
export interface SearchResult {
  hits: SearchHit[];
  /** Records read (traces and rejected records). */
  records: number;
  /** Traces that matched the filter and the scope, over the whole input. */
  matched: number;
  /** Records that are not readable traces (each also went to `onEvent`). */
  rejected: number;
  /** Matching traces too big to print from their text (read span by span): left out of the page. */
  unprintable: Provenance[];
  /** The offset of the next page, or null when this page is the last. */
  nextOffset: number | null;
}

interface Candidate {
  info: TraceInfo;
  seq: number;
  hit: SearchHit | null;
}

/**
 * The offline `mlflow traces search`: every record of the inputs is matched against the filter,
 * the best `offset + maxResults` under the order are kept (a bounded heap, so a dump of any size
 * holds one page of traces), and the page is returned with its original bytes. A filter on
 * `info` fields is decided from the record's `info` alone, before the spans are parsed; a record
 * that can still make the page is then parsed whole, which also checks it.
 */
export async function searchTraces(inputs: readonly string[], options: SearchOptions): Promise<SearchResult> {
  const { maxResults, offset = 0 } = options;
  const filter = options.filter ?? null;
  const byInfo = compareInfos(options.order);
  const compare = (a: Candidate, b: Candidate): number => byInfo(a.info, b.info) || a.seq - b.seq;
  const top = new TopK<Candidate>(offset + maxResults, compare);
  const infoTest = infoSelectionTest(options);
  const readInfoFirst = infoSelects(options);
  const keep = selectionTest(options);
  const result: SearchResult = { hits: [], records: 0, matched: 0, rejected: 0, unprintable: [], nextOffset: null };
  let seq = 0;

  const consider = (event: TraceEvent): void => {
    const { trace } = event;
    if (!keep(event)) return;
    result.matched++;
    const candidate: Candidate = { info: trace.info, seq: seq++, hit: null };
    if (top.rejects(candidate)) return;
    if (event.bytes.length === 0) {
      result.unprintable.push(event.provenance);
      return;
    }
    // The record's bytes may be a view of a whole read chunk: keep a copy of just the trace.
    candidate.hit = { traceId: trace.traceId, info: trace.info, bytes: Buffer.from(event.bytes), provenance: event.provenance };
    top.offer(candidate);
  };

  const onRecord = (record: ScannedRecord): void => {
    result.records++;
    const readable = !record.problem && record.bytes.length > 0;
    // Left out unparsed when its bytes lack a text a span clause needs, or by its info.
    if (readable && lacksSpanTexts(filter, record.bytes)) return;
    // The info is read first to leave the record out by it, or, when the filter needs no span, to
    // decide without the spans; a filter of span clauses alone without a scope needs neither.
    const fast = readable && (readInfoFirst || filter === null || filter.infoOnly) ? readInfoFast(record.bytes) : null;
    if (fast !== null) {
      if (!infoTest(fast)) return;
      if (filter === null || filter.infoOnly) {
        // Decided without the spans: parse the record only if it can still make the page.
        if (top.rejects({ info: fast.info, seq, hit: null })) {
          result.matched++;
          seq++;
          return;
        }
      }
    }
    for (const event of readRecord(record)) {
      if (event.type === 'trace') consider(event);
      else {
        if (event.type === 'rejected') result.rejected++;
        options.onEvent?.(event);
      }
    }
  };

  for await (const unit of scanInputs(inputs, options)) {
    if (unit.kind === 'record') onRecord(unit.record);
    else if (unit.event.type === 'trace') {
      result.records++;
      consider(unit.event);
    } else {
      if (unit.event.type === 'rejected') {
        result.records++;
        result.rejected++;
      }
      options.onEvent?.(unit.event);
    }
  }

  const kept = top.sorted();
  result.hits = kept.slice(offset).flatMap((c) => (c.hit ? [c.hit] : []));
  result.nextOffset = result.matched > offset + maxResults ? offset + maxResults : null;
  return result;
}
