import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ScannedRecord } from '../ingest/scanner.js';
import { packBatch, toSummaryEvent, type BatchResult } from './batch.js';
import type { SummaryEvent } from './read-events.js';
import { scanInputs, type ReadOptions } from './read.js';
import { processRecord } from './records.js';

export interface SummaryOptions extends ReadOptions {
  /** Worker threads for parsing; 1 parses in this thread. */
  jobs?: number;
  /** Start workers only after this many bytes of records (default 16 MiB; tests use 0). */
  poolThresholdBytes?: number;
}

/** Records are sent to workers in batches of about this many bytes. */
const BATCH_BYTES = 4 << 20;
/** Below this many bytes of records, starting workers costs more than it saves. */
const POOL_THRESHOLD = 16 << 20;

/**
 * Reads every input and yields a summary per trace (plus rejections and notes), in input order.
 * With `jobs` > 1 the main thread only reads and cuts records; parsing, normalizing and
 * summarizing — most of the work — run in worker threads, once the input is big enough to pay for
 * starting them. Memory stays bounded: at most two batches per worker are in flight.
 */
export async function* readSummaries(inputs: readonly string[], options: SummaryOptions = {}): AsyncGenerator<SummaryEvent> {
  const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
  const threshold = options.poolThresholdBytes ?? POOL_THRESHOLD;
  const slots: Array<Promise<SummaryEvent[]> | SummaryEvent[]> = [];
  let pool: WorkerPool | null = null;
  let batch: ScannedRecord[] = [];
  let batchBytes = 0;
  let seenBytes = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    if (pool) slots.push(pool.run(batch));
    else slots.push(batch.flatMap((record) => processRecord(record).map(toSummaryEvent)));
    batch = [];
    batchBytes = 0;
  };
  try {
    for await (const unit of scanInputs(inputs, options)) {
      if (unit.kind === 'event') {
        flush();
        slots.push([toSummaryEvent(unit.event)]);
      } else {
        batch.push(unit.record);
        batchBytes += unit.record.bytes.length;
        seenBytes += unit.record.bytes.length;
        if (pool === null && jobs > 1 && seenBytes >= threshold) pool = new WorkerPool(jobs);
        if (batchBytes >= BATCH_BYTES || pool === null) flush();
      }
      while (slots.length > 0 && (pool === null || pool.inFlight >= 2 * jobs || Array.isArray(slots[0]))) {
        yield* await slots.shift()!;
      }
    }
    flush();
    while (slots.length > 0) yield* await slots.shift()!;
  } finally {
    await pool?.close();
  }
}

/** A fixed set of workers running `worker.js`; each batch goes to the least busy one. */
class WorkerPool {
  private readonly workers: Array<{ worker: Worker; pending: Map<number, { resolve: (e: SummaryEvent[]) => void; reject: (e: Error) => void }> }>;
  private nextId = 0;
  inFlight = 0;

  constructor(size: number) {
    const url = new URL('./worker.js', import.meta.url);
    if (!existsSync(fileURLToPath(url))) {
      throw new Error(`worker script ${fileURLToPath(url)} is missing: build with 'make build', or use --jobs 1`);
    }
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(url);
      const entry = { worker, pending: new Map<number, { resolve: (e: SummaryEvent[]) => void; reject: (e: Error) => void }>() };
      worker.on('message', (result: BatchResult) => {
        const waiter = entry.pending.get(result.id);
        entry.pending.delete(result.id);
        this.inFlight--;
        waiter?.resolve(result.events);
      });
      worker.on('error', (error) => {
        for (const waiter of entry.pending.values()) waiter.reject(error);
        entry.pending.clear();
      });
      return entry;
    });
  }

  run(records: readonly ScannedRecord[]): Promise<SummaryEvent[]> {
    const entry = this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const request = packBatch(this.nextId++, records);
    this.inFlight++;
    return new Promise((resolve, reject) => {
      entry.pending.set(request.id, { resolve, reject });
      entry.worker.postMessage(request, [request.buffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }
}
