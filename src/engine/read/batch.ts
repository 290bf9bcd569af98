import type { ScannedRecord } from '../../ingest/scanner.js';
import type { ReadEvent, SummaryEvent } from './read-events.js';
import { faultPoint, internalEvent } from './guard.js';
import { summarize } from './summarize.js';

/** A batch of records sent to a worker: their metadata, and their bytes in one transferred buffer. */
export interface BatchRequest {
  kind: 'batch';
  id: number;
  records: Array<Omit<ScannedRecord, 'bytes'> & { start: number; end: number }>;
  buffer: ArrayBuffer;
}

/** A worker's answer: the events of the batch, in record order. */
export interface BatchResult {
  id: number;
  events: SummaryEvent<unknown>[];
  final: true;
}

/** Packs records into a request; the bytes are copied once into a buffer that is transferred, not cloned. */
export function packBatch(id: number, records: readonly ScannedRecord[]): BatchRequest {
  let total = 0;
  for (const r of records) total += r.bytes.length;
  const buffer = new ArrayBuffer(total);
  const view = new Uint8Array(buffer);
  let at = 0;
  const metas: BatchRequest['records'] = [];
  for (const { bytes, ...meta } of records) {
    view.set(bytes, at);
    metas.push({ ...meta, start: at, end: at + bytes.length });
    at += bytes.length;
  }
  return { kind: 'batch', id, records: metas, buffer };
}

/** Replaces a trace by its summary; every other event passes as it is. */
export function toSummaryEvent(event: ReadEvent): SummaryEvent {
  if (event.type !== 'trace') return event;
  try {
    faultPoint('summary', event.trace.traceId);
    return { type: 'summary', summary: summarize(event.trace), provenance: event.provenance };
  } catch (error) {
    // A trace that cannot be summarized is that trace's `internal` rejection, not the run's end.
    return internalEvent(event.provenance, 'summary', error);
  }
}
