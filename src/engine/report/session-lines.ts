import type { SpillFile } from '../../ingest/spill.js';
import { SpillLog } from '../../ingest/spill-log.js';
import type { RowList } from '../../shared/columns.js';
import type { SessionLine } from './data.js';

/**
 * The sessions' overview lines, one per session of the dump in report order, kept until the
 * report is drawn: in the report's temporary file, one JSON line each ({@link SpillLog}), read back
 * at each pass one line at a time. Nothing per session in memory.
 */
export class SessionLines implements RowList<SessionLine> {
  private readonly log: SpillLog;

  constructor(spill: SpillFile) {
    this.log = new SpillLog(spill);
  }

  get length(): number {
    return this.log.length;
  }

  push(line: SessionLine): void {
    this.log.append(JSON.stringify(line));
  }

  [Symbol.iterator](): Iterator<SessionLine> {
    return this.log.parsed<SessionLine>();
  }
}
