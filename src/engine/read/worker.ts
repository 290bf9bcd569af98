import { parentPort, workerData } from 'node:worker_threads';
import type { ScannedRecord } from '../../ingest/scanner.js';
import { toSummaryEvent, type BatchRequest, type BatchResult } from './batch.js';
import { runRange, type RangeRequest } from './range-job.js';
import { readRecord, setTestFault } from './guard.js';

// A worker of the pool in summaries.ts: parses, normalizes and summarizes records, either a batch
// cut by the main thread or a line range of a JSON Lines file that it reads itself.
// Ranges run one after the other: a worker holds one range's records at a time.
let ranges: Promise<void> = Promise.resolve();
setTestFault((workerData as { testFault?: string | null } | null)?.testFault);

parentPort?.on('message', (request: BatchRequest | RangeRequest) => {
  if (request.kind === 'range') {
    ranges = ranges.then(() => runRange(request, (message) => parentPort?.postMessage(message)));
    return;
  }
  const buffer = Buffer.from(request.buffer);
  const events: BatchResult['events'] = [];
  for (const { start, end, ...meta } of request.records) {
    const record: ScannedRecord = { ...meta, bytes: buffer.subarray(start, end) };
    for (const event of readRecord(record)) events.push(toSummaryEvent(event));
  }
  const result: BatchResult = { id: request.id, events, final: true };
  parentPort?.postMessage(result);
});
