import { growColumns, withRows, type RowList } from '../../shared/columns.js';
import { IdIndex } from '../../shared/id-index.js';
import { ListTable, StringTable } from '../../shared/string-table.js';
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
  private readonly experimentSets = new ListTable();
  /** By row (the user -1 for none, the worst severity as its place in {@link WORST}, times NaN for null). */
  private readonly c = {
    id: new Int32Array(FIRST_ROWS),
    user: new Int32Array(FIRST_ROWS),
    experiments: new Int32Array(FIRST_ROWS),
    turns: new Int32Array(FIRST_ROWS),
    findings: new Int32Array(FIRST_ROWS),
    worst: new Uint8Array(FIRST_ROWS),
    failedTurns: new Int32Array(FIRST_ROWS),
    firstTimeMs: new Float64Array(FIRST_ROWS),
    durationMs: new Float64Array(FIRST_ROWS),
  };
  /** By row: where its root-cause turns start in {@link rootTurns} (they end where the next row's start). */
  private rootStart = new Int32Array(FIRST_ROWS);
  private rootTurns = new Int32Array(FIRST_ROWS);
  private rows = 0;

  get length(): number {
    return this.rows;
  }

  push(line: SessionLine): void {
    const r = this.rows++;
    const { c } = this;
    if (r >= c.id.length) growColumns(c, r + 1);
    c.id[r] = this.ids.numberOf(line.id);
    c.user[r] = line.user === null ? -1 : this.users.numberOf(line.user);
    c.experiments[r] = this.experimentSets.numberOf(line.experiments);
    c.turns[r] = line.turns;
    c.findings[r] = line.findings;
    c.worst[r] = WORST.indexOf(line.worst);
    c.failedTurns[r] = line.failedTurns;
    c.firstTimeMs[r] = line.firstTimeMs ?? Number.NaN;
    c.durationMs[r] = line.durationMs ?? Number.NaN;
    this.rootStart = withRows(this.rootStart, r + 2);
    const start = this.rootStart[r]!;
    this.rootTurns = withRows(this.rootTurns, start + line.rootCauseTurns.length);
    this.rootTurns.set(line.rootCauseTurns, start);
    this.rootStart[r + 1] = start + line.rootCauseTurns.length;
  }

  at(r: number): SessionLine {
    const { c } = this;
    const user = c.user[r]!;
    return {
      id: this.ids.at(c.id[r]!),
      user: user < 0 ? null : this.users.at(user),
      experiments: this.experimentSets.at(c.experiments[r]!),
      turns: c.turns[r]!,
      findings: c.findings[r]!,
      worst: WORST[c.worst[r]!]!,
      rootCauseTurns: Array.from(this.rootTurns.subarray(this.rootStart[r]!, this.rootStart[r + 1]!)),
      failedTurns: c.failedTurns[r]!,
      firstTimeMs: nullIfNaN(c.firstTimeMs[r]!),
      durationMs: nullIfNaN(c.durationMs[r]!),
    };
  }

  *[Symbol.iterator](): Iterator<SessionLine> {
    for (let r = 0; r < this.rows; r++) yield this.at(r);
  }
}
