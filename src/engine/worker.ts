import { parentPort } from 'node:worker_threads';
import type { ScannedRecord } from '../ingest/scanner.js';
import { processRecord } from './records.js';
import { toSummaryEvent, type BatchRequest, type BatchResult } from './batch.js';

// A worker of the pool in summaries.ts: parses, normalizes and summarizes batches of records.
parentPort?.on('message', (request: BatchRequest) => {
  const buffer = Buffer.from(request.buffer);
  const events: BatchResult['events'] = [];
  for (const { start, end, ...meta } of request.records) {
    const record: ScannedRecord = { ...meta, bytes: buffer.subarray(start, end) };
    for (const event of processRecord(record)) events.push(toSummaryEvent(event));
  }
  const result: BatchResult = { id: request.id, events };
  parentPort?.postMessage(result);
});
