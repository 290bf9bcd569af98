import type { IdIndex } from '../../shared/id-index.js';
import { withRows } from '../../shared/columns.js';
import { StringTable } from '../../shared/string-table.js';
import { compareNullable, turnTimeMs } from '../../model/sessions.js';
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
  /** Times as numbers, NaN for none. */
  private requestTimeMs = new Float64Array(FIRST_ROWS);
  private rootStartNs = new Float64Array(FIRST_ROWS);
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

  /** The trace kept at `ordinal`. */
  at(ordinal: number): KeptTrace {
    const session = this.session[ordinal]!;
    return {
      traceId: this.ids.at(this.traceId[ordinal]!),
      sessionId: session < 0 ? null : this.sessionIds.at(session),
      requestTimeMs: orNull(this.requestTimeMs[ordinal]!),
      rootStartNs: orNull(this.rootStartNs[ordinal]!),
      ref: { offset: this.offset[ordinal]!, length: this.length[ordinal]! },
      ordinal,
    };
  }

  /**
   * The traces grouped: each session's ordinals (in the order they were kept) and first time (its
   * turns' earliest request time, else root start: how `sessions` orders them), sessions in the
   * order first seen, and the ordinals of the traces without a session.
   */
  groups(): { sessions: Array<{ id: string; ordinals: number[]; firstTimeMs: number | null }>; loose: number[] } {
    const sessions = this.sessionIds.all().map((id) => ({ id, ordinals: [] as number[], firstTimeMs: null as number | null }));
    const loose: number[] = [];
    for (let i = 0; i < this.rows; i++) {
      const s = this.session[i]!;
      if (s < 0) {
        loose.push(i);
        continue;
      }
      const session = sessions[s]!;
      session.ordinals.push(i);
      const t = turnTimeMs({ requestTimeMs: orNull(this.requestTimeMs[i]!), rootStartNs: orNull(this.rootStartNs[i]!) });
      if (t !== null) session.firstTimeMs = session.firstTimeMs === null ? t : Math.min(session.firstTimeMs, t);
    }
    return { sessions, loose };
  }

  /**
   * The order of turns (`compareTurns`: request time, then root start, missing ones last, then
   * trace id) of two kept traces, read from the columns: the ids are made only when the times tie.
   */
  compareTurns(a: number, b: number): number {
    return (
      compareNullable(orNull(this.requestTimeMs[a]!), orNull(this.requestTimeMs[b]!)) ||
      compareNullable(orNull(this.rootStartNs[a]!), orNull(this.rootStartNs[b]!)) ||
      compareStrings(this.ids.at(this.traceId[a]!), this.ids.at(this.traceId[b]!))
    );
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

function orNull(n: number): number | null {
  return Number.isNaN(n) ? null : n;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
