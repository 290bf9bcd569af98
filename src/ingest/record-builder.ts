import type { Provenance, RecordContainer } from './record.js';
import type { ScanProblem, ScanSink, ScannedRecord } from './scan-types.js';

/**
 * The record the scanner is cutting: where it starts, what the scanner noticed in it, and its
 * bytes so far (pieces of chunks, joined only when a record spans chunks). A record that outgrows
 * `maxRecordBytes` goes to the sink's oversized path instead of being held.
 */
export class RecordBuilder {
  /** Absolute offset, line and column of the record's first byte. */
  start = 0;
  line = 1;
  column = 1;
  container: RecordContainer = 'document';
  /** Facts the scanner records while it crosses the record. */
  maxDepth = 0;
  nonFinite = false;
  problem: ScanProblem | undefined;
  lineBreaks = false;
  unscanned = false;
  endOfInput = false;
  /** Index of the next record in the source. */
  index = 0;
  private held: Buffer[] = [];
  private heldBytes_ = 0;
  private oversized = false;
  /** The record was refused as a run that is no JSON value: its bytes are no longer held. */
  private refused: { first: number; value: boolean } | null = null;

  constructor(
    private readonly source: string,
    private readonly sink: ScanSink,
    private readonly maxRecordBytes: number,
  ) {}

  /** Starts a record at absolute offset `start`. */
  begin(start: number, line: number, column: number, container: RecordContainer): void {
    this.start = start;
    this.line = line;
    this.column = column;
    this.container = container;
    this.maxDepth = 0;
    this.nonFinite = false;
    this.problem = undefined;
    this.lineBreaks = false;
    this.unscanned = false;
    this.endOfInput = false;
    this.refused = null;
    this.drop();
  }

  /** Bytes held so far. */
  get heldBytes(): number {
    return this.heldBytes_;
  }

  /**
   * Refuses the record as a run that can never be a trace (garbage, a bomb of NULs): what was held
   * is dropped, nothing more is held, and the record is emitted with a problem naming where it
   * starts, what it starts with and how long it ran.
   */
  refuseRun(piece: Buffer, startsValue: (c: number) => boolean): void {
    if (this.refused === null) {
      const first = this.held[0]?.[0] ?? piece[0] ?? 0;
      this.refused = { first, value: startsValue(first) };
    }
    this.held = [];
    this.heldBytes_ = 0;
  }

  /** Forgets what was held (the search envelope before its traces array is no record). */
  drop(): void {
    this.held = [];
    this.heldBytes_ = 0;
    this.oversized = false;
  }

  /** Keeps a piece of the record that continues in the next chunk. */
  hold(piece: Buffer): void {
    if (piece.length === 0 || this.refused !== null) return;
    if (this.oversized) {
      this.sink.oversizedChunk?.(piece);
      return;
    }
    this.held.push(piece);
    this.heldBytes_ += piece.length;
    if (this.heldBytes_ > this.maxRecordBytes && this.sink.oversizedStart && this.sink.oversizedChunk) {
      this.oversized = true;
      this.sink.oversizedStart(this.provenance(this.heldBytes_), this.held);
      this.held = [];
      this.heldBytes_ = 0;
    }
  }

  /** Emits the record, which ends at absolute offset `end` with `tail` as its last piece. */
  emit(tail: Buffer, end: number, problem: ScanProblem | undefined): void {
    let bytes: Buffer;
    if (this.refused !== null) {
      bytes = Buffer.alloc(0);
      const length = end - this.start;
      const { first, value } = this.refused;
      const what = value
        ? { code: 'not-a-trace' as const, text: `not a trace: a value of ${length} bytes that starts with ${describeByte(first)} (a trace is an object)` }
        : { code: 'not-json' as const, text: `not JSON: a run of ${length} bytes that starts with ${describeByte(first)}` };
      problem = { code: what.code, message: `${what.text}; skipped unread to the end of its line`, offset: this.start, line: this.line };
    } else if (this.oversized) {
      if (tail.length > 0) this.sink.oversizedChunk?.(tail);
      bytes = Buffer.alloc(0);
    } else if (this.held.length === 0) bytes = tail;
    else {
      this.held.push(tail);
      bytes = Buffer.concat(this.held);
    }
    const record: ScannedRecord = {
      provenance: this.provenance(end - this.start),
      bytes,
      container: this.container,
      nonFinite: this.nonFinite,
      maxDepth: this.maxDepth,
    };
    if (this.refused !== null) record.refused = true;
    if (this.oversized) record.oversized = true;
    if (this.unscanned) record.unscanned = true;
    if (this.endOfInput) record.endOfInput = true;
    if (problem) record.problem = problem;
    this.drop();
    this.index++;
    this.sink.record(record);
  }

  private provenance(length: number): Provenance {
    return { source: this.source, index: this.index, offset: this.start, length, line: this.line, column: this.column };
  }
}

/** A byte for a message: printable ASCII quoted, anything else in hex. */
function describeByte(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}
