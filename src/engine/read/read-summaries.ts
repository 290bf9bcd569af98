import type { ByteSource } from '../../ingest/byte-source.js';
import { firstJsonLine, splitRanges } from '../../ingest/ranges.js';
import type { ScannedRecord } from '../../ingest/scanner.js';
import { openInputs } from '../../ingest/sources.js';
import { normalizeRecord } from '../../model/normalize.js';
import type { RangeMessage } from './range-job.js';
import type { SummaryEvent } from './read-events.js';
import { ForeignJoin } from './foreign.js';
import { openNote, scanSource, spillingScanner, type ReadOptions, type ScanUnit } from './read.js';
import { scanStore } from './store-scan.js';
import { SUMMARY_TASK, taskWork, type TaskWork, type TraceTask } from './trace-task.js';
import type { TraceSummary } from './summarize.js';
import { WorkerPool } from './worker-pool.js';

export interface SummaryOptions extends ReadOptions {
  /**
   * Worker threads for JSON Lines files of at least `rangeThresholdBytes`: each reads and parses
   * its own part of the file. 1 reads everything in this thread.
   */
  jobs?: number;
  /**
   * Worker threads for everything else, once `poolThresholdBytes` of records were read: this
   * thread reads and cuts records, the workers parse them. That only pays when this thread has a
   * core of its own, so the CLI sets it to 1 unless there are more cores than jobs.
   */
  batchJobs?: number;
  /** Default 64 MiB; tests use 0. */
  rangeThresholdBytes?: number;
  /** Size of the line ranges a big file is cut into (default 32 MiB; tests use small ones). */
  rangeBytes?: number;
  /** Default 16 MiB; tests use 0. */
  poolThresholdBytes?: number;
  /**
   * What is made of each trace, here and in the workers (default: its `TraceSummary`). The type
   * parameter of {@link readSummaries} says what that is; the task's own module keeps the two in step.
   */
  task?: TraceTask;
}

/** Any task's event, inside the reader. */
type TaskEvent = SummaryEvent<unknown>;

/** Records go to batch workers in batches of about this many bytes. */
const BATCH_BYTES = 4 << 20;
const POOL_THRESHOLD = 16 << 20;
const RANGE_THRESHOLD = 64 << 20;

/**
 * Reads every input and yields a summary per trace (plus rejections and notes), in input order,
 * the same whatever the number of jobs. A big JSON Lines file is split into line ranges that
 * worker threads read and parse side by side (all cores on one file); other inputs are read and
 * cut here and, with `batchJobs` > 1, parsed by workers in batches. Memory stays bounded: ranges
 * send their events back in parts, and at most two batches per worker are in flight.
 */
export async function* readSummaries<S = TraceSummary>(inputs: readonly string[], options: SummaryOptions = {}): AsyncGenerator<SummaryEvent<S>> {
  yield* readTaskEvents(inputs, options) as AsyncGenerator<SummaryEvent<S>>;
}

async function* readTaskEvents(inputs: readonly string[], given: SummaryOptions): AsyncGenerator<TaskEvent> {
  // A task never shows a record itself: a big one is read span by span, its long strings kept in a file.
  const options: SummaryOptions = { ...given, scanner: spillingScanner(given.scanner) };
  const task = options.task ?? SUMMARY_TASK;
  const work = await taskWork(task);
  const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
  const batchJobs = Math.max(1, Math.floor(options.batchJobs ?? 1));
  let pool: WorkerPool | null = null;
  const poolOf = (size: number): WorkerPool => (pool ??= new WorkerPool(Math.max(jobs, batchJobs, size), task));
  // Other tracers' spans are joined into traces across every input, then read at the end.
  const join = new ForeignJoin();
  try {
    for await (const event of openInputs(inputs, options)) {
      if (event.type === 'store') {
        yield* readUnits(scanStore(event.store, options), work, options, batchJobs, batchJobs > 1 ? poolOf : null);
      } else if (event.type !== 'source') {
        yield openNote(event);
      } else if (jobs > 1 && (await rangeable(event.source, options.rangeThresholdBytes ?? RANGE_THRESHOLD))) {
        const { path, size } = event.source.file!;
        const counted = event.source.headBytes;
        await event.source.close();
        yield* readRanges(poolOf(jobs), { path, size, counted }, jobs, options);
      } else {
        yield* readUnits(scanSource(event.source, options, join), work, options, batchJobs, batchJobs > 1 ? poolOf : null);
      }
    }
    if (join.size > 0) yield* readUnits(toAsync(join.finish()), work, options, batchJobs, batchJobs > 1 ? poolOf : null);
  } finally {
    await (pool as WorkerPool | null)?.close();
  }
}

/**
 * A plain file that starts with a JSON line holding a trace: worth reading by ranges. (A file
 * found in a directory whose first line is not a trace is skipped by the ordinary reader.)
 */
async function rangeable(source: ByteSource, threshold: number): Promise<boolean> {
  if (source.file === null || source.file.size < threshold) return false;
  const line = await firstJsonLine(source.file.path);
  if (line === null) return false;
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch {
    // Not a parsable first line: the ordinary reader reports it precisely.
    return false;
  }
  return 'trace' in normalizeRecord(value);
}

/** A big file is cut into ranges of about this size, handed to workers in order. */
const RANGE_BYTES = 32 << 20;

/**
 * Reads a JSON Lines file as a queue of line ranges: at most two per worker are in flight, and
 * their answers are taken in file order, so output order and memory do not depend on the file's
 * size, and every worker stays busy. Each finished range is told to `onRead` (the workers read
 * the bytes; this thread only learns when a range is done), less the `counted` bytes the file's
 * first read already told it.
 */
async function* readRanges(pool: WorkerPool, file: { path: string; size: number; counted: number }, jobs: number, options: SummaryOptions): AsyncGenerator<TaskEvent> {
  const { path, size, counted } = file;
  yield { type: 'source-start', source: path };
  const ranges = splitRanges(size, Math.max(jobs, Math.ceil(size / (options.rangeBytes ?? RANGE_BYTES))));
  const inFlight: Array<Promise<RangeMessage>> = [];
  let next = 0;
  let done = 0;
  const dispatch = (): void => {
    while (next < ranges.length && inFlight.length < 2 * jobs) {
      const [start, end] = ranges[next++]!;
      inFlight.push(pool.range({ kind: 'range', id: 0, path, start, end, ...(options.scanner ? { scanner: options.scanner } : {}) }));
    }
  };
  dispatch();
  let lineBase = 0;
  let indexBase = 0;
  while (inFlight.length > 0) {
    const answer = await inFlight.shift()!;
    const [start, end] = ranges[done++]!;
    if (options.onRead && end > counted) options.onRead(end - Math.max(start, counted));
    dispatch();
    for (const event of answer.events) yield shift(event, lineBase, indexBase);
    if (answer.error !== undefined) {
      yield { type: 'note', note: { source: path, kind: 'read-error', message: `reading stopped: ${answer.error}` } };
    }
    lineBase += answer.lineFeeds ?? 0;
    indexBase += answer.records ?? 0;
  }
  yield { type: 'source-end', source: path, bytes: size, unpacked: null };
}

/** Moves a range's line numbers and record indexes to the file's. */
function shift(event: TaskEvent, lines: number, index: number): TaskEvent {
  if (lines === 0 && index === 0) return event;
  switch (event.type) {
    case 'summary':
      return { ...event, provenance: { ...event.provenance, line: event.provenance.line + lines, index: event.provenance.index + index } };
    case 'rejected': {
      const r = event.rejection;
      return {
        type: 'rejected',
        rejection: {
          ...r,
          provenance: { ...r.provenance, line: r.provenance.line + lines, index: r.provenance.index + index },
          at: { ...r.at, line: r.at.line + lines },
        },
      };
    }
    case 'note':
      return event.note.line === undefined ? event : { type: 'note', note: { ...event.note, line: event.note.line + lines } };
    default:
      return event;
  }
}

/** One source's units (a file's, a store's) read here; records parsed here, or by batch workers once the input is big enough. */
async function* readUnits(units: AsyncIterable<ScanUnit>, work: TaskWork, options: SummaryOptions, batchJobs: number, poolOf: ((size: number) => WorkerPool) | null): AsyncGenerator<TaskEvent> {
  const threshold = options.poolThresholdBytes ?? POOL_THRESHOLD;
  const slots: Array<Promise<TaskEvent[]> | TaskEvent[]> = [];
  let pool: WorkerPool | null = null;
  let batch: ScannedRecord[] = [];
  let batchBytes = 0;
  let seenBytes = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    if (pool) slots.push(pool.batch(batch));
    else slots.push(batch.flatMap((record) => work.record(record)));
    batch = [];
    batchBytes = 0;
  };
  for await (const unit of units) {
    if (unit.kind === 'event') {
      flush();
      slots.push(work.event(unit.event));
    } else {
      batch.push(unit.record);
      // A store's record is sized by its length in bytes (provenance), not by encoding its text.
      const size = unit.record.text !== undefined ? unit.record.provenance.length : unit.record.bytes.length;
      batchBytes += size;
      seenBytes += size;
      if (pool === null && poolOf && seenBytes >= threshold) pool = poolOf(batchJobs);
      if (batchBytes >= BATCH_BYTES || pool === null) flush();
    }
    while (slots.length > 0 && (pool === null || pool.inFlight >= 2 * batchJobs || Array.isArray(slots[0]))) {
      yield* await slots.shift()!;
    }
  }
  flush();
  while (slots.length > 0) yield* await slots.shift()!;
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
