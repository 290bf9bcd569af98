import { withRows } from '../../shared/columns.js';
import { IdIndex } from '../../shared/id-index.js';

/** What {@link TraceAdmission.admit} needs of a trace: its id, and its session id when sessions are selected (asked lazily). */
export interface TraceIds {
  traceId: string;
  sessionId: () => string | null;
}

/**
 * Which traces an analysis takes, as `analyze` and `digest` both decide it: the sessions asked
 * for, and of the copies of a trace (the same export passed twice, a `get` file beside its search
 * export) the first one read, since a copy's findings would repeat the first's or contradict them.
 * Counts what it reads and what it leaves out. The trace ids are kept in an {@link IdIndex}; with
 * none (`analyze`, which finds the copies by sorting what it kept: `kept-rows.ts`), copies are not
 * looked for here, and memory keeps nothing per trace.
 */
export class TraceAdmission {
  /** Traces read, copies and traces of other sessions included; less those whose analysis failed. */
  traces = 0;
  duplicates = 0;
  outsideSelection = 0;
  private readonly wanted: ReadonlySet<string> | null;
  /** Per id of {@link ids}: 1 while a copy of it is admitted. */
  private admitted = new Uint8Array(1024);

  constructor(
    sessions?: readonly string[],
    private readonly ids: IdIndex | null = new IdIndex(),
  ) {
    this.wanted = sessions && sessions.length > 0 ? new Set(sessions) : null;
  }

  /** Counts the trace and says whether to analyse it. */
  admit(ids: TraceIds): boolean {
    this.traces++;
    if (this.wanted !== null) {
      const id = ids.sessionId();
      if (id === null || !this.wanted.has(id)) {
        this.outsideSelection++;
        return false;
      }
    }
    if (this.ids !== null && ids.traceId !== '') {
      const n = this.ids.numberOf(ids.traceId);
      if (n < this.admitted.length && this.admitted[n] === 1) {
        this.duplicates++;
        return false;
      }
      this.admitted = withRows(this.admitted, n + 1);
      this.admitted[n] = 1;
    }
    return true;
  }

  /** An admitted trace whose analysis threw: it is not counted, and a later copy may still be read. */
  failed(traceId: string): void {
    this.traces--;
    const n = traceId === '' || this.ids === null ? -1 : this.ids.find(traceId);
    if (n >= 0 && n < this.admitted.length) this.admitted[n] = 0;
  }
}
