import type { Provenance } from '../../ingest/record.js';
import type { ScannedRecord } from '../../ingest/scan-types.js';
import type { ReadEvent, Rejection } from './read-events.js';
import { processRecord } from './records.js';

/**
 * Where in the handling of one trace an unexpected exception happened: named in the `internal`
 * rejection, and what `TRACETRIAGE_TEST_FAULT` names.
 */
export type TraceStage = 'read' | 'summary' | 'digest' | 'analyze' | 'rules' | 'session-rules' | 'dump-rules' | 'render';

/**
 * The `internal` rejection of one trace: an exception the code did not expect (a bug, or an input
 * no check foresaw) while handling it. The run goes on without the trace; the stack is kept for
 * `--debug`.
 */
export function internalRejection(provenance: Provenance, stage: TraceStage, error: unknown): Rejection {
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error && error.stack !== undefined ? { stack: error.stack } : {};
  return {
    provenance,
    code: 'internal',
    message: `internal error (${stage}): ${message}`,
    at: { offset: provenance.offset, line: provenance.line },
    ...stack,
  };
}

/** {@link internalRejection} as a read event. */
export function internalEvent(provenance: Provenance, stage: TraceStage, error: unknown): ReadEvent & { type: 'rejected' } {
  return { type: 'rejected', rejection: internalRejection(provenance, stage, error) };
}

/**
 * `processRecord` behind the guard: whatever it throws on one record becomes that record's
 * `internal` rejection, so one record never ends a run. Every reader (main thread, batch workers,
 * range workers, get, search) goes through here.
 */
export function readRecord(record: ScannedRecord): ReadEvent[] {
  return guardRecord(record.provenance, () => processRecord(record));
}

/** Runs the reading of one record (`produce`), turning an exception into its `internal` rejection. */
export function guardRecord(provenance: Provenance, produce: () => ReadEvent[]): ReadEvent[] {
  try {
    const events = produce();
    for (const event of events) if (event.type === 'trace') faultPoint('read', event.trace.traceId);
    return events;
  } catch (error) {
    return [internalEvent(provenance, 'read', error)];
  }
}

/** A DigestProvenance (no column) as a full provenance, for a rejection made after reading. */
export function provenanceOf(p: Omit<Provenance, 'column'> & { column?: number }): Provenance {
  return {
    source: p.source,
    index: p.index,
    offset: p.offset,
    length: p.length,
    line: p.line,
    column: p.column ?? 1,
    ...(p.within !== undefined ? { within: p.within } : {}),
  };
}

/**
 * The provenance source of an internal problem that belongs to no one trace: a rule's dump-level
 * visit, a report's session that could not be drawn.
 */
export const DUMP_SOURCE = '(the whole dump)';

let fault: { spec: string; stage: string; traceId: string } | null = null;

/**
 * Arms {@link faultPoint} with a `<stage>:<trace id>` spec (the CLI passes the
 * `TRACETRIAGE_TEST_FAULT` environment variable, and the worker pool hands it to its workers);
 * null or a spec without `:` disarms it.
 */
export function setTestFault(spec: string | null | undefined): void {
  const at = spec?.indexOf(':') ?? -1;
  fault = spec != null && at > 0 ? { spec, stage: spec.slice(0, at), traceId: spec.slice(at + 1) } : null;
}

/** The armed spec, to hand to a worker thread. */
export function testFault(): string | null {
  return fault?.spec ?? null;
}

/**
 * Throws when the armed test fault names this stage and trace (for `dump-rules`, the rule id): the
 * one way the tests reach the guard from the real binary once every known throw is fixed. For
 * tests only (docs/inputs.md).
 */
export function faultPoint(stage: TraceStage, traceId: string): void {
  if (fault !== null && fault.stage === stage && fault.traceId === traceId) {
    throw new Error(`test fault injected at ${stage} for ${traceId} (TRACETRIAGE_TEST_FAULT)`);
  }
}
