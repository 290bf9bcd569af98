import { withRows, type RowList } from '../../shared/columns.js';
import { IdIndex } from '../../shared/id-index.js';
import { StringTable } from '../../shared/string-table.js';
import { nullIfNaN } from '../../model/sessions.js';
import type { Severity } from '../../rules/api.js';
import type { SessionLine } from './data.js';

/** Rows the columns start with; they double when too short. */
const FIRST_ROWS = 1024;
/** A session's worst severity as a number (0: no finding). */
const WORST: ReadonlyArray<Severity | null> = [null, 'info', 'warn', 'error'];

/**
 * The sessions the report does not show turn by turn, one line each, as columns: kept for every
 * session of a dump until the report is drawn, so the id is held once in an {@link IdIndex}, the
 * user and the set of experiments as numbers of tables, the counts in typed arrays and the
 * root-cause turns (few) in one column with a start per line; about 70 bytes a session off the
 * heap, where a {@link SessionLine} object took about 300 on it. Each pass makes the lines anew.
 */
export class SessionLineColumns implements RowList<SessionLine> {
  private readonly ids = new IdIndex();
  private readonly users = new StringTable();
  private readonly experimentNumbers = new StringTable();
  private readonly experimentSets: string[][] = [];
  private id = new Int32Array(FIRST_ROWS);
  private user = new Int32Array(FIRST_ROWS);
  private experiments = new Int32Array(FIRST_ROWS);
  private turns = new Int32Array(FIRST_ROWS);
  private findings = new Int32Array(FIRST_ROWS);
  private worst = new Uint8Array(FIRST_ROWS);
  private failedTurns = new Int32Array(FIRST_ROWS);
  private firstTimeMs = new Float64Array(FIRST_ROWS);
  private durationMs = new Float64Array(FIRST_ROWS);
  /** By row: where its root-cause turns start in {@link rootTurns} (they end where the next row's start). */
  private rootStart = new Int32Array(FIRST_ROWS);
  private rootTurns = new Int32Array(FIRST_ROWS);
  private rows = 0;

  get length(): number {
    return this.rows;
  }

  push(line: SessionLine): void {
    const r = this.rows++;
    if (r >= this.id.length) this.grow(r + 1);
    this.id[r] = this.ids.numberOf(line.id);
    this.user[r] = line.user === null ? -1 : this.users.numberOf(line.user);
    const set = this.experimentNumbers.numberOf(JSON.stringify(line.experiments));
    if (set === this.experimentSets.length) this.experimentSets.push(line.experiments);
    this.experiments[r] = set;
    this.turns[r] = line.turns;
    this.findings[r] = line.findings;
    this.worst[r] = WORST.indexOf(line.worst);
    this.failedTurns[r] = line.failedTurns;
    this.firstTimeMs[r] = line.firstTimeMs ?? Number.NaN;
    this.durationMs[r] = line.durationMs ?? Number.NaN;
    this.rootStart = withRows(this.rootStart, r + 2);
    const start = this.rootStart[r]!;
    this.rootTurns = withRows(this.rootTurns, start + line.rootCauseTurns.length);
    this.rootTurns.set(line.rootCauseTurns, start);
    this.rootStart[r + 1] = start + line.rootCauseTurns.length;
  }

  at(r: number): SessionLine {
    const user = this.user[r]!;
    return {
      id: this.ids.at(this.id[r]!),
      user: user < 0 ? null : this.users.at(user),
      experiments: this.experimentSets[this.experiments[r]!]!,
      turns: this.turns[r]!,
      findings: this.findings[r]!,
      worst: WORST[this.worst[r]!]!,
      rootCauseTurns: Array.from(this.rootTurns.subarray(this.rootStart[r]!, this.rootStart[r + 1]!)),
      failedTurns: this.failedTurns[r]!,
      firstTimeMs: nullIfNaN(this.firstTimeMs[r]!),
      durationMs: nullIfNaN(this.durationMs[r]!),
    };
  }

  *[Symbol.iterator](): Iterator<SessionLine> {
    for (let r = 0; r < this.rows; r++) yield this.at(r);
  }

  private grow(rows: number): void {
    this.id = withRows(this.id, rows);
    this.user = withRows(this.user, rows);
    this.experiments = withRows(this.experiments, rows);
    this.turns = withRows(this.turns, rows);
    this.findings = withRows(this.findings, rows);
    this.worst = withRows(this.worst, rows);
    this.failedTurns = withRows(this.failedTurns, rows);
    this.firstTimeMs = withRows(this.firstTimeMs, rows);
    this.durationMs = withRows(this.durationMs, rows);
  }
}
