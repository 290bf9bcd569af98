import type { TraceLocation } from './findings.js';
import { StringTable } from '../../shared/string-table.js';

/** Turns below this are packed into one number with their session; a later turn (a session of millions) is kept as an object. */
const PACKED_TURNS = 2 ** 21;

/**
 * Where each trace of an analysis sits (session and turn), by trace id: what locates the trace
 * visitors' findings. One number per trace (the session's slot and the turn), not an object: it
 * is held for every trace of a dump until the findings are finished.
 */
export class TraceLocations {
  private readonly packed = new Map<string, number>();
  private readonly sessions = new StringTable();
  /** Turns past {@link PACKED_TURNS}. */
  private readonly far = new Map<string, TraceLocation>();

  /** Sets where a trace is (null, null: a trace without a session). */
  set(traceId: string, sessionId: string | null, turn: number | null): void {
    if (sessionId === null || turn === null) {
      this.far.delete(traceId);
      this.packed.set(traceId, sessionId === null && turn === null ? 0 : -1);
      if (sessionId !== null || turn !== null) this.far.set(traceId, { sessionId, turn });
      return;
    }
    if (!Number.isInteger(turn) || turn < 0 || turn >= PACKED_TURNS) {
      this.packed.set(traceId, -1);
      this.far.set(traceId, { sessionId, turn });
      return;
    }
    this.far.delete(traceId);
    this.packed.set(traceId, (this.sessions.numberOf(sessionId) + 1) * PACKED_TURNS + turn);
  }

  /** Where a trace is, or undefined for a trace not located. */
  get(traceId: string): TraceLocation | undefined {
    const n = this.packed.get(traceId);
    if (n === undefined) return undefined;
    if (n === 0) return { sessionId: null, turn: null };
    if (n < 0) return this.far.get(traceId);
    const slot = Math.floor(n / PACKED_TURNS) - 1;
    return { sessionId: this.sessions.at(slot), turn: n % PACKED_TURNS };
  }
}
