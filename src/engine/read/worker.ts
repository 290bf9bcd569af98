import { parentPort, workerData } from 'node:worker_threads';
import type { ScannedRecord } from '../../ingest/scanner.js';
import type { BatchRequest, BatchResult } from './batch.js';
import { runRange, type RangeRequest } from './range-job.js';
import { setTestFault } from './guard.js';
import { SUMMARY_TASK, taskWork, type TraceTask } from './trace-task.js';

// A worker of the pool in read-summaries.ts: parses and normalizes records and does its task's
// per-trace work (a summary, an analysis, a listing digest), either on a batch cut by the main
// thread or on a line range of a JSON Lines file that it reads itself.
// Ranges run one after the other: a worker holds one range's records at a time.
const data = workerData as { testFault?: string | null; task?: TraceTask } | null;
setTestFault(data?.testFault);
const work = taskWork(data?.task ?? SUMMARY_TASK);
let ranges: Promise<void> = Promise.resolve();

parentPort?.on('message', (request: BatchRequest | RangeRequest) => {
  if (request.kind === 'range') {
    ranges = ranges.then(async () => runRange(request, (message) => parentPort?.postMessage(message), await work));
    return;
  }
  void work.then((task) => {
    const buffer = Buffer.from(request.buffer);
    const events: BatchResult['events'] = [];
    for (const { start, end, ...meta } of request.records) {
      const record: ScannedRecord = { ...meta, bytes: buffer.subarray(start, end) };
      for (const event of task.record(record)) events.push(event);
    }
    const result: BatchResult = { id: request.id, events, final: true };
    parentPort?.postMessage(result);
  });
});
