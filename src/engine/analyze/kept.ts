import type { IdIndex } from '../../shared/id-index.js';
import { groupRows, withRows } from '../../shared/columns.js';
import { StringTable } from '../../shared/string-table.js';
import { compareTurnRows, nullIfNaN, turnTimeMs } from '../../model/sessions.js';
import type { SpillRef } from '../../ingest/spill.js';

/** One trace as {@link KeptTraces} gives it back. */
export interface KeptTrace {
  traceId: string;
  sessionId: string | null;
  requestTimeMs: number | null;
  rootStartNs: number | null;
  ref: SpillRef;
  /** Position among the traces kept: what `AnalysisCollector.add` returned. */
  ordinal: number;
}

/** The kept traces by session (see {@link KeptTraces.groups}). */
export interface KeptGroups {
  sessionIds: readonly string[];
  /** By session number: the first time, NaN for none. */
  firstTimeMs: Float64Array;
  /** By session number: where its ordinals start in `ordinals` (and, at `s + 1`, end). */
  starts: Int32Array;
  ordinals: Int32Array;
  /** The traces without a session, in the order kept. */
  loose: number[];
}

/** Rows a column starts with; it doubles when full. */
const FIRST_ROWS = 1024;

/**
 * What `analyze` keeps in memory of each trace until the session stage: its ids, its two times
 * and where its digest and facts are in the temporary file. Held as columns (typed arrays, and
 * each session id once, each trace id as a number of an {@link IdIndex} shared with the copy
 * check), not as an object per trace: about 40 bytes a trace, and its id once in the index.
 */
export class KeptTraces {
  private rows = 0;
  /** Trace ids, as numbers of `ids`. */
  private traceId = new Int32Array(FIRST_ROWS);
  /** Session ids, each once; `session` holds a number of it, or -1. */
  private readonly sessionIds = new StringTable();
  private session = new Int32Array(FIRST_ROWS);
  /** Times as numbers, NaN for none (read by `compareTurnRows`). */
  requestTimeMs = new Float64Array(FIRST_ROWS);
  rootStartNs = new Float64Array(FIRST_ROWS);
  private offset = new Float64Array(FIRST_ROWS);
  private length = new Float64Array(FIRST_ROWS);

  constructor(private readonly ids: IdIndex) {}

  /** Traces kept. */
  get size(): number {
    return this.rows;
  }

  /** Keeps a trace; returns its ordinal. */
  push(trace: Omit<KeptTrace, 'ordinal'>): number {
    const ordinal = this.rows;
    if (ordinal === this.session.length) this.grow(ordinal + 1);
    this.rows++;
    this.traceId[ordinal] = this.ids.numberOf(trace.traceId);
    this.session[ordinal] = trace.sessionId === null ? -1 : this.sessionIds.numberOf(trace.sessionId);
    this.requestTimeMs[ordinal] = trace.requestTimeMs ?? Number.NaN;
    this.rootStartNs[ordinal] = trace.rootStartNs ?? Number.NaN;
    this.offset[ordinal] = trace.ref.offset;
    this.length[ordinal] = trace.ref.length;
    return ordinal;
  }

  /** Where the digest and facts of the trace kept at `ordinal` are in the temporary file. */
  refAt(ordinal: number): SpillRef {
    return { offset: this.offset[ordinal]!, length: this.length[ordinal]! };
  }

  /** The trace kept at `ordinal`. */
  at(ordinal: number): KeptTrace {
    const session = this.session[ordinal]!;
    return {
      traceId: this.traceIdAt(ordinal),
      sessionId: session < 0 ? null : this.sessionIds.at(session),
      requestTimeMs: nullIfNaN(this.requestTimeMs[ordinal]!),
      rootStartNs: nullIfNaN(this.rootStartNs[ordinal]!),
      ref: this.refAt(ordinal),
      ordinal,
    };
  }

  /**
   * The traces grouped, as columns: `sessionIds` (by session number, in the order first seen),
   * each session's first time (its turns' earliest request time, else root start: how `sessions`
   * orders them; NaN for none), the ordinals of each session's traces (session `s` at
   * `ordinals[starts[s]]` up to `ordinals[starts[s + 1]]`, in the order kept), and the ordinals of
   * the traces without a session. About 12 bytes a trace, and no object per session.
   */
  groups(): KeptGroups {
    const sessionIds = this.sessionIds.all();
    const { starts, rows: ordinals, ungrouped: loose } = groupRows(this.session, this.rows, sessionIds.length);
    const firstTimeMs = new Float64Array(sessionIds.length).fill(Number.NaN);
    for (let i = 0; i < this.rows; i++) {
      const s = this.session[i]!;
      if (s < 0) continue;
      const t = turnTimeMs({ requestTimeMs: nullIfNaN(this.requestTimeMs[i]!), rootStartNs: nullIfNaN(this.rootStartNs[i]!) });
      if (t !== null && !(t >= firstTimeMs[s]!)) firstTimeMs[s] = t;
    }
    return { sessionIds, firstTimeMs, starts, ordinals, loose };
  }

  /** Session `s` of {@link groups}: its ordinals, in the order kept. */
  static ordinalsOf(groups: KeptGroups, s: number): Int32Array {
    return groups.ordinals.subarray(groups.starts[s]!, groups.starts[s + 1]!);
  }

  /**
   * The order of turns (`compareTurns`: request time, then root start, missing ones last, then
   * trace id) of two kept traces, read from the columns: the ids are made only when the times tie.
   */
  compareTurns(a: number, b: number): number {
    return compareTurnRows(this, a, b);
  }

  /** The trace id kept at `ordinal` (a new string). */
  traceIdAt(ordinal: number): string {
    return this.ids.at(this.traceId[ordinal]!);
  }

  private grow(rows: number): void {
    this.traceId = withRows(this.traceId, rows);
    this.session = withRows(this.session, rows);
    this.requestTimeMs = withRows(this.requestTimeMs, rows);
    this.rootStartNs = withRows(this.rootStartNs, rows);
    this.offset = withRows(this.offset, rows);
    this.length = withRows(this.length, rows);
  }
}
