import { growColumns, withRows, type RowList } from '../../shared/columns.js';
import { IdIndex } from '../../shared/id-index.js';
import { ListTable, StringTable } from '../../shared/string-table.js';
import { nullIfNaN, type SessionSummary } from '../../model/sessions.js';
import type { AnalyzedSession, SessionPartial } from './analyze.js';
import type { TurnColumns } from './turn-columns.js';

/** Rows the columns start with; they double when too short. */
const FIRST_ROWS = 1024;

/**
 * The sessions `reduce`'s session stage visited, in the order visited, as
 * columns: the id once in an {@link IdIndex}, the user and the set of experiments as numbers of
 * tables (nearly every session of a dump shares them), the numbers in typed arrays and the turns as
 * a range of the stage's {@link TurnColumns}; about 60 bytes a session outside the heap, where an
 * {@link AnalyzedSession} object with its strings, heap numbers and views took about 550 on it.
 * Kept for every session of the part until its lines are written. Each pass makes the sessions anew
 * (`AnalyzedSession` objects, which the caller may drop), as a {@link RowList}.
 */
export class SessionColumns implements RowList<AnalyzedSession> {
  private readonly ids = new IdIndex();
  private readonly users = new StringTable();
  private readonly experimentSets = new ListTable();
  /** The few sessions that start before the dump, by row. */
  private readonly partials = new Map<number, SessionPartial>();
  /** By id number: the first row of that id (what {@link rank} answers). */
  private firstRow = new Int32Array(FIRST_ROWS);
  /**
   * By row: the id's number in {@link ids}; the user's number (-1 for none); the set of
   * experiments'; the counts; the first of its rows in the turn columns; the times (NaN for null).
   */
  private readonly c = {
    id: new Int32Array(FIRST_ROWS),
    user: new Int32Array(FIRST_ROWS),
    experiments: new Int32Array(FIRST_ROWS),
    turns: new Int32Array(FIRST_ROWS),
    turnsWithErrors: new Int32Array(FIRST_ROWS),
    failingAssessments: new Int32Array(FIRST_ROWS),
    scorerErrors: new Int32Array(FIRST_ROWS),
    turnStart: new Int32Array(FIRST_ROWS),
    firstTimeMs: new Float64Array(FIRST_ROWS),
    lastTimeMs: new Float64Array(FIRST_ROWS),
    durationMs: new Float64Array(FIRST_ROWS),
  };
  private rows = 0;

  constructor(private readonly turnColumns: TurnColumns) {}

  get length(): number {
    return this.rows;
  }

  /** Keeps a session: its numbers, its turns (`turns` rows of the turn columns from `turnStart`) and whether it starts before the dump. */
  push(summary: SessionSummary, turnStart: number, partial: SessionPartial | null): void {
    const r = this.rows++;
    const { c } = this;
    if (r >= c.id.length) growColumns(c, r + 1);
    let n = this.ids.find(summary.sessionId);
    if (n < 0) {
      n = this.ids.numberOf(summary.sessionId);
      this.firstRow = withRows(this.firstRow, n + 1);
      this.firstRow[n] = r;
    }
    c.id[r] = n;
    c.user[r] = summary.user === null ? -1 : this.users.numberOf(summary.user);
    c.experiments[r] = this.experimentSets.numberOf(summary.experiments);
    c.turns[r] = summary.turns;
    c.turnsWithErrors[r] = summary.turnsWithErrors;
    c.failingAssessments[r] = summary.failingAssessments;
    c.scorerErrors[r] = summary.scorerErrors;
    c.turnStart[r] = turnStart;
    c.firstTimeMs[r] = summary.firstTimeMs ?? Number.NaN;
    c.lastTimeMs[r] = summary.lastTimeMs ?? Number.NaN;
    c.durationMs[r] = summary.durationMs ?? Number.NaN;
    if (partial !== null) this.partials.set(r, partial);
  }

  /** The row of the first session with this id, or -1 when there is none. */
  rank(sessionId: string): number {
    const n = this.ids.find(sessionId);
    return n < 0 ? -1 : this.firstRow[n]!;
  }

  /** The session at row `r`, made anew. */
  at(r: number): AnalyzedSession {
    const { c } = this;
    const turns = c.turns[r]!;
    const user = c.user[r]!;
    const { traceIds, ordinals } = this.turnColumns.rows(c.turnStart[r]!, turns);
    return {
      sessionId: this.ids.at(c.id[r]!),
      user: user < 0 ? null : this.users.at(user),
      experiments: this.experimentSets.at(c.experiments[r]!),
      turns,
      firstTimeMs: nullIfNaN(c.firstTimeMs[r]!),
      lastTimeMs: nullIfNaN(c.lastTimeMs[r]!),
      durationMs: nullIfNaN(c.durationMs[r]!),
      turnsWithErrors: c.turnsWithErrors[r]!,
      failingAssessments: c.failingAssessments[r]!,
      scorerErrors: c.scorerErrors[r]!,
      turnTraceIds: traceIds,
      turnOrdinals: ordinals,
      partial: this.partials.get(r) ?? null,
    };
  }

  *[Symbol.iterator](): Iterator<AnalyzedSession> {
    for (let r = 0; r < this.rows; r++) yield this.at(r);
  }
}
