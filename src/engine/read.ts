import { OversizedParseError, OversizedRecordParser } from '../ingest/oversized.js';
import { parseRecord } from '../ingest/parse.js';
import type { Provenance } from '../ingest/record.js';
import { RecordScanner, rescanLine, type ScanNote, type ScannedRecord, type ScannerOptions } from '../ingest/scanner.js';
import { openInputs, type ByteSource, type OpenOptions } from '../ingest/sources.js';
import { normalizeRecord } from '../model/normalize.js';
import type { Trace } from '../model/types.js';

/** Why a record was not read as a trace. */
export type RejectionCode =
  | 'invalid-utf8'
  | 'invalid-json'
  | 'truncated'
  | 'cut-short-line'
  | 'too-deep'
  | 'not-a-trace'
  | 'schema';

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
}

/** A fact about a source (not a record): skipped, unreadable, a BOM, an unclosed envelope. */
export interface SourceNote {
  source: string;
  kind: 'skipped' | 'read-error' | 'bom' | 'unclosed-envelope' | 'utf16' | 'empty';
  message: string;
  offset?: number;
  line?: number;
}

/** What reading produces, in input order. */
export type ReadEvent =
  | { type: 'trace'; trace: Trace; provenance: Provenance; bytes: Buffer }
  | { type: 'rejected'; rejection: Rejection }
  | { type: 'note'; note: SourceNote }
  | { type: 'source-start'; source: string }
  | { type: 'source-end'; source: string; bytes: number; records: number; unpacked: 'gzip' | null };

export interface ReadOptions extends OpenOptions {
  scanner?: Partial<ScannerOptions>;
}

/**
 * Reads every input and yields each trace, each rejected record and each note, in order. Bad
 * input never stops the run: a record that fails becomes a rejection, a source that cannot be read
 * becomes a note, and the rest is still read. Only one record's bytes are held at a time.
 */
export async function* readTraces(inputs: readonly string[], options: ReadOptions = {}): AsyncGenerator<ReadEvent> {
  for await (const event of openInputs(inputs, options)) {
    if (event.type === 'error') {
      yield { type: 'note', note: { source: event.name, kind: 'read-error', message: event.message } };
    } else if (event.type === 'skipped') {
      yield { type: 'note', note: { source: event.name, kind: 'skipped', message: event.reason } };
    } else {
      yield* readSource(event.source, options);
    }
  }
}

async function* readSource(source: ByteSource, options: ReadOptions): AsyncGenerator<ReadEvent> {
  yield { type: 'source-start', source: source.name };
  const pending: ReadEvent[] = [];
  let bytes = 0;
  let records = 0;
  let oversized: OversizedRecordParser | null = null;
  let oversizedError: OversizedParseError | null = null;
  let skipRest: string | null = null;

  const sink = {
    record: (record: ScannedRecord): void => {
      records++;
      if (skipRest !== null) return;
      let event: ReadEvent | ReadBatch;
      if (record.oversized) {
        event = finishOversized(record, oversized, oversizedError);
        oversized = null;
        oversizedError = null;
      } else event = readRecord(record);
      if (event.type === 'batch') {
        records += event.events.length - 1;
        pending.push(...flatten(event));
        return;
      }
      // A file found in a directory or archive whose first value is JSON but not a trace is not an
      // export (a package.json, a config): skip it with a note instead of rejecting it.
      if (
        source.discovered && records === 1 && event.type === 'rejected' &&
        event.rejection.code === 'not-a-trace' && record.container === 'document'
      ) {
        skipRest = `not a trace export (found ${event.rejection.found ?? 'something else'})`;
        return;
      }
      pending.push(event);
    },
    note: (note: ScanNote): void => {
      pending.push({ type: 'note', note: { source: source.name, kind: note.code, message: note.message, offset: note.offset, line: note.line } });
    },
    oversizedStart: (_provenance: Provenance, head: readonly Buffer[]): void => {
      oversized = new OversizedRecordParser();
      for (const piece of head) feedOversized(piece);
    },
    oversizedChunk: (chunk: Buffer): void => feedOversized(chunk),
  };
  const feedOversized = (chunk: Buffer): void => {
    if (oversized === null || oversizedError !== null) return;
    try {
      oversized.push(chunk);
    } catch (error) {
      if (!(error instanceof OversizedParseError)) throw error;
      oversizedError = error;
    }
  };

  const scanner = new RecordScanner(source.name, sink, options.scanner);
  for await (const chunk of source) {
    bytes += chunk.length;
    scanner.push(chunk);
    if (pending.length > 0) yield* pending.splice(0);
    if (skipRest !== null) break;
  }
  if (skipRest === null) scanner.finish();
  yield* pending.splice(0);
  if (skipRest !== null) {
    await source.drain();
    yield { type: 'note', note: { source: source.name, kind: 'skipped', message: skipRest } };
    records = 0;
  } else if (source.error) {
    yield {
      type: 'note',
      note: { source: source.name, kind: 'read-error', message: `reading stopped at byte ${bytes}: ${source.error.message}`, offset: bytes },
    };
  } else if (bytes === 0 || (records === 0 && skipRest === null)) {
    yield { type: 'note', note: { source: source.name, kind: 'empty', message: bytes === 0 ? 'empty input: no records' : 'no records (only white space)' } };
  }
  yield { type: 'source-end', source: source.name, bytes, records, unpacked: source.unpacked };
}

function flatten(batch: ReadBatch): ReadEvent[] {
  return batch.events.flatMap((e) => (e.type === 'batch' ? flatten(e) : [e]));
}

/** Several events from one line that held more than one value. */
interface ReadBatch {
  type: 'batch';
  events: Array<ReadEvent | ReadBatch>;
}

/** Parses and normalizes one record held in memory. */
function readRecord(record: ScannedRecord): ReadEvent | ReadBatch {
  const { provenance } = record;
  if (record.problem) {
    const { code, message, offset, line } = record.problem;
    return reject(provenance, code, message, { offset, line });
  }
  const parsed = parseRecord(record);
  if ('problem' in parsed && record.unscanned && parsed.problem.code === 'invalid-json') {
    // Say precisely why the line failed (cut short, NaN tokens, two values on one line).
    const parts = rescanLine(record);
    if (parts.length === 1 && !parts[0]!.problem && !parts[0]!.nonFinite) return readParsed(record, parsed);
    return parts.length === 1 ? readRecord(parts[0]!) : { type: 'batch', events: parts.map(readRecord) };
  }
  return readParsed(record, parsed);
}

function readParsed(record: ScannedRecord, parsed: ReturnType<typeof parseRecord>): ReadEvent | ReadBatch {
  const { provenance } = record;
  if ('problem' in parsed) {
    const { code, message, offset, line, column } = parsed.problem;
    return reject(provenance, code, message, { offset, line, column });
  }
  return toTrace(record, parsed.value, parsed.nonFiniteTokens, 0);
}

function finishOversized(record: ScannedRecord, parser: OversizedRecordParser | null, failure: OversizedParseError | null): ReadEvent {
  const { provenance } = record;
  if (record.problem) {
    const { code, message, offset, line } = record.problem;
    return reject(provenance, code, message, { offset, line });
  }
  let error = failure;
  if (parser !== null && error === null) {
    try {
      const result = parser.finish();
      return toTrace(record, result.value, result.nonFiniteTokens, result.truncatedStrings);
    } catch (caught) {
      if (!(caught instanceof OversizedParseError)) throw caught;
      error = caught;
    }
  }
  const offset = provenance.offset + (error?.offset ?? 0);
  return reject(provenance, 'invalid-json', `not valid JSON: ${error?.message ?? 'the record could not be parsed'}`, { offset, line: provenance.line });
}

function toTrace(record: ScannedRecord, value: unknown, nonFinite: number, truncatedStrings: number): ReadEvent {
  const result = normalizeRecord(value);
  if ('problem' in result) {
    const { jsonPath, expected, found } = result.problem;
    const notTrace = jsonPath === '$';
    return reject(
      record.provenance,
      notTrace ? 'not-a-trace' : 'schema',
      notTrace ? `not a trace: expected ${expected}, found ${found}` : `at ${jsonPath}: expected ${expected}, found ${found}`,
      { offset: record.provenance.offset, line: record.provenance.line },
      { jsonPath, expected, found },
    );
  }
  const { trace } = result;
  if (nonFinite > 0) {
    trace.warnings.push({
      code: 'non-finite-number',
      message: `${nonFinite} NaN/Infinity token(s) (written by Python's json): NaN read as null, Infinity as Infinity`,
      jsonPath: '$',
    });
  }
  if (truncatedStrings > 0) {
    trace.warnings.push({
      code: 'truncated-strings',
      message: `record of ${record.provenance.length} bytes read in streaming mode: ${truncatedStrings} long string(s) kept as excerpts`,
      jsonPath: '$',
    });
  }
  return { type: 'trace', trace, provenance: record.provenance, bytes: record.bytes };
}

function reject(
  provenance: Provenance,
  code: RejectionCode,
  message: string,
  at: Rejection['at'],
  detail: Pick<Rejection, 'jsonPath' | 'expected' | 'found'> = {},
): ReadEvent {
  return { type: 'rejected', rejection: { provenance, code, message, at, ...detail } };
}
