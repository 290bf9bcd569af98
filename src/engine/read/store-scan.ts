import type { Provenance } from '../../ingest/record.js';
import type { ScannedRecord } from '../../ingest/scan-types.js';
import type { StoreInput } from '../../ingest/sources.js';
import { readFileStore } from '../../store/file-store.js';
import { storeBytes } from '../../store/common.js';
import { SqliteUnavailableError } from '../../store/sqlite.js';
import { NotAStoreError, readSqliteStore } from '../../store/sqlite-store.js';
import type { StoreEvent, StoreReadOptions, StoreTrace } from '../../store/types.js';
import type { FrameEvent } from './read-events.js';
import type { ScanUnit } from './read.js';
import { reject } from './records.js';

/**
 * Reads an MLflow store into the same units a byte source gives: each trace becomes one record in
 * the shape of `mlflow traces search --output json`, parsed and normalized downstream exactly like
 * an export's record (so a store and its export give the same findings). The store's unit is one
 * trace: a trace that cannot be assembled is one rejection, and the rest is still read. A store
 * that cannot be read at all is one note, as an unreadable file is.
 */
export async function* scanStore(store: StoreInput, options: StoreReadOptions): AsyncGenerator<ScanUnit> {
  const source = store.name;
  const note = (kind: 'store' | 'read-error' | 'unsupported' | 'no-traces', message: string): ScanUnit => frame({ type: 'note', note: { source, kind, message } });
  const events: AsyncGenerator<StoreEvent> = store.kind === 'sqlite' ? readSqliteStore(store.path, options) : readFileStore(store.path, options);
  // The store is a source once it shows it is one: an SQLite file found in a directory that is not
  // MLflow's is skipped with a note, as a JSON file that is not an export is.
  let started = false;
  const start = function* (): Generator<ScanUnit> {
    if (!started) yield frame({ type: 'source-start', source });
    started = true;
  };
  let index = 0;
  let failed = false;
  try {
    for await (const event of events) {
      yield* start();
      if (event.type === 'note') yield note('store', event.message);
      else if (event.type === 'error') yield note('read-error', event.message);
      else if (event.type === 'rejected') {
        const provenance = storeProvenance(source, index++, 0, event.location);
        const detail = { ...(event.jsonPath ? { jsonPath: event.jsonPath } : {}), ...(event.expected ? { expected: event.expected } : {}), ...(event.found ? { found: event.found } : {}) };
        yield frame(reject(provenance, 'store', event.message, { offset: 0, line: 1 }, detail) as FrameEvent);
      } else {
        yield { kind: 'record', record: toRecord(source, index++, event.trace) };
      }
    }
  } catch (error) {
    failed = true;
    if (store.discovered && error instanceof NotAStoreError && !started) {
      yield frame({ type: 'note', note: { source, kind: 'skipped', message: error.message } });
      return;
    }
    yield* start();
    yield storeFailure(store, error, note);
  }
  yield* start();
  if (!failed && index === 0) yield note('no-traces', 'the store holds no trace (in the experiments read)');
  yield frame({ type: 'source-end', source, bytes: await storeBytes(store.path), unpacked: null });
}

function frame(event: FrameEvent): ScanUnit {
  return { kind: 'event', event };
}

/** Why a store could not be read, as the note an unreadable or unsupported input gets. */
function storeFailure(store: StoreInput, error: unknown, note: (kind: 'read-error' | 'unsupported', message: string) => ScanUnit): ScanUnit {
  if (error instanceof NotAStoreError) return note('unsupported', error.message);
  if (error instanceof SqliteUnavailableError) return note('read-error', error.message);
  const message = error instanceof Error ? error.message : String(error);
  if (store.kind === 'sqlite') return note('read-error', `not readable as an SQLite database: ${message}`);
  return note('read-error', `reading the MLflow file store failed: ${message}`);
}

function storeProvenance(source: string, index: number, length: number, within: string): Provenance {
  return { source, index, offset: 0, length, line: 1, column: 1, within };
}

/** A store's trace as a record: its bytes are the export-shaped JSON of the trace. */
function toRecord(source: string, index: number, trace: StoreTrace): ScannedRecord {
  const data = trace.dataJson ?? JSON.stringify(trace.trace.data);
  const text = `{"info":${JSON.stringify(trace.trace.info)},"data":${data}}`;
  const record: Omit<ScannedRecord, 'bytes'> = {
    provenance: storeProvenance(source, index, Buffer.byteLength(text), trace.location),
    text,
    container: 'document',
    nonFinite: false,
    maxDepth: 0,
    // Parsed by JSON.parse directly, with the depth bound checked after, as a fast-path JSON line.
    unscanned: true,
    ...(trace.warnings.length > 0 ? { storeWarnings: trace.warnings } : {}),
  };
  // The UTF-8 bytes only for the commands that re-print a trace's own text (search, get, query):
  // encoding every trace of a gigabyte store cost stats and analyze a third of their time.
  let bytes: Buffer | undefined;
  return Object.defineProperty(record, 'bytes', { enumerable: true, get: () => (bytes ??= Buffer.from(text)) }) as ScannedRecord;
}
