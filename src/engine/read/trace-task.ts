import type { Provenance } from '../../ingest/record.js';
import type { ScannedRecord } from '../../ingest/scan-types.js';
import type { DigestProvenance } from '../../model/digest-types.js';
import type { AnalyzeTask } from '../analyze/analyze-task.js';
import type { ListingTask } from '../session-reader.js';
import { toSummaryEvent } from './batch.js';
import { recordSelector, type RecordSelector, type Selection } from './filtered.js';
import { readRecord } from './guard.js';
import type { ReadEvent, SummaryEvent } from './read-events.js';

/** `stats` and `validate`: each trace to its `TraceSummary`. */
export interface SummaryTask {
  kind: 'summary';
}

/**
 * What a reader makes of each trace it reads, as plain data: a worker thread builds the same work
 * from it (functions and compiled filters cannot cross threads; rule ids, options and a filter's
 * text can).
 */
export type TraceTask = SummaryTask | AnalyzeTask | ListingTask;

/** The summary task: the default of `readSummaries`. */
export const SUMMARY_TASK: SummaryTask = { kind: 'summary' };

/**
 * A task's per-record work, the same in the main thread and in a worker: a record still to parse,
 * or an event another stage read (an oversized record, another tracer's joined trace), into events
 * in input order.
 */
export interface TaskWork<S = unknown> {
  record(record: ScannedRecord): SummaryEvent<S>[];
  event(event: ReadEvent): SummaryEvent<S>[];
}

/**
 * The work of a task. The analysis and the listing are loaded on first use, so a worker of
 * `stats` does not load the rules.
 */
export async function taskWork(task: TraceTask): Promise<TaskWork> {
  switch (task.kind) {
    case 'summary':
      return SUMMARY_WORK;
    case 'analyze':
      return (await import('../analyze/analyze-task.js')).analyzeWork(task);
    case 'listing':
      return (await import('../session-reader.js')).listingWork(task);
    default:
      throw new Error(`unknown trace task ${JSON.stringify((task as { kind: unknown }).kind)}`);
  }
}

const SUMMARY_WORK: TaskWork = {
  record: (record) => readRecord(record).map(toSummaryEvent),
  event: (event) => [toSummaryEvent(event)],
};

/** A selection as a task carries it: the filter as its text (compiled again where the task runs). */
export interface SelectionSpec {
  filter: string | null;
  experimentIds?: readonly string[];
  runId?: string | null;
  modelId?: string | null;
}

/** The data of a selection, for a task. */
export function selectionSpec(selection: Selection): SelectionSpec {
  const { experimentIds, runId, modelId } = selection;
  return {
    filter: selection.filter?.text ?? null,
    ...(experimentIds !== undefined ? { experimentIds: [...experimentIds] } : {}),
    ...(runId !== undefined ? { runId } : {}),
    ...(modelId !== undefined ? { modelId } : {}),
  };
}

/** A task's selection, its filter compiled (the compiler, and re2js with it, loaded only for a filter). */
export async function selectorOf(spec: SelectionSpec): Promise<RecordSelector> {
  const { experimentIds, runId, modelId } = spec;
  const filter = spec.filter === null ? null : (await import('../../query/filter/compile.js')).compileFilter(spec.filter);
  return recordSelector({ filter, ...(experimentIds !== undefined ? { experimentIds } : {}), ...(runId !== undefined ? { runId } : {}), ...(modelId !== undefined ? { modelId } : {}) });
}

/**
 * The per-record work of a task that selects traces and maps each kept one: what `filteredTraces`
 * does, record by record. A trace the selection leaves out is `null` (the reader counts it, as
 * `filteredTraces` tells `onTrace`); events that are not traces pass as they are.
 */
export function selectedWork<S>(selector: RecordSelector, map: (event: ReadEvent & { type: 'trace' }) => S): TaskWork<S | null> {
  const event = (e: ReadEvent): SummaryEvent<S | null>[] => {
    if (e.type !== 'trace') return [e];
    return [{ type: 'summary', summary: selector.keep(e) ? map(e) : null, provenance: e.provenance }];
  };
  return {
    record: (record) => (selector.leftOutUnparsed(record) ? [{ type: 'summary', summary: null, provenance: record.provenance }] : readRecord(record).flatMap(event)),
    event,
  };
}

/** An exception as it crosses a thread: its message and stack, which `internalRejection` reads. */
export interface ThrownData {
  message: string;
  stack?: string;
}

/** What a task keeps of an exception, to throw it again in the main thread. */
export function thrownData(error: unknown): ThrownData {
  if (!(error instanceof Error)) return { message: String(error) };
  return { message: error.message, ...(error.stack !== undefined ? { stack: error.stack } : {}) };
}

/** The exception again: same message, the stack of where it was thrown (in the worker). */
export function rethrown(data: ThrownData): Error {
  const error = new Error(data.message);
  if (data.stack !== undefined) error.stack = data.stack;
  return error;
}

/** A record's provenance as a digest holds it (no column). */
export function digestProvenance(p: Provenance): DigestProvenance {
  const { source, index, offset, length, line, within } = p;
  return { source, index, offset, length, line, ...(within !== undefined ? { within } : {}) };
}

/** How a command that reads traces spreads its per-trace stage over threads. */
export interface ParallelOptions {
  /** Worker threads for the per-trace stage; 1 (the default) does everything in this thread. */
  jobs?: number;
  /**
   * Bytes read before workers start (batches) and the smallest JSON Lines file read by line
   * ranges in the workers; default {@link TASK_POOL_THRESHOLD} and {@link TASK_RANGE_THRESHOLD}.
   * Tests use 0 to reach the workers with small files.
   */
  workerThresholdBytes?: number;
  /** Told why a run asked for `jobs` > 1 stays on one thread (the CLI says it with --verbose). */
  onSingleThread?: (reason: string) => void;
}

/**
 * Workers start after this many bytes of a file cut here: the per-trace stage of `analyze` costs
 * several times the parse, so they pay off sooner than for `stats`' summaries.
 */
export const TASK_POOL_THRESHOLD = 4 << 20;
/** A JSON Lines file of at least this size is read by line ranges in the workers. */
export const TASK_RANGE_THRESHOLD = 16 << 20;

/**
 * Line ranges of a task's file: smaller than `stats`' (32 MiB), because a range's results are
 * held until it ends and taken in file order; at 8 MiB the workers stay evenly busy and this thread
 * keeps results while they read on.
 */
export const TASK_RANGE_BYTES = 8 << 20;

/** The reader's thread options for a task run with `jobs` workers. */
export function taskThreads(options: ParallelOptions, jobs: number): { jobs: number; batchJobs: number; poolThresholdBytes: number; rangeThresholdBytes: number; rangeBytes: number } {
  const from = options.workerThresholdBytes;
  // The main thread only cuts records and keeps results: the workers get the cores.
  return { jobs, batchJobs: jobs, poolThresholdBytes: from ?? TASK_POOL_THRESHOLD, rangeThresholdBytes: from ?? TASK_RANGE_THRESHOLD, rangeBytes: TASK_RANGE_BYTES };
}
