import type { TraceInfo, Trace } from '../../model/types.js';
import type { CompiledFilter } from '../../query/filter/compile.js';
import type { InfoSubject, SpanSubject } from '../../query/subject.js';
import { findValue } from '../../ingest/top-level.js';
import { readInfoFast } from './fast-info.js';
import { scanInputs, type ReadOptions } from './read.js';
import type { FrameEvent, TraceEvent } from './read-events.js';
import { readRecord } from './guard.js';
import type { ScannedRecord } from '../../ingest/scan-types.js';

/** Which traces to keep: an MLflow filter and the `--experiment-id` / `--run-id` / `--model-id` scope. */
export interface Selection {
  filter?: CompiledFilter | null;
  /** A trace whose location names another experiment is left out; one that names none is kept. */
  experimentIds?: readonly string[];
  /** A trace whose `mlflow.sourceRun` metadata names another run is left out. */
  runId?: string | null;
  /** A trace whose `mlflow.modelId` metadata names another model is left out. */
  modelId?: string | null;
}

/** Reading options plus a selection and a sink for what is not a trace. */
export interface FilteredOptions extends ReadOptions, Selection {
  /** Notes, rejected records and source boundaries, in input order, as they happen. */
  onEvent?: (event: FrameEvent) => void;
  /**
   * Told of each trace read, kept by the selection or not (a record left out on its `info` alone
   * counts too, though its spans were never parsed): a progress bar's trace count.
   */
  onTrace?: () => void;
}

/**
 * Every trace of the inputs that the selection keeps, whole, in input order. A filter on `info`
 * fields is decided from the record's `info` alone, so the records it excludes are never parsed
 * whole; `span.*` clauses are decided on the parsed spans, after a record whose bytes lack a text
 * they need (`CompiledFilter.mayMatchBytes`) was left out unparsed.
 */
export async function* filteredTraces(inputs: readonly string[], options: FilteredOptions): AsyncGenerator<TraceEvent> {
  const selector = recordSelector(options);
  const { onTrace } = options;
  for await (const unit of scanInputs(inputs, options)) {
    if (unit.kind === 'event') {
      if (unit.event.type === 'trace') {
        onTrace?.();
        if (selector.keep(unit.event)) yield unit.event;
      } else options.onEvent?.(unit.event);
      continue;
    }
    const { record } = unit;
    if (selector.leftOutUnparsed(record)) {
      onTrace?.();
      continue;
    }
    for (const event of readRecord(record)) {
      if (event.type !== 'trace') options.onEvent?.(event);
      else {
        onTrace?.();
        if (selector.keep(event)) yield event;
      }
    }
  }
}

/**
 * A selection as every reader applies it to a record: left out on its `info` alone (read by the
 * fast locator, without parsing the spans), or parsed whole and then kept or not. The same in
 * {@link filteredTraces} and in a worker thread's task.
 */
export interface RecordSelector {
  /**
   * The record need not be parsed: its bytes lack a text the filter's span clauses need, or its
   * `info` alone leaves it out (always false with nothing to select on).
   */
  leftOutUnparsed(record: ScannedRecord): boolean;
  /** The whole selection, on a trace read whole. */
  keep(event: TraceEvent): boolean;
}

/** The {@link RecordSelector} of a selection. */
export function recordSelector(selection: Selection): RecordSelector {
  const keep = selectionTest(selection);
  const infoTest = infoSelectionTest(selection);
  // With nothing to select on (sessions, query without a filter), reading the info first would
  // only parse it twice.
  const selects = (selection.filter ?? null) !== null || scoped(selection);
  // A filter of span clauses alone, without a scope: the info cannot leave a record out.
  const byInfo = infoSelects(selection);
  return {
    leftOutUnparsed(record) {
      if (!selects || record.problem || record.bytes.length === 0) return false;
      if (lacksSpanTexts(selection.filter ?? null, record.bytes)) return true;
      if (!byInfo) return false;
      const fast = readInfoFast(record.bytes);
      return fast !== null && !infoTest(fast);
    },
    keep,
  };
}

/**
 * Whether a record's bytes lack a text the filter's `span.*` clauses need
 * (`CompiledFilter.mayMatchBytes`), so that no trace of it can match, and its top level holds an
 * `info` (it is a trace record, located without parsing it). A record of any other shape is
 * parsed, which reports it if it is bad.
 */
export function lacksSpanTexts(filter: CompiledFilter | null, bytes: Buffer): boolean {
  return filter !== null && !filter.mayMatchBytes(bytes) && findValue(bytes, ['info']) !== null;
}

/**
 * Whether the part of a selection the `info` decides can leave a trace out: false when there is
 * no scope and every clause of the filter is about spans, so that reading the info first is
 * wasted work.
 */
export function infoSelects(selection: Selection): boolean {
  return scoped(selection) || !(selection.filter?.spansOnly ?? true);
}

/** Whether the selection names experiments, a run or a model (see {@link scopeTest}). */
function scoped(selection: Selection): boolean {
  return (selection.experimentIds?.length ?? 0) > 0 || selection.runId != null || selection.modelId != null;
}

/** The part of a selection the `info` decides: scope and the filter's info clauses. */
export function infoSelectionTest(selection: Selection): (subject: InfoSubject) => boolean {
  const inScope = scopeTest(selection);
  const filter = selection.filter ?? null;
  return (subject) => inScope(subject.info) && (filter === null || filter.matchesInfo(subject));
}

/** The whole selection, on a trace read whole. */
export function selectionTest(selection: Selection): (event: TraceEvent) => boolean {
  const infoTest = infoSelectionTest(selection);
  const filter = selection.filter ?? null;
  return ({ trace, value }) => infoTest({ info: trace.info, assessments: trace.assessments }) && (filter === null || filter.infoOnly || filter.matchesSpans(spanSubjects(trace, value)));
}

/** The spans of a trace paired with their exported JSON (what `span.content` filters read). */
export function spanSubjects(trace: Trace, value: unknown): SpanSubject[] {
  const raw = rawAt(value, trace.paths.spans);
  return trace.spans.map((span) => ({ span, raw: Array.isArray(raw) ? raw[span.index] : undefined }));
}

/** The value at a simple `$.a.b` path of the model's `Trace.paths`. */
function rawAt(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.').slice(1)) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function scopeTest(selection: Selection): (info: TraceInfo) => boolean {
  const experiments = selection.experimentIds?.length ? new Set(selection.experimentIds) : null;
  const absentOr = (key: string, wanted: string | null | undefined) => (info: TraceInfo) => wanted == null || info.metadata[key] === undefined || info.metadata[key] === wanted;
  const run = absentOr('mlflow.sourceRun', selection.runId);
  const model = absentOr('mlflow.modelId', selection.modelId);
  return (info) => (experiments === null || info.experimentId === null || experiments.has(info.experimentId)) && run(info) && model(info);
}
