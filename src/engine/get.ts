import type { ScannedRecord } from '../ingest/scanner.js';
import { readInfoFast } from './fast-info.js';
import { scanInputs, type ReadOptions } from './read.js';
import type { FrameEvent, TraceEvent } from './read-events.js';
import { readRecord } from './guard.js';

/** What `findTrace` reports. */
export interface FindResult {
  /** The first trace with the id, in input order, or null. */
  found: TraceEvent | null;
  /** Records read before the search stopped. */
  records: number;
  /** Of those, the traces (a record passed over on its `info` alone counts as one). */
  traces: number;
}

/**
 * The offline `mlflow traces get`: reads the inputs in order until a trace with `traceId` turns
 * up, deciding each `{info, data}` record from its `info` alone, and stops there. The id is
 * compared as written; a 32-hex id also matches its `tr-` form and the reverse, since MLflow 3
 * prefixes the OTel trace id with `tr-`.
 */
export async function findTrace(
  inputs: readonly string[],
  traceId: string,
  options: ReadOptions & { onEvent?: (event: FrameEvent) => void } = {},
): Promise<FindResult> {
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

function idForms(id: string): Set<string> {
  const forms = new Set([id]);
  if (/^tr-[0-9a-fA-F]{32}$/.test(id)) forms.add(id.slice(3));
  if (/^[0-9a-fA-F]{32}$/.test(id)) forms.add(`tr-${id}`);
  return forms;
}
