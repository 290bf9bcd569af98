import type { Provenance, RawRecord } from './record.js';

/** What the scanner could not make sense of, attached to the record it concerns. */
export interface ScanProblem {
  code: 'truncated' | 'too-deep' | 'cut-short-line' | 'invalid-json' | 'not-json' | 'not-a-trace';
  message: string;
  /** Absolute byte offset where the problem was seen. */
  offset: number;
  line: number;
}

/** A record cut by the scanner, possibly with a problem that makes it unusable. */
export interface ScannedRecord extends RawRecord {
  problem?: ScanProblem;
  /** A fast-path JSON line that the input ended in, with no line feed after it. */
  endOfInput?: boolean;
  /** A run that can never be a trace, refused without holding its bytes (`bytes` is empty). */
  refused?: boolean;
}

/**
 * A fact about a source that is not a record: a BOM, an unclosed envelope, a search envelope
 * whose `next_page_token` says the file is one page of a longer search.
 */
export interface ScanNote {
  code: 'bom' | 'unclosed-envelope' | 'utf16' | 'next-page-token';
  message: string;
  /** `next-page-token`: the token (at most its first 256 characters). */
  token?: string;
  offset: number;
  line: number;
}

/** Receives what the scanner finds, in input order. */
export interface ScanSink {
  record(record: ScannedRecord): void;
  note(note: ScanNote): void;
  /**
   * Called when a record grows past `maxRecordBytes`: from then on its bytes go to `oversizedChunk`
   * instead of being held, and the record is emitted with empty `bytes` and `oversized` set.
   * Without these two methods the scanner holds records of any size.
   */
  oversizedStart?(provenance: Provenance, head: readonly Buffer[]): void;
  oversizedChunk?(chunk: Buffer): void;
}

/** Tunables; the defaults suit real exports. */
export interface ScannerOptions {
  /** Records bigger than this go to the oversized path (V8 strings stop near 512 MB). */
  maxRecordBytes: number;
  /** Records nested deeper than this are rejected without parsing (a stack-safety bound). */
  maxDepth: number;
  /**
   * Not the scanner's own: whether the long attribute strings of a record read span by span go to
   * a temporary file (`SpanTextSpill`), for readers that never show the record itself.
   */
  spillSpanText: boolean;
}

export const DEFAULT_SCANNER_OPTIONS: ScannerOptions = {
  maxRecordBytes: 256 * 1024 * 1024,
  maxDepth: 512,
  spillSpanText: false,
};
