import { OversizedParseError, OversizedRecordParser } from '../ingest/oversized.js';
import type { Provenance } from '../ingest/record.js';
import { RecordScanner, type ScanNote, type ScannedRecord, type ScannerOptions } from '../ingest/scanner.js';
import { openInputs, type ByteSource, type OpenOptions, type SourceEvent } from '../ingest/sources.js';
import type { FrameEvent, ReadEvent } from './read-events.js';
import { guardRecord, readRecord } from './guard.js';
import { reject, toTraceEvent } from './records.js';
import { scanStore } from './store-scan.js';
import type { StoreReadOptions } from '../store/types.js';

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
  for await (const event of openInputs(inputs, options)) {
    if (event.type === 'source') yield* scanSource(event.source, options);
    else if (event.type === 'store') yield* scanStore(event.store, options);
    else yield frame(openNote(event));
  }
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

/** Scans one opened source into units (see `ScanUnit`). */
export async function* scanSource(source: ByteSource, options: ReadOptions): AsyncGenerator<ScanUnit> {
  // A discovered file is only a source once its first record shows it is an export; until then
  // nothing is yielded, so a skipped file leaves just its note.
  let decided = !source.discovered;
  if (decided) yield frame({ type: 'source-start', source: source.name });
  const pending: ScanUnit[] = [];
  let bytes = 0;
  let records = 0;
  let skipRest: string | null = null;
  const oversized = new OversizedSink();

  const sink = {
    record: (record: ScannedRecord): void => {
      records++;
      if (skipRest !== null) return;
      if (record.oversized) {
        for (const event of guardRecord(record.provenance, () => [oversized.finish(record)])) pending.push({ kind: 'event', event });
        return;
      }
      if (!decided) {
        decided = true;
        pending.unshift(frame({ type: 'source-start', source: source.name }));
      }
      if (!source.discovered || records > 1 || record.container !== 'document') {
        pending.push({ kind: 'record', record });
        return;
      }
      // A file found in a directory or an archive whose first value is JSON but not a trace is
      // not an export (a package.json, a config): skip it with a note instead of rejecting it.
      const events = readRecord(record);
      const first = events[0];
      if (events.length === 1 && first?.type === 'rejected' && first.rejection.code === 'not-a-trace') {
        skipRest = `not a trace export (found ${first.rejection.found ?? 'something else'})`;
        pending.shift(); // the source-start put in front above
        return;
      }
      for (const event of events) pending.push({ kind: 'event', event });
    },
    note: (note: ScanNote): void => {
      const { code, message, offset, line, token } = note;
      pending.push(frame({ type: 'note', note: { source: source.name, kind: code, message, offset, line, ...(token !== undefined ? { token } : {}) } }));
    },
    oversizedStart: (provenance: Provenance, head: readonly Buffer[]): void => oversized.start(provenance, head),
    oversizedChunk: (chunk: Buffer): void => oversized.push(chunk),
  };

  const scanner = new RecordScanner(source.name, sink, options.scanner);
  for await (const chunk of source) {
    bytes += chunk.length;
    scanner.push(chunk);
    if (skipRest !== null) break;
    if (decided && pending.length > 0) yield* pending.splice(0);
  }
  if (skipRest !== null) {
    await source.drain();
    yield* pending.splice(0).filter((unit) => unit.kind === 'event' && unit.event.type === 'note');
    yield frame({ type: 'note', note: { source: source.name, kind: 'skipped', message: skipRest } });
    return;
  }
  scanner.finish();
  if (!decided) pending.unshift(frame({ type: 'source-start', source: source.name }));
  yield* pending.splice(0);
  if (source.error) {
    const message = `reading stopped at byte ${bytes}: ${source.error.message}`;
    yield frame({ type: 'note', note: { source: source.name, kind: 'read-error', message, offset: bytes } });
  } else if (records === 0 && scanner.listsOpened > 0) {
    // `{"traces": []}` or `[]`: a valid export of zero traces (a search that matched nothing).
    yield frame({ type: 'note', note: { source: source.name, kind: 'no-traces', message: 'a valid export that holds no trace (an empty list)' } });
  } else if (records === 0) {
    const message = bytes === 0 ? 'empty input: no records' : 'no records (only white space)';
    yield frame({ type: 'note', note: { source: source.name, kind: 'empty', message } });
  }
  yield frame({ type: 'source-end', source: source.name, bytes, unpacked: source.unpacked });
}

/** Feeds a record too big for one string to the span-by-span parser as its bytes arrive. */
export class OversizedSink {
  private parser: OversizedRecordParser | null = null;
  private error: OversizedParseError | null = null;

  start(_provenance: Provenance, head: readonly Buffer[]): void {
    this.parser = new OversizedRecordParser();
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
        const result = parser.finish();
        return toTraceEvent(record, result.value, result.nonFiniteTokens, result.truncatedStrings);
      } catch (caught) {
        if (!(caught instanceof OversizedParseError)) throw caught;
        error = caught;
      }
    }
    const offset = provenance.offset + (error?.offset ?? 0);
    // The parser counts bytes from the record's start; say them from the source's start.
    const detail = (error?.message ?? 'the record could not be parsed').replace(
      /\bbyte (\d+)/g,
      (_m, n: string) => `byte ${provenance.offset + Number(n)}`,
    );
    const message = `not valid JSON (record read span by span): ${detail}`;
    return reject(provenance, 'invalid-json', message, { offset, line: provenance.line });
  }
}
