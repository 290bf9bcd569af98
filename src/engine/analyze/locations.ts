import type { TraceLocation } from './findings.js';
import { IdIndex } from '../../shared/id-index.js';
import { withRows } from '../../shared/columns.js';
import { StringTable } from '../../shared/string-table.js';

/** Rows the columns start with; they double when too short. */
const FIRST_ROWS = 1024;
/** In the session column: a trace not located. */
const UNSET = -2;
/** In the session column: a trace without a session. */
const NO_SESSION = -1;

/**
 * Where each trace of a part sits (session and turn), by trace id: what locates the trace
 * visitors' findings in `reduce` and `merge` (`analyze` locates them as each session is visited:
 * `session-pass.ts`). Held for every trace of the part until the findings are finished, so as
 * columns by the trace id's number in an {@link IdIndex} (shared with the turn columns): a session
 * number and a turn, 12 bytes a trace.
 */
export class TraceLocations {
  private readonly sessions = new StringTable();
  /** By id number: the session's number in `sessions`, {@link NO_SESSION} or {@link UNSET}. */
  private session = new Int32Array(FIRST_ROWS).fill(UNSET);
  /** By id number: the turn, NaN for none. */
  private turn = new Float64Array(FIRST_ROWS);

  constructor(private readonly ids = new IdIndex()) {}

  /** Sets where a trace is (null, null: a trace without a session). */
  set(traceId: string, sessionId: string | null, turn: number | null): void {
    const n = this.ids.numberOf(traceId);
    if (n >= this.session.length) {
      this.session = withRows(this.session, n + 1, UNSET);
      this.turn = withRows(this.turn, n + 1);
    }
    this.session[n] = sessionId === null ? NO_SESSION : this.sessions.numberOf(sessionId);
    this.turn[n] = turn ?? Number.NaN;
  }

  /** Where a trace is, or undefined for a trace not located. */
  get(traceId: string): TraceLocation | undefined {
    const n = this.ids.find(traceId);
    if (n < 0 || n >= this.session.length) return undefined;
    const s = this.session[n]!;
    if (s === UNSET) return undefined;
    const turn = this.turn[n]!;
    return { sessionId: s === NO_SESSION ? null : this.sessions.at(s), turn: Number.isNaN(turn) ? null : turn };
  }
}
