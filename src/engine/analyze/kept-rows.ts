import { ExternalSort, SORT_LIMITS, TAB, type Run, type SortKeys, type SortLimits } from '../../ingest/external-sort.js';
import type { SpillFile, SpillRef } from '../../ingest/spill.js';
import type { RowList } from '../../shared/columns.js';
import { compareNullable, turnTimeMs } from '../../model/sessions.js';

/** One trace as `analyze` keeps it until the session stage: its ids, its two times and where its analysis is in the temporary file. */
export interface KeptRow {
  traceId: string;
  sessionId: string | null;
  requestTimeMs: number | null;
  rootStartNs: number | null;
  ref: SpillRef;
  /** Position among the traces kept (copies included): what `KeptRows.push` returned. */
  ordinal: number;
}

/** A session and its traces, in the order they were kept. */
export interface KeptSession {
  id: string;
  rows: KeptRow[];
}

/** The kept traces sorted for the session stage ({@link KeptRows.finish}). Every list is read from the file at each pass. */
export interface KeptSessions {
  /** The sessions in report order: first time (its traces' earliest request time, else root start; none last), then id. */
  sessions: RowList<KeptSession>;
  /** The traces without a session, in turn order (`compareTurns`, then the order kept). */
  loose: RowList<KeptRow>;
  /** The ordinals of the copies left out (a trace id kept before: the first kept stands), ascending. */
  copies: Iterable<number>;
  /** How many copies were left out. */
  duplicates: number;
}

/** A row as JSON: `[traceId, sessionId, requestTimeMs, rootStartNs, offset, length, ordinal]`. */
type RowJson = [string, string | null, number | null, number | null, number, number, number];

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A string, then the order kept: what copies of a trace id, and the traces of a session, are brought together by. */
const BY_NAME_THEN_ORDINAL: SortKeys<[string, number]> = {
  text: (k) => JSON.stringify(k),
  parse: (text) => JSON.parse(text) as [string, number],
  compare: (a, b) => compareStrings(a[0], b[0]) || a[1] - b[1],
  copy: () => false,
};

/** Turn order (`compareTurns`: request time, root start, missing ones last, trace id), then the order kept. */
const IN_TURN_ORDER: SortKeys<[number | null, number | null, string, number]> = {
  text: (k) => JSON.stringify(k),
  parse: (text) => JSON.parse(text) as [number | null, number | null, string, number],
  compare: (a, b) => compareNullable(a[0], b[0]) || compareNullable(a[1], b[1]) || compareStrings(a[2], b[2]) || a[3] - b[3],
  copy: () => false,
};

/** Report order: first time (missing last), then session id; each session once. */
const IN_REPORT_ORDER: SortKeys<[number | null, string]> = {
  text: (k) => JSON.stringify(k),
  parse: (text) => JSON.parse(text) as [number | null, string],
  compare: (a, b) => compareNullable(a[0], b[0]) || compareStrings(a[1], b[1]),
  copy: () => false,
};

const BY_NUMBER: SortKeys<number> = { text: String, parse: Number, compare: (a, b) => a - b, copy: () => false };

/**
 * What `analyze` keeps of each trace until the session stage, kept in the temporary file, not in
 * memory: each row goes to an external sort by trace id as it comes, and {@link finish} sorts the
 * rows for the session stage (copies dropped, sessions grouped and put in report order, the traces
 * without a session in turn order) by more external sorts. Memory keeps one run of a sort and one
 * session's rows at a time ({@link SortLimits}), nothing per trace or per session: the copy check,
 * the grouping by session and the report order cost passes over the rows (about 100 bytes a trace
 * written and read four times), not columns that grow with the input.
 */
export class KeptRows {
  private readonly byTrace: ExternalSort<[string, number]>;
  private rows = 0;

  constructor(
    private readonly spill: SpillFile,
    private readonly limits: Readonly<SortLimits> = SORT_LIMITS,
  ) {
    this.byTrace = new ExternalSort(spill, BY_NAME_THEN_ORDINAL, limits);
  }

  /** Traces kept. */
  get size(): number {
    return this.rows;
  }

  /** Keeps a trace; returns its ordinal (0, 1, … in the order kept). */
  push(row: Omit<KeptRow, 'ordinal'>): number {
    const ordinal = this.rows++;
    this.byTrace.add([row.traceId, ordinal], JSON.stringify([row.sessionId, row.requestTimeMs, row.rootStartNs, row.ref.offset, row.ref.length]));
    return ordinal;
  }

  /**
   * Sorts the rows for the session stage; call once, after the last {@link push}. Of the traces
   * with one id (copies: the same export passed twice, a `get` file beside its search export) the
   * first kept stands; traces without an id are never copies.
   */
  finish(): KeptSessions {
    const { spill, limits } = this;
    const bySession = new ExternalSort(spill, BY_NAME_THEN_ORDINAL, limits);
    const loose = new ExternalSort(spill, IN_TURN_ORDER, limits);
    const copies = new ExternalSort(spill, BY_NUMBER, limits);
    let duplicates = 0;
    let last: string | null = null;
    for (const line of spill.lines(this.byTrace.finish())) {
      const tab = line.indexOf(TAB);
      const [traceId, ordinal] = BY_NAME_THEN_ORDINAL.parse(line.toString('utf8', 0, tab));
      if (traceId !== '' && traceId === last) {
        duplicates++;
        copies.add(ordinal, '');
        continue;
      }
      last = traceId;
      const [sessionId, requestTimeMs, rootStartNs, offset, length] = JSON.parse(line.toString('utf8', tab + 1)) as [string | null, number | null, number | null, number, number];
      const row = JSON.stringify([traceId, sessionId, requestTimeMs, rootStartNs, offset, length, ordinal] satisfies RowJson);
      if (sessionId === null) loose.add([requestTimeMs, rootStartNs, traceId, ordinal], row);
      else bySession.add([sessionId, ordinal], row);
    }
    const sessions = inReportOrder(spill, bySession.finish(), limits);
    const looseRun = loose.finish();
    const copiesRun = copies.finish();
    return {
      sessions: { length: sessions.count, [Symbol.iterator]: () => readSessions(spill, sessions) },
      loose: { length: looseRun.count, [Symbol.iterator]: () => readRows(spill, looseRun) },
      copies: { [Symbol.iterator]: () => readKeys(spill, copiesRun) },
      duplicates,
    };
  }
}

/** The rows grouped by session (one pass), each session's first time taken, then sorted into report order: a record per session, its rows as JSON. */
function inReportOrder(spill: SpillFile, bySession: Run, limits: Readonly<SortLimits>): Run {
  const sessions = new ExternalSort(spill, IN_REPORT_ORDER, limits);
  let id: string | null = null;
  let rows: RowJson[] = [];
  let first: number | null = null;
  const flush = (): void => {
    if (id !== null) sessions.add([first, id], JSON.stringify(rows));
    rows = [];
    first = null;
  };
  for (const line of spill.lines(bySession)) {
    const row = JSON.parse(line.toString('utf8', line.indexOf(TAB) + 1)) as RowJson;
    if (row[1] !== id) {
      flush();
      id = row[1];
    }
    rows.push(row);
    const t = turnTimeMs({ requestTimeMs: row[2], rootStartNs: row[3] });
    if (t !== null && (first === null || t < first)) first = t;
  }
  flush();
  return sessions.finish();
}

function* readSessions(spill: SpillFile, run: Run): Generator<KeptSession> {
  if (run.count === 0) return;
  for (const line of spill.lines(run)) {
    const tab = line.indexOf(TAB);
    const [, id] = IN_REPORT_ORDER.parse(line.toString('utf8', 0, tab));
    yield { id, rows: (JSON.parse(line.toString('utf8', tab + 1)) as RowJson[]).map(rowOf) };
  }
}

function* readRows(spill: SpillFile, run: Run): Generator<KeptRow> {
  if (run.count === 0) return;
  for (const line of spill.lines(run)) yield rowOf(JSON.parse(line.toString('utf8', line.indexOf(TAB) + 1)) as RowJson);
}

function* readKeys(spill: SpillFile, run: Run): Generator<number> {
  if (run.count === 0) return;
  for (const line of spill.lines(run)) yield Number(line.toString('utf8', 0, line.indexOf(TAB)));
}

function rowOf([traceId, sessionId, requestTimeMs, rootStartNs, offset, length, ordinal]: RowJson): KeptRow {
  return { traceId, sessionId, requestTimeMs, rootStartNs, ref: { offset, length }, ordinal };
}
