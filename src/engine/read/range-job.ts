import { readLineRange } from '../../ingest/ranges.js';
import type { ScanNote, ScannedRecord, ScannerOptions } from '../../ingest/scan-types.js';
import { RecordScanner } from '../../ingest/scanner.js';
import type { SummaryEvent } from './read-events.js';
import { OversizedSink } from './read.js';
import { guardRecord } from './guard.js';
import type { TaskWork } from './trace-task.js';

/** A worker's job: the lines that start in [start, end) of a JSON Lines file. */
export interface RangeRequest {
  kind: 'range';
  id: number;
  /** The file, also its provenance name. */
  path: string;
  start: number;
  end: number;
  scanner?: Partial<ScannerOptions>;
}

/** A range's answer: its events, and how many lines and records it held. */
export interface RangeMessage {
  id: number;
  events: SummaryEvent<unknown>[];
  final: boolean;
  lineFeeds?: number;
  records?: number;
  error?: string;
}

/**
 * Reads one line range of a file, in a worker: scans it as JSON Lines (line and record numbers
 * count from the range's start; the main thread adds those of the ranges before), parses and
 * normalizes each record, does the task's `work` on it, and posts the events back in one message.
 * Ranges are a few tens of MB, so that message stays small.
 */
export async function runRange(request: RangeRequest, post: (message: RangeMessage) => void, work: TaskWork): Promise<void> {
  const { id, path } = request;
  const events: SummaryEvent<unknown>[] = [];
  let records = 0;
  const oversized = new OversizedSink(request.scanner?.spillSpanText === true);
  const scanner = new RecordScanner(
    path,
    {
      record: (record: ScannedRecord): void => {
        records++;
        const results = record.oversized ? guardRecord(record.provenance, () => [oversized.finish(record)]).flatMap(work.event) : work.record(record);
        for (const event of results) events.push(event);
      },
      note: ({ code, message, offset, line }: ScanNote): void => {
        events.push({ type: 'note', note: { source: path, kind: code, message, offset, line } });
      },
      oversizedStart: (provenance, head) => oversized.start(provenance, head),
      oversizedChunk: (chunk) => oversized.push(chunk),
    },
    request.scanner,
  );
  let error: string | undefined;
  try {
    const { offset, chunks } = await readLineRange(path, request.start, request.end);
    scanner.startRange(offset);
    for await (const chunk of chunks) scanner.push(chunk);
    scanner.finish();
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
  }
  const final: RangeMessage = { id, events, final: true, lineFeeds: scanner.lineFeeds, records };
  if (error !== undefined) final.error = error;
  post(final);
}
