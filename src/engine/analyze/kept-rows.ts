import { ExternalSort, SORT_LIMITS, TAB, type Run, type SortKeys, type SortLimits } from '../../ingest/external-sort.js';
import type { SpillFile, SpillRef } from '../../ingest/spill.js';
import type { RowList } from '../../shared/columns.js';
import { compareTurns, sessionOrder, turnTimeMs } from '../../model/sessions.js';

/** What the sorts of {@link TraceRows} order a trace by. */
export interface TurnKeys {
  traceId: string;
  sessionId: string | null;
  requestTimeMs: number | null;
  rootStartNs: number | null;
}

/** How a {@link TraceRows} keeps its rows as JSON: the rest of a row beside its {@link TurnKeys}, and the row made again. */
export interface RowCodec<R extends TurnKeys> {
  rest(row: R): unknown[];
  make(keys: TurnKeys, rest: unknown[], ordinal: number): R;
}

/** A session and its rows, in the order they were kept. */
export interface KeptGroup<R> {
  id: string;
  rows: R[];
}

/** The rows sorted for the session stage ({@link TraceRows.group}). Every list is read from the file at each pass. */
export interface GroupedRows<R> {
  /** The sessions by id (code-unit order), each with its rows in the order kept (see {@link TraceRows.orderSessions}). */
  sessions: Iterable<KeptGroup<R>>;
  /** The traces without a session, in turn order (`compareTurns`, then the order kept). */
  loose: RowList<R>;
  /** The ordinals of the copies left out (a trace id kept before: the first kept stands), ascending. */
  copies: Iterable<number>;
  /** How many copies were left out. */
  duplicates: number;
}

/** A row as JSON: `[ordinal, traceId, sessionId, requestTimeMs, rootStartNs, ...rest]`. */
type RowJson = [number, string, string | null, number | null, number | null, ...unknown[]];

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
  compare: (a, b) => compareTurns({ requestTimeMs: a[0], rootStartNs: a[1], traceId: a[2] }, { requestTimeMs: b[0], rootStartNs: b[1], traceId: b[2] }) || a[3] - b[3],
  copy: () => false,
};

const BY_NUMBER: SortKeys<number> = { text: String, parse: Number, compare: (a, b) => a - b, copy: () => false };

/**
 * What a run keeps of each trace until it forms sessions (`analyze`: ids, times and where the
 * trace's analysis is; `sessions`: a `SessionTurn`), kept in a temporary file, not in memory: each
 * row goes to an external sort by trace id as it comes, and {@link group} sorts the rows again
 * (copies dropped, sessions grouped, the traces without a session in turn order) by more external
 * sorts; {@link orderSessions} then puts the sessions in the order the run shows them. Memory keeps
 * one run of a sort and one session's rows at a time ({@link SortLimits}), nothing per trace or per
 * session: the copy check and the grouping cost passes over the rows (about 100 bytes a trace
 * written and read a few times), not columns and an index of trace ids that grow with the input.
 */
export class TraceRows<R extends TurnKeys> {
  private readonly byTrace: ExternalSort<[string, number]>;
  private rows = 0;
  private grouped: GroupedRows<R> | null = null;
  /** The region {@link group} sorted by session. */
  private sessionRun: Run | null = null;

  constructor(
    private readonly spill: SpillFile,
    private readonly codec: RowCodec<R>,
    private readonly limits: Readonly<SortLimits> = SORT_LIMITS,
  ) {
    this.byTrace = new ExternalSort(spill, BY_NAME_THEN_ORDINAL, limits);
  }

  /** Rows kept. */
  get size(): number {
    return this.rows;
  }

  /** Keeps a row; returns its ordinal (0, 1, … in the order kept). Not after {@link group}. */
  push(row: R): number {
    if (this.grouped !== null) throw new Error('a row kept after the rows were grouped');
    const ordinal = this.rows++;
    const json: RowJson = [ordinal, row.traceId, row.sessionId, row.requestTimeMs, row.rootStartNs, ...this.codec.rest(row)];
    this.byTrace.add([row.traceId, ordinal], JSON.stringify(json));
    return ordinal;
  }

  /**
   * Drops the copies and groups the rows (once; later calls give the same lists). Of the traces
   * with one id (the same export passed twice, a `get` file beside its search export) the first
   * kept stands; traces without an id are never copies.
   */
  group(): GroupedRows<R> {
    if (this.grouped !== null) return this.grouped;
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
      const text = line.toString('utf8', tab + 1);
      const [, , sessionId, requestTimeMs, rootStartNs] = JSON.parse(text) as RowJson;
      if (sessionId === null) loose.add([requestTimeMs, rootStartNs, traceId, ordinal], text);
      else bySession.add([sessionId, ordinal], text);
    }
    const sessions = bySession.finish();
    const looseRun = loose.finish();
    const copiesRun = copies.finish();
    this.grouped = {
      sessions: { [Symbol.iterator]: () => this.readGroups(sessions) },
      loose: { length: looseRun.count, [Symbol.iterator]: () => this.readRows(looseRun) },
      copies: { [Symbol.iterator]: () => readKeys(spill, copiesRun) },
      duplicates,
    };
    this.sessionRun = sessions;
    return this.grouped;
  }

  /**
   * The sessions of {@link group} sorted by `keys` (a key made of each session's rows by `keyOf`),
   * into a list read from the file at each pass; the key comes with each session. One pass over
   * the groups and one external sort.
   */
  orderSessions<K>(keys: SortKeys<K>, keyOf: (group: KeptGroup<R>) => K): RowList<KeptGroup<R> & { key: K }> {
    this.group();
    const sort = new ExternalSort(this.spill, keys, this.limits);
    for (const { id, rows } of this.readGroupJson(this.sessionRun!)) sort.add(keyOf({ id, rows: rows.map((r) => this.rowOf(r)) }), JSON.stringify([id, rows]));
    const run = sort.finish();
    return { length: run.count, [Symbol.iterator]: () => this.readOrdered(run, keys) };
  }

  private *readGroups(run: Run): Generator<KeptGroup<R>> {
    for (const { id, rows } of this.readGroupJson(run)) yield { id, rows: rows.map((r) => this.rowOf(r)) };
  }

  /** The rows grouped by session in one pass over the region sorted by session, one session in memory at a time. */
  private *readGroupJson(run: Run): Generator<KeptGroup<RowJson>> {
    if (run.count === 0) return;
    let group: KeptGroup<RowJson> | null = null;
    for (const line of this.spill.lines(run)) {
      const json = JSON.parse(line.toString('utf8', line.indexOf(TAB) + 1)) as RowJson;
      const id = json[2]!;
      if (group !== null && group.id !== id) {
        yield group;
        group = null;
      }
      group ??= { id, rows: [] };
      group.rows.push(json);
    }
    if (group !== null) yield group;
  }

  private *readRows(run: Run): Generator<R> {
    if (run.count === 0) return;
    for (const line of this.spill.lines(run)) yield this.rowOf(JSON.parse(line.toString('utf8', line.indexOf(TAB) + 1)) as RowJson);
  }

  private *readOrdered<K>(run: Run, keys: SortKeys<K>): Generator<KeptGroup<R> & { key: K }> {
    if (run.count === 0) return;
    for (const line of this.spill.lines(run)) {
      const tab = line.indexOf(TAB);
      const [id, rows] = JSON.parse(line.toString('utf8', tab + 1)) as [string, RowJson[]];
      yield { id, rows: rows.map((r) => this.rowOf(r)), key: keys.parse(line.toString('utf8', 0, tab)) };
    }
  }

  private rowOf(json: RowJson): R {
    const [ordinal, traceId, sessionId, requestTimeMs, rootStartNs, ...rest] = json;
    return this.codec.make({ traceId, sessionId, requestTimeMs, rootStartNs }, rest, ordinal);
  }
}

/** A session's first time: its traces' earliest request time, else root start (ns to ms); null for none. */
export function firstTimeOf(rows: readonly TurnKeys[]): number | null {
  let first: number | null = null;
  for (const row of rows) {
    const t = turnTimeMs(row);
    if (t !== null && (first === null || t < first)) first = t;
  }
  return first;
}

function* readKeys(spill: SpillFile, run: Run): Generator<number> {
  if (run.count === 0) return;
  for (const line of spill.lines(run)) yield Number(line.toString('utf8', 0, line.indexOf(TAB)));
}

/** One trace as `analyze` keeps it until the session stage: its ids, its two times and where its analysis is in the temporary file. */
export interface KeptRow extends TurnKeys {
  ref: SpillRef;
  /** Position among the traces kept (copies included): what `push` returned. */
  ordinal: number;
}

/** `analyze`'s rows: the place of the analysis, and the ordinal. */
export const KEPT_ROW: RowCodec<KeptRow> = {
  rest: (row) => [row.ref.offset, row.ref.length],
  make: (keys, [offset, length], ordinal) => ({ ...keys, ref: { offset: offset as number, length: length as number }, ordinal }),
};

/** Report order (`sessionOrder`'s `first`: first time, missing last, then session id) of `[first time, id]` keys; each session once. */
export const IN_REPORT_ORDER: SortKeys<[number | null, string]> = {
  text: (k) => JSON.stringify(k),
  parse: (text) => JSON.parse(text) as [number | null, string],
  compare: sessionOrder<[number | null, string]>('first', { id: (k) => k[1], time: (k) => k[0], count: () => 0 }),
  copy: () => false,
};
