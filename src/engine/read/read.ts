import { OversizedParseError, OversizedRecordParser, type OversizedOptions, type OversizedResult } from '../../ingest/oversized.js';
import { sharedSpanTextSpill } from './span-text.js';
import type { Provenance } from '../../ingest/record.js';
import type { ScannedRecord, ScannerOptions } from '../../ingest/scanner.js';
import { openInputs, type OpenOptions, type SourceEvent } from '../../ingest/sources.js';
import type { FrameEvent, ReadEvent } from './read-events.js';
import { readRecord } from './guard.js';
import { ForeignJoin } from './foreign.js';
import { scanSource } from './scan-source.js';
import { reject, toTraceEvent } from './records.js';
import { scanStore } from './store-scan.js';
import type { StoreReadOptions } from '../../store/types.js';

export { scanSource } from './scan-source.js';
export type { FrameEvent, ReadEvent, Rejection, RejectionCode, SourceNote, SummaryEvent } from './read-events.js';

export interface ReadOptions extends OpenOptions, StoreReadOptions {
  scanner?: Partial<ScannerOptions>;
}

/**
 * What scanning a source produces, in order: events that are already final (notes, source
 * boundaries, records handled on the spot) and records still to be parsed — by the caller, in
 * this thread or in a worker.
 */
export type ScanUnit = { kind: 'event'; event: ReadEvent } | { kind: 'record'; record: ScannedRecord };

/**
 * Reads every input and yields each trace, each rejected record and each note, in order. Bad
 * input never stops the run: a record that fails becomes a rejection, a source that cannot be read
 * becomes a note, and the rest is still read. Only one record's bytes are held at a time.
 */
export async function* readTraces(inputs: readonly string[], options: ReadOptions = {}): AsyncGenerator<ReadEvent> {
  for await (const unit of scanInputs(inputs, options)) {
    if (unit.kind === 'event') yield unit.event;
    else yield* readRecord(unit.record);
  }
}

/** Opens the inputs and scans each source into units. */
export async function* scanInputs(inputs: readonly string[], options: ReadOptions = {}): AsyncGenerator<ScanUnit> {
  // Other tracers' spans are joined into traces across every input, then read at the end.
  const join = new ForeignJoin();
  for await (const event of openInputs(inputs, options)) {
    if (event.type === 'source') yield* scanSource(event.source, options, join);
    else if (event.type === 'store') yield* scanStore(event.store, options);
    else yield frame(openNote(event));
  }
  yield* join.finish();
}

/** The note for an input that could not be opened or was skipped while opening. */
export function openNote(event: Exclude<SourceEvent, { type: 'source' | 'store' }>): FrameEvent {
  if (event.type === 'note') return { type: 'note', note: { source: event.name, kind: event.kind, message: event.message } };
  return event.type === 'error'
    ? { type: 'note', note: { source: event.name, kind: 'read-error', message: event.message } }
    : { type: 'note', note: { source: event.name, kind: 'skipped', message: event.reason } };
}

function frame(event: FrameEvent): ScanUnit {
  return { kind: 'event', event };
}

/**
 * Where readers that keep spans' long strings in a temporary file (`spillSpanText`) hand a record
 * to the span-by-span path: past this size `JSON.parse` of the whole record costs more memory than
 * the path's bound (about 3 bytes per byte of record), and the path costs the same time.
 */
export const SPILLING_MAX_RECORD_BYTES = 32 << 20;

/**
 * The span-by-span path's limits when spans' long strings go to a file: a span up to 32 MiB is
 * read by `JSON.parse` at once and only strings over 16 Mi code units are cut, so a record between
 * {@link SPILLING_MAX_RECORD_BYTES} and the scanner's 256 MiB reads as `JSON.parse` would read it
 * unless it holds such a string.
 */
const SPILLING: Partial<OversizedOptions> = {
  maxStringLength: 16 << 20,
  maxValueBytes: 32 << 20,
  onSpan: (span) => sharedSpanTextSpill().span(span),
};

/** The scanner options of a reader that never shows the record itself (see `spillSpanText`): caller's options first. */
export function spillingScanner(options: Partial<ScannerOptions> | undefined): Partial<ScannerOptions> {
  return { maxRecordBytes: SPILLING_MAX_RECORD_BYTES, spillSpanText: true, ...options };
}

/** Feeds a record too big for one string to the span-by-span parser as its bytes arrive. */
export class OversizedSink {
  private parser: OversizedRecordParser | null = null;
  private error: OversizedParseError | null = null;

  /** @param spill - move spans' long strings to a temporary file as they are read (see `spillSpanText`) */
  constructor(private readonly spill = false) {}

  start(_provenance: Provenance, head: readonly Buffer[]): void {
    this.parser = new OversizedRecordParser(this.spill ? SPILLING : undefined);
    this.error = null;
    for (const piece of head) this.push(piece);
  }

  push(chunk: Buffer): void {
    if (this.parser === null || this.error !== null) return;
    try {
      this.parser.push(chunk);
    } catch (error) {
      if (!(error instanceof OversizedParseError)) throw error;
      this.error = error;
    }
  }

  finish(record: ScannedRecord): ReadEvent {
    const result = this.parsed(record);
    return 'type' in result ? result : toTraceEvent(record, result.value, result.nonFiniteTokens, result.truncatedStrings);
  }

  /** The record's value (what it is, the caller decides), or the rejection saying why there is none. */
  parsed(record: ScannedRecord): OversizedResult | ReadEvent {
    const { provenance } = record;
    const parser = this.parser;
    this.parser = null;
    if (record.problem) {
      const { code, message, offset, line } = record.problem;
      return reject(provenance, code, message, { offset, line });
    }
    let error = this.error;
    if (parser !== null && error === null) {
      try {
        return parser.finish();
      } catch (caught) {
        if (!(caught instanceof OversizedParseError)) throw caught;
        error = caught;
      }
    }
    const offset = provenance.offset + (error?.offset ?? 0);
    // The parser counts bytes from the record's start; say them from the source's start.
    const detail = (error?.message ?? 'the record could not be parsed').replace(/\bbyte (\d+)\b/g, (_m, n: string) => `byte ${provenance.offset + Number(n)}`);
    if (error?.code === 'invalid-utf8') return reject(provenance, 'invalid-utf8', `${detail} (record read span by span)`, { offset, line: provenance.line });
    const message = `not valid JSON (record read span by span): ${detail}`;
    return reject(provenance, 'invalid-json', message, { offset, line: provenance.line });
  }
}
