import type { Provenance } from '../../ingest/record.js';
import type { SourceNoteKind } from '../../ingest/sources.js';
import type { Trace } from '../../model/types.js';
import type { TraceSummary } from './summarize.js';

/** Why a record was not read as a trace. */
export type RejectionCode =
  | 'invalid-utf8'
  | 'invalid-json'
  | 'not-json'
  | 'truncated'
  | 'cut-short-line'
  | 'too-deep'
  | 'not-a-trace'
  | 'schema'
  /** An unexpected exception while handling this trace (a bug): the run went on without it. */
  | 'internal'
  /** A trace of an MLflow store that could not be assembled (its trace_info unreadable). */
  | 'store';

/** A record that is not a trace, with everything a person needs to find and fix it. */
export interface Rejection {
  provenance: Provenance;
  code: RejectionCode;
  /** One sentence: what is wrong. */
  message: string;
  /** Where the fault is: absolute byte offset, line and column in the source. */
  at: { offset: number; line: number; column?: number };
  jsonPath?: string;
  expected?: string;
  found?: string;
  /** `internal` only: the exception's stack, printed with `--debug`, never in JSON outputs. */
  stack?: string;
}

/** A fact about a source (not a record): skipped, unreadable, a BOM, an unclosed envelope. */
export interface SourceNote {
  source: string;
  kind: 'skipped' | 'read-error' | 'bom' | 'unclosed-envelope' | 'utf16' | 'next-page-token' | 'empty' | 'no-traces' | 'store' | 'partly-read' | 'not-traces' | 'truncated-strings' | SourceNoteKind;
  message: string;
  offset?: number;
  line?: number;
  /** `next-page-token`: the token (kept for `analyze`, not printed in JSON notes). */
  token?: string;
  /** `not-traces`: how many records the note stands for (each counted as not read). */
  records?: number;
}

/** A note as JSON outputs print it (absent fields left out, not null). */
export interface NoteJson {
  source: string;
  kind: SourceNote['kind'];
  message: string;
  offset?: number;
  line?: number;
}

export function noteJson({ source, kind, message, offset, line }: SourceNote): NoteJson {
  return { source, kind, message, ...(offset !== undefined ? { offset } : {}), ...(line !== undefined ? { line } : {}) };
}

/** Events shared by every way of reading, in input order. */
export type FrameEvent =
  | { type: 'rejected'; rejection: Rejection }
  | { type: 'note'; note: SourceNote }
  | { type: 'source-start'; source: string }
  | { type: 'source-end'; source: string; bytes: number; unpacked: 'gzip' | null };

/** A trace read whole: the model, the record's original bytes and its parsed JSON (what queries run on). */
export interface TraceEvent {
  type: 'trace';
  trace: Trace;
  provenance: Provenance;
  bytes: Buffer;
  /** The record as `JSON.parse` (or the oversized path) made it: the export's own shape. */
  value: unknown;
}

/** What `readTraces` yields: whole traces, with their original bytes. */
export type ReadEvent = FrameEvent | TraceEvent;

/**
 * What `readSummaries` yields: what its task made of each trace (small, cloneable across threads;
 * a `TraceSummary` for `stats` and `validate`).
 */
export type SummaryEvent<S = TraceSummary> = FrameEvent | { type: 'summary'; summary: S; provenance: Provenance };
