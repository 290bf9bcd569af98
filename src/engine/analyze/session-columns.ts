import { withRows, type RowList } from '../../shared/columns.js';
import { IdIndex } from '../../shared/id-index.js';
import { StringTable } from '../../shared/string-table.js';
import { nullIfNaN, type SessionSummary } from '../../model/sessions.js';
import type { AnalyzedSession, SessionPartial } from './analyze.js';
import type { TurnColumns } from './turn-columns.js';

/** Rows the columns start with; they double when too short. */
const FIRST_ROWS = 1024;

/**
 * The sessions the session stage visited, in the order visited (report order, in `analyze`), as
 * columns: the id once in an {@link IdIndex}, the user and the set of experiments as numbers of
 * tables (nearly every session of a dump shares them), the numbers in typed arrays and the turns as
 * a range of the stage's {@link TurnColumns}; about 60 bytes a session outside the heap, where an
 * {@link AnalyzedSession} object with its strings, heap numbers and views took about 550 on it.
 * Kept for every session of a dump until the formats are done. Each pass makes the sessions anew
 * (`AnalyzedSession` objects, which the caller may drop), as a {@link RowList}.
 */
export class SessionColumns implements RowList<AnalyzedSession> {
  private readonly ids = new IdIndex();
  private readonly users = new StringTable();
  /** Each set of experiments once, by its JSON; `experimentSets[n]` is set `n`. */
  private readonly experimentNumbers = new StringTable();
  private readonly experimentSets: string[][] = [];
  /** The few sessions that start before the dump, by row. */
  private readonly partials = new Map<number, SessionPartial>();
  /** By row: the id's number in {@link ids}. */
  private id = new Int32Array(FIRST_ROWS);
  /** By id number: the first row of that id (what {@link rank} answers). */
  private firstRow = new Int32Array(FIRST_ROWS);
  /** By row: the user's number, -1 for none. */
  private user = new Int32Array(FIRST_ROWS);
  private experiments = new Int32Array(FIRST_ROWS);
  private turns = new Int32Array(FIRST_ROWS);
  private turnsWithErrors = new Int32Array(FIRST_ROWS);
  private failingAssessments = new Int32Array(FIRST_ROWS);
  private scorerErrors = new Int32Array(FIRST_ROWS);
  /** By row: the first of its rows in the turn columns. */
  private turnStart = new Int32Array(FIRST_ROWS);
  /** By row, NaN for null. */
  private firstTimeMs = new Float64Array(FIRST_ROWS);
  private lastTimeMs = new Float64Array(FIRST_ROWS);
  private durationMs = new Float64Array(FIRST_ROWS);
  private rows = 0;

  constructor(private readonly turnColumns: TurnColumns) {}

  get length(): number {
    return this.rows;
  }

  /** Keeps a session: its numbers, its turns (`turns` rows of the turn columns from `turnStart`) and whether it starts before the dump. */
  push(summary: SessionSummary, turnStart: number, partial: SessionPartial | null): void {
    const r = this.rows++;
    if (r >= this.id.length) this.grow(r + 1);
    let n = this.ids.find(summary.sessionId);
    if (n < 0) {
      n = this.ids.numberOf(summary.sessionId);
      this.firstRow = withRows(this.firstRow, n + 1);
      this.firstRow[n] = r;
    }
    this.id[r] = n;
    this.user[r] = summary.user === null ? -1 : this.users.numberOf(summary.user);
    this.experiments[r] = this.experimentSet(summary.experiments);
    this.turns[r] = summary.turns;
    this.turnsWithErrors[r] = summary.turnsWithErrors;
    this.failingAssessments[r] = summary.failingAssessments;
    this.scorerErrors[r] = summary.scorerErrors;
    this.turnStart[r] = turnStart;
    this.firstTimeMs[r] = summary.firstTimeMs ?? Number.NaN;
    this.lastTimeMs[r] = summary.lastTimeMs ?? Number.NaN;
    this.durationMs[r] = summary.durationMs ?? Number.NaN;
    if (partial !== null) this.partials.set(r, partial);
  }

  /** The row of the first session with this id, or -1 when there is none. */
  rank(sessionId: string): number {
    const n = this.ids.find(sessionId);
    return n < 0 ? -1 : this.firstRow[n]!;
  }

  /** The session at row `r`, made anew. */
  at(r: number): AnalyzedSession {
    const turns = this.turns[r]!;
    const user = this.user[r]!;
    const { traceIds, ordinals } = this.turnColumns.rows(this.turnStart[r]!, turns);
    return {
      sessionId: this.ids.at(this.id[r]!),
      user: user < 0 ? null : this.users.at(user),
      experiments: this.experimentSets[this.experiments[r]!]!,
      turns,
      firstTimeMs: nullIfNaN(this.firstTimeMs[r]!),
      lastTimeMs: nullIfNaN(this.lastTimeMs[r]!),
      durationMs: nullIfNaN(this.durationMs[r]!),
      turnsWithErrors: this.turnsWithErrors[r]!,
      failingAssessments: this.failingAssessments[r]!,
      scorerErrors: this.scorerErrors[r]!,
      turnTraceIds: traceIds,
      turnOrdinals: ordinals,
      partial: this.partials.get(r) ?? null,
    };
  }

  *[Symbol.iterator](): Iterator<AnalyzedSession> {
    for (let r = 0; r < this.rows; r++) yield this.at(r);
  }

  /** The number of this set of experiments (held once, never changed: every session with it shares the array). */
  private experimentSet(experiments: string[]): number {
    const n = this.experimentNumbers.numberOf(JSON.stringify(experiments));
    if (n === this.experimentSets.length) this.experimentSets.push(experiments);
    return n;
  }

  private grow(rows: number): void {
    this.id = withRows(this.id, rows);
    this.user = withRows(this.user, rows);
    this.experiments = withRows(this.experiments, rows);
    this.turns = withRows(this.turns, rows);
    this.turnsWithErrors = withRows(this.turnsWithErrors, rows);
    this.failingAssessments = withRows(this.failingAssessments, rows);
    this.scorerErrors = withRows(this.scorerErrors, rows);
    this.turnStart = withRows(this.turnStart, rows);
    this.firstTimeMs = withRows(this.firstTimeMs, rows);
    this.lastTimeMs = withRows(this.lastTimeMs, rows);
    this.durationMs = withRows(this.durationMs, rows);
  }
}
