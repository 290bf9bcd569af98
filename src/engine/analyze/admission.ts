/** What {@link TraceAdmission.admit} needs of a trace: its id, and its session id when sessions are selected (asked lazily). */
export interface TraceIds {
  traceId: string;
  sessionId: () => string | null;
}

/**
 * Which traces an analysis takes, as `analyze` and `digest` both decide it: the sessions asked
 * for, and of the copies of a trace (the same export passed twice, a `get` file beside its search
 * export) the first one read, since a copy's findings would repeat the first's or contradict them.
 * Counts what it reads and what it leaves out.
 */
export class TraceAdmission {
  /** Traces read, copies and traces of other sessions included; less those whose analysis failed. */
  traces = 0;
  duplicates = 0;
  outsideSelection = 0;
  private readonly wanted: ReadonlySet<string> | null;
  private readonly seen = new Set<string>();

  constructor(sessions?: readonly string[]) {
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
    if (ids.traceId !== '') {
      if (this.seen.has(ids.traceId)) {
        this.duplicates++;
        return false;
      }
      this.seen.add(ids.traceId);
    }
    return true;
  }

  /** An admitted trace whose analysis threw: it is not counted, and a later copy may still be read. */
  failed(traceId: string): void {
    this.traces--;
    this.seen.delete(traceId);
  }
}
