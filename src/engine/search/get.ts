import type { ScannedRecord } from '../../ingest/scanner.js';
import { readInfoFast } from '../read/fast-info.js';
import { scanInputs, type ReadOptions } from '../read/read.js';
import type { FrameEvent, TraceEvent } from '../read/read-events.js';
import { readRecord } from '../read/guard.js';

/** What `findTrace` reports. */
export interface FindResult {
  /** The first trace with the id, in input order, or null. */
  found: TraceEvent | null;
  /** Records read before the search stopped. */
  records: number;
  /** Of those, the traces (a record passed over on its `info` alone counts as one). */
  traces: number;
  /** Asked for the only trace: set when the inputs hold more than one (then `found` is null). */
  more?: boolean;
}

/**
 * The offline `mlflow traces get`: reads the inputs in order until a trace with `traceId` turns
 * up, deciding each `{info, data}` record from its `info` alone, and stops there. The id is
 * compared as written; a 32-hex id also matches its `tr-` form and the reverse, since MLflow 3
 * prefixes the OTel trace id with `tr-`.
 */
export async function findTrace(inputs: readonly string[], traceId: string | null, options: ReadOptions & { onEvent?: (event: FrameEvent) => void } = {}): Promise<FindResult> {
  if (traceId === null) return findOnlyTrace(inputs, options);
  const wanted = idForms(traceId);
  let records = 0;
  let traces = 0;
  const check = (record: ScannedRecord): TraceEvent | null => {
    const fast = record.problem || record.bytes.length === 0 ? null : readInfoFast(record.bytes);
    if (fast !== null && !wanted.has(fast.info.traceId ?? '')) {
      traces++;
      return null;
    }
    for (const event of readRecord(record)) {
      if (event.type === 'trace') {
        traces++;
        if (wanted.has(event.trace.traceId)) return event;
      } else options.onEvent?.(event);
    }
    return null;
  };
  for await (const unit of scanInputs(inputs, options)) {
    if (unit.kind === 'record') {
      records++;
      const found = check(unit.record);
      if (found) return { found, records, traces };
    } else if (unit.event.type === 'trace') {
      records++;
      traces++;
      if (wanted.has(unit.event.trace.traceId)) return { found: unit.event, records, traces };
    } else options.onEvent?.(unit.event);
  }
  return { found: null, records, traces };
}

/**
 * The one trace of inputs that hold one (`trace file.json`): read until a second trace shows the
 * inputs hold more, which the caller says, asking for an id.
 */
async function findOnlyTrace(inputs: readonly string[], options: ReadOptions & { onEvent?: (event: FrameEvent) => void }): Promise<FindResult> {
  let records = 0;
  let only: TraceEvent | null = null;
  const take = (event: TraceEvent): boolean => {
    if (only !== null) return true;
    only = event;
    return false;
  };
  for await (const unit of scanInputs(inputs, options)) {
    const events = unit.kind === 'record' ? readRecord(unit.record) : [unit.event];
    if (unit.kind === 'record') records++;
    for (const event of events) {
      if (event.type !== 'trace') options.onEvent?.(event);
      else if (take(event)) return { found: null, records, traces: 2, more: true };
    }
  }
  return { found: only, records, traces: only === null ? 0 : 1 };
}

function idForms(id: string): Set<string> {
  const forms = new Set([id]);
  if (/^tr-[0-9a-fA-F]{32}$/.test(id)) forms.add(id.slice(3));
  if (/^[0-9a-fA-F]{32}$/.test(id)) forms.add(`tr-${id}`);
  return forms;
}
