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
  private heldBytes = 0;
  private oversized = false;

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
    this.drop();
  }

  /** Forgets what was held (the search envelope before its traces array is no record). */
  drop(): void {
    this.held = [];
    this.heldBytes = 0;
    this.oversized = false;
  }

  /** Keeps a piece of the record that continues in the next chunk. */
  hold(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.oversized) {
      this.sink.oversizedChunk?.(piece);
      return;
    }
    this.held.push(piece);
    this.heldBytes += piece.length;
    if (this.heldBytes > this.maxRecordBytes && this.sink.oversizedStart && this.sink.oversizedChunk) {
      this.oversized = true;
      this.sink.oversizedStart(this.provenance(this.heldBytes), this.held);
      this.held = [];
      this.heldBytes = 0;
    }
  }

  /** Emits the record, which ends at absolute offset `end` with `tail` as its last piece. */
  emit(tail: Buffer, end: number, problem: ScanProblem | undefined): void {
    let bytes: Buffer;
    if (this.oversized) {
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
