import { StringTable } from '../../shared/string-table.js';
import { turnTimeMs } from '../../model/sessions.js';
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
 * each session id once), not as an object per trace: about 45 bytes a trace plus its trace id,
 * where an object with its spill reference took about 150.
 */
export class KeptTraces {
  /** Trace ids by ordinal. */
  private readonly traceIds: string[] = [];
  /** Session ids, each once; `session` holds a number of it, or -1. */
  private readonly sessionIds = new StringTable();
  private session = new Int32Array(FIRST_ROWS);
  /** Times as numbers, NaN for none. */
  private requestTimeMs = new Float64Array(FIRST_ROWS);
  private rootStartNs = new Float64Array(FIRST_ROWS);
  private offset = new Float64Array(FIRST_ROWS);
  private length = new Float64Array(FIRST_ROWS);

  /** Traces kept. */
  get size(): number {
    return this.traceIds.length;
  }

  /** Keeps a trace; returns its ordinal. */
  push(trace: Omit<KeptTrace, 'ordinal'>): number {
    const ordinal = this.traceIds.length;
    if (ordinal === this.session.length) this.grow();
    this.traceIds.push(trace.traceId);
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
      traceId: this.traceIds[ordinal]!,
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
    for (let i = 0; i < this.traceIds.length; i++) {
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

  private grow(): void {
    const rows = this.session.length * 2;
    this.session = grown(this.session, new Int32Array(rows));
    this.requestTimeMs = grown(this.requestTimeMs, new Float64Array(rows));
    this.rootStartNs = grown(this.rootStartNs, new Float64Array(rows));
    this.offset = grown(this.offset, new Float64Array(rows));
    this.length = grown(this.length, new Float64Array(rows));
  }
}

function grown<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function orNull(n: number): number | null {
  return Number.isNaN(n) ? null : n;
}
