import { compareTurnRows, makeSession, nullIfNaN, sessionOrder, type Session, type SessionSortKey, type SessionTurn } from '../model/sessions.js';
import type { TraceState } from '../model/types.js';
import { groupRows, withRows, type RowList } from '../shared/columns.js';
import { IdIndex } from '../shared/id-index.js';
import { StringTable } from '../shared/string-table.js';

/** The `sessions` view built from {@link SessionTurnColumns}: as `sessionsView` gives it, the turns made as each session is reached. */
export interface SessionRowsView {
  sessions: RowList<Session<SessionTurn>>;
  sort: SessionSortKey;
  withoutSession: RowList<SessionTurn>;
  duplicates: number;
}

const FIRST_ROWS = 1024;

/**
 * What the `sessions` command keeps of each trace (a {@link SessionTurn}: ids, times, state and
 * three counts) as columns, not as an object per trace: the trace id once in an {@link IdIndex}
 * (which also finds the copies of a trace), session, user, experiment and state as numbers of one
 * string table, times and counts in typed arrays. About 95 bytes a trace (57 in the columns,
 * about 37 for an MLflow trace id in the index), where the objects took about 380 of live heap (an
 * object, its counts, its trace id and boxed times, and the set that found copies). A session's
 * turns are made again only when a format reaches it, one session at a time.
 */
export class SessionTurnColumns {
  /** Traces read again (same trace id): counted, not kept. */
  duplicates = 0;
  private readonly ids = new IdIndex();
  private readonly strings = new StringTable();
  private rows = 0;
  private traceId = new Int32Array(FIRST_ROWS);
  /** Numbers of {@link strings}, -1 for null. */
  private session = new Int32Array(FIRST_ROWS);
  private user = new Int32Array(FIRST_ROWS);
  private experiment = new Int32Array(FIRST_ROWS);
  private state = new Int32Array(FIRST_ROWS);
  /** NaN for null (the times are read by `compareTurnRows`). */
  requestTimeMs = new Float64Array(FIRST_ROWS);
  rootStartNs = new Float64Array(FIRST_ROWS);
  private durationMs = new Float64Array(FIRST_ROWS);
  /** Counts of spans and assessments in one trace: far below 2^31. */
  private errorSpanCount = new Int32Array(FIRST_ROWS);
  private failing = new Int32Array(FIRST_ROWS);
  private scorerErrors = new Int32Array(FIRST_ROWS);
  /** By trace id number: 1 once a trace of that id is kept. */
  private seen = new Uint8Array(FIRST_ROWS);

  /** Keeps a trace, unless one of its id was kept before (traces without an id are never copies). */
  push(t: SessionTurn): void {
    if (t.traceId !== '') {
      const n = this.ids.numberOf(t.traceId);
      this.seen = withRows(this.seen, n + 1);
      if (this.seen[n] === 1) {
        this.duplicates++;
        return;
      }
      this.seen[n] = 1;
    }
    const r = this.rows;
    if (r === this.traceId.length) this.grow(r + 1);
    this.rows++;
    this.traceId[r] = this.ids.numberOf(t.traceId);
    this.session[r] = this.numberOf(t.sessionId);
    this.user[r] = this.numberOf(t.user);
    this.experiment[r] = this.numberOf(t.experimentId);
    this.state[r] = this.numberOf(t.state);
    this.requestTimeMs[r] = t.requestTimeMs ?? Number.NaN;
    this.rootStartNs[r] = t.rootStartNs ?? Number.NaN;
    this.durationMs[r] = t.durationMs ?? Number.NaN;
    this.errorSpanCount[r] = t.errorSpanCount;
    this.failing[r] = t.assessments.failing;
    this.scorerErrors[r] = t.assessments.counts.scorerErrors;
  }

  /**
   * The `sessions` view: every session in `sort` order with its summary (as `groupSessions` then
   * `sortSessions` give them), and the traces without a session in turn order. Each pass over the
   * sessions makes their turns anew, one session at a time.
   */
  view(sort: SessionSortKey): SessionRowsView {
    // Rows grouped by session (sessions by their number in the string table), each group in turn order.
    const count = this.strings.all().length;
    const { starts, rows: grouped, ungrouped: loose } = groupRows(this.session, this.rows, count);
    // What the sessions are sorted by, as columns by string number: 24 bytes a session, where a
    // summary object per session took about 290 (its summary is made again as each pass reaches it).
    const keys = {
      firstTimeMs: new Float64Array(count),
      lastTimeMs: new Float64Array(count),
      turnsWithErrors: new Int32Array(count),
      failingAssessments: new Int32Array(count),
    };
    const sessions: number[] = [];
    for (let s = 0; s < count; s++) {
      const start = starts[s]!;
      const end = starts[s + 1]!;
      if (start === end) continue;
      // Stable: rows of equal turns keep the order they were read in, as makeSession keeps them.
      const rows = Array.from(grouped.subarray(start, end)).sort((a, b) => this.compareTurns(a, b));
      grouped.set(rows, start);
      const { summary } = makeSession(this.strings.at(s), this.turnsOf(rows));
      keys.firstTimeMs[s] = summary.firstTimeMs ?? Number.NaN;
      keys.lastTimeMs[s] = summary.lastTimeMs ?? Number.NaN;
      keys.turnsWithErrors[s] = summary.turnsWithErrors;
      keys.failingAssessments[s] = summary.failingAssessments;
      sessions.push(s);
    }
    const order = Int32Array.from(sessions).sort(
      sessionOrder<number>(sort, {
        id: (s) => this.strings.at(s),
        time: (s, field) => nullIfNaN(keys[field][s]!),
        count: (s, field) => (field === 'turns' ? starts[s + 1]! - starts[s]! : keys[field][s]!),
      }),
    );
    loose.sort((a, b) => this.compareTurns(a, b));
    return {
      sessions: rowList(order, (s) => makeSession(this.strings.at(s), this.turnsOf(grouped.subarray(starts[s]!, starts[s + 1]!)))),
      sort,
      withoutSession: rowList(loose, (r) => this.turnAt(r)),
      duplicates: this.duplicates,
    };
  }

  /** The turn kept at row `r`. */
  private turnAt(r: number): SessionTurn {
    return {
      traceId: this.traceIdAt(r),
      sessionId: this.stringAt(this.session[r]!),
      user: this.stringAt(this.user[r]!),
      experimentId: this.stringAt(this.experiment[r]!),
      requestTimeMs: nullIfNaN(this.requestTimeMs[r]!),
      rootStartNs: nullIfNaN(this.rootStartNs[r]!),
      durationMs: nullIfNaN(this.durationMs[r]!),
      state: this.stringAt(this.state[r]!) as TraceState,
      errorSpanCount: this.errorSpanCount[r]!,
      assessments: { failing: this.failing[r]!, counts: { scorerErrors: this.scorerErrors[r]! } },
    };
  }

  private turnsOf(rows: ArrayLike<number>): SessionTurn[] {
    return Array.from(rows, (r) => this.turnAt(r));
  }

  private compareTurns(a: number, b: number): number {
    return compareTurnRows(this, a, b);
  }

  /** The trace id of row `r` (a new string). */
  traceIdAt(r: number): string {
    return this.ids.at(this.traceId[r]!);
  }

  private numberOf(text: string | null): number {
    return text === null ? -1 : this.strings.numberOf(text);
  }

  private stringAt(n: number): string | null {
    return n < 0 ? null : this.strings.at(n);
  }

  private grow(rows: number): void {
    this.traceId = withRows(this.traceId, rows);
    this.session = withRows(this.session, rows);
    this.user = withRows(this.user, rows);
    this.experiment = withRows(this.experiment, rows);
    this.state = withRows(this.state, rows);
    this.requestTimeMs = withRows(this.requestTimeMs, rows);
    this.rootStartNs = withRows(this.rootStartNs, rows);
    this.durationMs = withRows(this.durationMs, rows);
    this.errorSpanCount = withRows(this.errorSpanCount, rows);
    this.failing = withRows(this.failing, rows);
    this.scorerErrors = withRows(this.scorerErrors, rows);
  }
}

/** `items` made into `T`s as each pass reaches them. */
function rowList<S, T>(items: ArrayLike<S> & Iterable<S>, make: (item: S) => T): RowList<T> {
  return {
    length: items.length,
    *[Symbol.iterator]() {
      for (const item of items) yield make(item);
    },
  };
}
