import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTraces, type ReadEvent } from '../../src/engine/read/read.js';
import { REPO_ROOT } from '../helpers/make-inputs.js';

// The reading path of other tracers' files, below the CLI: what a source turns out to be from its
// first record, records of another kind inside it, and records too big for one string.
const FOREIGN = join(REPO_ROOT, 'test/fixtures/foreign');
const OTLP = readFileSync(join(FOREIGN, 'otlp/js-chat-batch-1.json'));
const MLFLOW = JSON.stringify(JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/v3.6_trace_error.json'), 'utf8')));

async function read(bytes: Buffer, options: { chunk?: number; maxRecordBytes?: number } = {}): Promise<string[]> {
  const size = options.chunk ?? bytes.length;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const out: string[] = [];
  const scanner = options.maxRecordBytes === undefined ? {} : { scanner: { maxRecordBytes: options.maxRecordBytes } };
  for await (const e of readTraces(['-'], { stdin: Readable.from(chunks), ...scanner }) as AsyncGenerator<ReadEvent>) {
    if (e.type === 'trace') out.push(`trace ${e.trace.traceId} ${e.trace.spans.length} ${e.trace.format.label}`);
    else if (e.type === 'rejected') out.push(`rejected ${e.rejection.code} ${e.rejection.found ?? ''}`);
    else if (e.type === 'note') out.push(`note ${e.note.kind}`);
  }
  return out;
}

describe("reading another tracer's file", () => {
  it("reads a record too big for one string (parsed span by span) with its format's reader", async () => {
    // 8 KB of OTLP/JSON in 1 KB chunks with a 4 KB record limit: the streaming path.
    expect(await read(OTLP, { chunk: 1024, maxRecordBytes: 4096 })).toEqual(['trace tr-0f0c8f1b913814734a94bba90505d3bd 3 OTLP/JSON', 'trace tr-acdf6a2912fa28d6e36e0cbad42dda4b 1 OTLP/JSON']);
  });

  it("reads an MLflow record found in a foreign file as MLflow's, in the file's place", async () => {
    const lines = Buffer.from(`${JSON.stringify(JSON.parse(OTLP.toString('utf8')))}\n${MLFLOW}\n`);
    expect(await read(lines)).toEqual([
      'trace tr-0518806ea3e1bc6d2c78973da68756aa 2 3.5.1+',
      'trace tr-0f0c8f1b913814734a94bba90505d3bd 3 OTLP/JSON',
      'trace tr-acdf6a2912fa28d6e36e0cbad42dda4b 1 OTLP/JSON',
    ]);
  });

  it('rejects a foreign record inside an MLflow export, naming its format', async () => {
    const lines = Buffer.from(`${MLFLOW}\n${JSON.stringify(JSON.parse(OTLP.toString('utf8')))}\n`);
    expect(await read(lines)).toEqual(['trace tr-0518806ea3e1bc6d2c78973da68756aa 2 3.5.1+', 'rejected not-a-trace an OTLP/JSON trace request (read when the file holds only such records)']);
  });

  it('folds records that are no traces into one note after the first rejection, and still reads the traces among them', async () => {
    const lines = Buffer.from(['{"event":1}', '{"event":2}', MLFLOW, '{"event":3}', ''].join('\n'));
    expect(await read(lines)).toEqual(['rejected not-a-trace object with key event', 'trace tr-0518806ea3e1bc6d2c78973da68756aa 2 3.5.1+', 'note not-traces']);
  });
});
