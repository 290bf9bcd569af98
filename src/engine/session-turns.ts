import { makeSession, sessionOrder, type Session, type SessionSortKey, type SessionTurn } from '../model/sessions.js';
import type { TraceState } from '../model/types.js';
import { mapRows, type RowList } from '../shared/columns.js';
import type { SortKeys } from '../ingest/external-sort.js';
import { SpillFile } from '../ingest/spill.js';
import { TraceRows, type RowCodec } from './analyze/kept-rows.js';

/** The `sessions` view built from {@link SessionTurnRows}: as `sessionsView` gives it, the turns made as each session is reached. */
export interface SessionRowsView {
  sessions: RowList<Session<SessionTurn>>;
  sort: SessionSortKey;
  withoutSession: RowList<SessionTurn>;
  duplicates: number;
}

/** A `SessionTurn` as a row: its fields beside the ids and times, in the order its objects have always had them. */
const SESSION_TURN: RowCodec<SessionTurn> = {
  rest: (t) => [t.user, t.experimentId, t.durationMs, t.state, t.errorSpanCount, t.assessments.failing, t.assessments.counts.scorerErrors],
  make: (keys, rest) => {
    const [user, experimentId, durationMs, state, errorSpanCount, failing, scorerErrors] = rest as [string | null, string | null, number | null, TraceState, number, number, number];
    return {
      traceId: keys.traceId,
      sessionId: keys.sessionId,
      user,
      experimentId,
      requestTimeMs: keys.requestTimeMs,
      rootStartNs: keys.rootStartNs,
      durationMs,
      state,
      errorSpanCount,
      assessments: { failing, counts: { scorerErrors } },
    };
  },
};

/** What the sessions are sorted by: id, first and last time, turns, turns with errors, failing assessments. */
type SessionKey = [id: string, firstTimeMs: number | null, lastTimeMs: number | null, turns: number, turnsWithErrors: number, failingAssessments: number];

/** `sessionOrder` over {@link SessionKey}s. */
function sessionKeys(sort: SessionSortKey): SortKeys<SessionKey> {
  return {
    text: (k) => JSON.stringify(k),
    parse: (text) => JSON.parse(text) as SessionKey,
    compare: sessionOrder<SessionKey>(sort, {
      id: (k) => k[0],
      time: (k, field) => (field === 'firstTimeMs' ? k[1] : k[2]),
      count: (k, field) => (field === 'turns' ? k[3] : field === 'turnsWithErrors' ? k[4] : k[5]),
    }),
    copy: () => false,
  };
}

/**
 * What the `sessions` command keeps of each trace (a {@link SessionTurn}: ids, times, state and
 * three counts), in a temporary file of its own, not in memory: the rows go to external sorts
 * ({@link TraceRows}) that find the copies of a trace (the first read stands), group the sessions
 * and put them in the order asked for, each with the numbers it is sorted by. Memory keeps one run
 * of a sort and one session's turns at a time, nothing per trace or per session. A session's turns
 * are made again only when a format reaches it. {@link close} deletes the file.
 */
export class SessionTurnRows {
  private readonly spill = new SpillFile('tracetriage-sessions-');
  private readonly rows = new TraceRows(this.spill, SESSION_TURN);

  /** Keeps a trace (copies are dropped when the view is made; traces without an id are never copies). */
  push(t: SessionTurn): void {
    this.rows.push(t);
  }

  /**
   * The `sessions` view: every session in `sort` order with its summary (as `groupSessions` then
   * `sortSessions` give them), and the traces without a session in turn order. Each pass over the
   * sessions reads them back and makes their turns anew, one session at a time.
   */
  view(sort: SessionSortKey): SessionRowsView {
    const grouped = this.rows.group();
    const sessions = this.rows.orderSessions(sessionKeys(sort), ({ id, rows }) => {
      const { summary: s } = makeSession(id, rows);
      return [id, s.firstTimeMs, s.lastTimeMs, s.turns, s.turnsWithErrors, s.failingAssessments];
    });
    return {
      sessions: mapRows(sessions, ({ id, rows }) => makeSession(id, rows)),
      sort,
      withoutSession: grouped.loose,
      duplicates: grouped.duplicates,
    };
  }

  /** Deletes the temporary file; call when done with every view (also after an error). */
  close(): void {
    this.spill.close();
  }
}
