import type { Provenance } from '../../ingest/record.js';
import { RecordScanner, type ScanNote, type ScannedRecord } from '../../ingest/scanner.js';
import type { ByteSource } from '../../ingest/byte-source.js';
import { firstKey } from '../../ingest/top-level.js';
import { describeUnread, readerFor } from '../../model/foreign/index.js';
import type { DeferredSource, ForeignJoin } from './foreign.js';
import { guardRecord } from './guard.js';
import type { ParsedRecord } from '../../ingest/parse.js';
import type { FrameEvent } from './read-events.js';
import type { ReadOptions, ScanUnit } from './read.js';
import { OversizedSink } from './read.js';
import { restoreSpanText } from './span-text.js';
import { parseScanned, toTraceEvent } from './records.js';

/**
 * What a source turned out to be at its first record: an MLflow export (records parsed downstream,
 * in workers when there are some), another tracer's file (read here, its spans joined across
 * inputs), or JSON that holds no trace (records read here so that one line names the file instead
 * of one rejection per record).
 */
type Mode = 'undecided' | 'mlflow' | 'foreign' | 'not-export';

/**
 * Scans one opened source into units (see `ScanUnit`). The first record decides what the source
 * is; a file found in a directory or an archive that is not an export is skipped with one note.
 */
export async function* scanSource(source: ByteSource, options: ReadOptions, join?: ForeignJoin): AsyncGenerator<ScanUnit> {
  const state = new SourceState(source, join, options.scanner?.spillSpanText === true);
  const scanner = new RecordScanner(source.name, state, options.scanner);
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    scanner.push(chunk);
    if (state.skipped !== null) break;
    yield* state.ready();
  }
  if (state.skipped !== null) {
    await source.drain();
    yield* state.skip();
    return;
  }
  scanner.finish();
  yield* state.end(bytes, scanner.listsOpened > 0);
}

class SourceState {
  mode: Mode = 'undecided';
  /** Why the rest of the source is not read (it is not an export), once known. */
  skipped: { kind: 'skipped' | 'unsupported'; message: string } | null = null;
  private readonly pending: ScanUnit[] = [];
  private deferred: DeferredSource | null = null;
  private records = 0;
  private notTraces = 0;
  private lastNotTrace: Provenance | null = null;
  private readonly oversized: OversizedSink;

  constructor(
    private readonly source: ByteSource,
    private readonly join: ForeignJoin | undefined,
    spill: boolean,
  ) {
    this.oversized = new OversizedSink(spill);
  }

  /** Units that may be handed on now: none until the first record has said what the source is. */
  *ready(): Generator<ScanUnit> {
    if (this.mode !== 'undecided' && this.pending.length > 0) yield* this.pending.splice(0);
  }

  // --- ScanSink -------------------------------------------------------------------------------

  record(record: ScannedRecord): void {
    this.records++;
    if (this.skipped !== null) return;
    if (record.oversized) return this.oversizedRecord(record);
    switch (this.mode) {
      case 'undecided':
        return this.first(record);
      case 'mlflow':
        return this.emit({ kind: 'record', record });
      case 'foreign':
        return this.foreign(record);
      case 'not-export':
        return this.notExport(record);
    }
  }

  note(note: ScanNote): void {
    const { code, message, offset, line, token } = note;
    this.emit(frame({ type: 'note', note: { source: this.source.name, kind: code, message, offset, line, ...(token !== undefined ? { token } : {}) } }));
  }

  oversizedStart(provenance: Provenance, head: readonly Buffer[]): void {
    this.oversized.start(provenance, head);
  }

  oversizedChunk(chunk: Buffer): void {
    this.oversized.push(chunk);
  }

  /**
   * A record too big for one string, parsed span by span: another tracer's when the source is (or,
   * first, when the record is), else read as MLflow's.
   */
  private oversizedRecord(record: ScannedRecord): void {
    const events = guardRecord(record.provenance, () => {
      const result = this.oversized.parsed(record);
      if ('type' in result) return [result];
      const { value, nonFiniteTokens, truncatedStrings } = result;
      const reader = this.join !== undefined && this.mode !== 'mlflow' ? readerFor(value) : null;
      if (reader === null || (this.mode !== 'undecided' && this.mode !== 'foreign')) {
        this.decide('mlflow');
        return [toTraceEvent(record, value, nonFiniteTokens, truncatedStrings)];
      }
      this.decide('foreign');
      // Another tracer's reader walks the raw values itself.
      restoreSpanText(value);
      if (truncatedStrings > 0) {
        const message = `record ${record.provenance.index} of ${record.provenance.length} bytes read in streaming mode: ${truncatedStrings} long string(s) kept as excerpts`;
        this.emit(frame({ type: 'note', note: { source: this.source.name, kind: 'truncated-strings', message, offset: record.provenance.offset, line: record.provenance.line } }));
      }
      this.join!.add(this.deferred!, reader.read(value), record.provenance);
      return [];
    });
    if (events.length > 0 && this.mode === 'undecided') this.decide('mlflow');
    for (const event of events) this.emit({ kind: 'event', event });
  }

  // --- the first record decides ------------------------------------------------------------------

  private first(record: ScannedRecord): void {
    if (!this.source.discovered && looksMlflow(record)) {
      // The usual case, told from the first bytes: parsed downstream like every other record.
      this.decide('mlflow');
      return this.emit({ kind: 'record', record });
    }
    const parsed = this.parse(record);
    if (parsed === null) return this.decide('mlflow');
    const { value, nonFiniteTokens } = parsed;
    if (this.join !== undefined && readerFor(value) !== null) {
      this.decide('foreign');
      return this.foreignValue(record, value);
    }
    const unread = describeUnread(value);
    if (unread !== null) {
      this.skipped = { kind: this.source.discovered ? 'skipped' : 'unsupported', message: unread };
      return;
    }
    const events = guardRecord(record.provenance, () => [toTraceEvent(record, value, nonFiniteTokens, 0)]);
    const rejected = events.length === 1 && events[0]!.type === 'rejected' ? events[0]!.rejection : null;
    if (rejected?.code === 'not-a-trace') {
      // A file found in a directory or an archive whose first value is JSON but not a trace is
      // not an export (a package.json, a config): skipped with a note instead of rejected.
      if (this.source.discovered) {
        this.skipped = { kind: 'skipped', message: `not a trace export (found ${rejected.found ?? 'something else'})` };
        return;
      }
      this.decide('not-export');
    } else this.decide('mlflow');
    for (const event of events) this.emit({ kind: 'event', event });
  }

  /** Parses a record here; a rejection is emitted and null returned. */
  private parse(record: ScannedRecord): ParsedRecord | null {
    const out: { parsed?: ParsedRecord } = {};
    const events = guardRecord(record.provenance, () => {
      const result = parseScanned(record);
      if ('type' in result) return [result];
      out.parsed = result;
      return [];
    });
    for (const event of events) this.emit({ kind: 'event', event });
    return out.parsed ?? null;
  }

  private decide(mode: Exclude<Mode, 'undecided'>): void {
    if (this.mode !== 'undecided') return;
    this.mode = mode;
    const held = this.pending.splice(0);
    if (mode === 'foreign' && this.join !== undefined) {
      this.deferred = this.join.open(this.source.name);
      this.deferred.units.push(...held);
    } else {
      this.pending.push(frame({ type: 'source-start', source: this.source.name }), ...held);
    }
  }

  private emit(unit: ScanUnit): void {
    if (this.deferred !== null) this.deferred.units.push(unit);
    else this.pending.push(unit);
  }

  // --- another tracer's file ---------------------------------------------------------------------

  private foreign(record: ScannedRecord): void {
    const parsed = this.parse(record);
    if (parsed !== null) this.foreignValue(record, parsed.value, parsed.nonFiniteTokens);
  }

  private foreignValue(record: ScannedRecord, value: unknown, nonFiniteTokens = 0): void {
    const reader = readerFor(value);
    const events = guardRecord(record.provenance, () => {
      if (reader === null) return [toTraceEvent(record, value, nonFiniteTokens, 0)];
      this.join!.add(this.deferred!, reader.read(value), record.provenance);
      return [];
    });
    for (const event of events) this.emit({ kind: 'event', event });
  }

  // --- JSON that holds no trace ------------------------------------------------------------------

  private notExport(record: ScannedRecord): void {
    const parsed = this.parse(record);
    if (parsed === null) return;
    const events = guardRecord(record.provenance, () => [toTraceEvent(record, parsed.value, parsed.nonFiniteTokens, 0)]);
    for (const event of events) {
      if (event.type === 'rejected' && event.rejection.code === 'not-a-trace') {
        this.notTraces++;
        this.lastNotTrace = record.provenance;
      } else this.emit({ kind: 'event', event });
    }
  }

  // --- the end -----------------------------------------------------------------------------------

  *skip(): Generator<ScanUnit> {
    const { kind, message } = this.skipped!;
    const notes = this.pending.splice(0).filter((unit) => unit.kind === 'event' && unit.event.type === 'note');
    if (kind === 'skipped') {
      yield* notes;
      yield frame({ type: 'note', note: { source: this.source.name, kind: 'skipped', message } });
      return;
    }
    // A file the user named is a problem, named once, as an input of a known kind is (ingest/open-stream.ts).
    yield* notes;
    yield frame({ type: 'note', note: { source: this.source.name, kind: 'unsupported', message } });
  }

  *end(bytes: number, listsOpened: boolean): Generator<ScanUnit> {
    const name = this.source.name;
    this.decide('mlflow');
    if (this.notTraces > 0 && this.lastNotTrace !== null) {
      const message = `${this.notTraces} more record(s) are not traces either, the last at line ${this.lastNotTrace.line}: not listed one by one`;
      this.emit(frame({ type: 'note', note: { source: name, kind: 'not-traces', message, records: this.notTraces } }));
    }
    if (this.source.error) {
      const message = `reading stopped at byte ${bytes}: ${this.source.error.message}`;
      this.emit(frame({ type: 'note', note: { source: name, kind: 'read-error', message, offset: bytes } }));
    } else if (this.records === 0 && listsOpened) {
      // `{"traces": []}` or `[]`: a valid export of zero traces (a search that matched nothing).
      this.emit(frame({ type: 'note', note: { source: name, kind: 'no-traces', message: 'a valid export that holds no trace (an empty list)' } }));
    } else if (this.records === 0) {
      const message = bytes === 0 ? 'empty input: no records' : 'no records (only white space)';
      this.emit(frame({ type: 'note', note: { source: name, kind: 'empty', message } }));
    }
    const end: FrameEvent = { type: 'source-end', source: name, bytes, unpacked: this.source.unpacked };
    if (this.deferred !== null) this.deferred.end = end;
    else this.emit(frame(end));
    yield* this.ready();
  }
}

/**
 * A record that starts as an MLflow trace does (`{"info": {`, `{"data": {`): no other tracer's
 * format starts so, so it need not be parsed here to know what the source is.
 */
function looksMlflow(record: ScannedRecord): boolean {
  const first = firstKey(record.bytes);
  return first !== null && (first.key === 'info' || first.key === 'data') && first.value === LBRACE;
}

const LBRACE = 0x7b;

function frame(event: FrameEvent): ScanUnit {
  return { kind: 'event', event };
}
