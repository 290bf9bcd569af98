import type { StoreWarning } from '../store/types.js';

/**
 * Where a record came from. Every rejection, warning and finding carries one, so a person can go
 * back to the exact bytes: `source` names the file (an archive entry is `archive.tgz!dir/file.json`),
 * `offset` and `length` count bytes of the decoded stream (after gunzip), `line` and `column` are
 * 1-based.
 */
export interface Provenance {
  source: string;
  /** 0-based index of the record within its source. */
  index: number;
  /** Byte offset of the record's first byte within the (decompressed) source stream. */
  offset: number;
  /** Length of the record in bytes. */
  length: number;
  /** 1-based line of the record's first byte. */
  line: number;
  /** 1-based column (in bytes) of the record's first byte. */
  column: number;
  /**
   * A trace read from an MLflow store: where it is in the store (`trace_info tr-…` in an SQLite
   * store, `1/traces/tr-…` in a file store). Offset, length and line are then those of the record
   * assembled from the store (offset 0, line 1), not of bytes on disk.
   */
  within?: string;
}

/** One record cut out of a source: the bytes of one trace (or of what should have been one). */
export interface RawRecord {
  provenance: Provenance;
  /** The record's bytes. For a record too big for one string this is empty and `oversized` is set. */
  bytes: Buffer;
  /** How the record sat in its source: a whole document, an element of an array, a JSON line. */
  container: RecordContainer;
  /** Set when the scanner saw `NaN`, `Infinity` or `-Infinity` outside strings. */
  nonFinite: boolean;
  /** Deepest nesting seen in the record (objects and arrays). */
  maxDepth: number;
  /** Set when the record outgrew the scanner's `maxRecordBytes` and its bytes went to the oversized path. */
  oversized?: boolean;
  /**
   * Set when the JSON Lines fast path cut the record at a line break without scanning it: its
   * `nonFinite` and `maxDepth` are unknown, and a parse failure is diagnosed by rescanning it.
   */
  unscanned?: boolean;
  /**
   * The record as text, when it was made as text (a trace assembled from an MLflow store): parsed
   * as it is, never decoded back from `bytes`, which are its UTF-8 for the commands that re-print.
   */
  text?: string;
  /** Warnings found while assembling the record from an MLflow store (spans missing, re-rooted). */
  storeWarnings?: readonly StoreWarning[];
  /**
   * Another tracer's format the record was read from and rewritten as an MLflow trace (`OTLP/JSON`,
   * `Langfuse export`): the name `stats` shows in place of an MLflow version.
   */
  origin?: string;
  /** Warnings found while joining the record's spans from another tracer's records (a span seen twice). */
  joinWarnings?: readonly JoinWarning[];
}

/** A fact about a trace joined from another tracer's records, kept as one of its warnings. */
export interface JoinWarning {
  code: 'duplicate-span-id';
  message: string;
  jsonPath: string;
}

/**
 * How a record was found: `document` is a whole top-level JSON value (one trace file, one JSON
 * line), `array` an element of a top-level array, `search` an element of `{"traces": [...]}`.
 */
export type RecordContainer = 'document' | 'array' | 'search';
