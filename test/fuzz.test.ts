import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTraces } from '../src/engine/read.js';

// Seeded corruption of real exports: whatever the damage, reading never throws, every record is
// either a trace or a rejection, provenance stays inside the input and in order, and what is
// accepted as a trace is JSON.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const inputs = ['search-sess-refund-7f3a.json', 'otel-genai.jsonl', 'legacy-v2.json', 'traces/sess-wrapper-19c2-turn3.json'].map((f) =>
  readFileSync(new URL(`../samples/${f}`, import.meta.url)),
);
const GARBAGE = ['{', '}', '[', ']', '"', '\\', '\n', ',', ':', 'NaN', 'Infinity', '\u00e9', '\xff', '\u0000', '{"info": {}}', 'hello'];

function corrupt(input: Buffer, random: () => number): Buffer {
  let out = Buffer.from(input);
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * out.length);
    const kind = Math.floor(random() * 4);
    if (kind === 0) out = out.subarray(0, at); // truncate
    else if (kind === 1) out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + Math.floor(random() * 200)))]);
    else if (kind === 2) {
      const g = GARBAGE[Math.floor(random() * GARBAGE.length)]!;
      out = Buffer.concat([out.subarray(0, at), Buffer.from(g, g === '\xff' ? 'latin1' : 'utf8'), out.subarray(at)]);
    } else if (out.length > 0) out[at] = Math.floor(random() * 256);
  }
  return out;
}

function chunked(buf: Buffer, random: () => number): Readable {
  const pieces: Buffer[] = [];
  for (let i = 0; i < buf.length; ) {
    const n = 1 + Math.floor(random() * 3000);
    pieces.push(buf.subarray(i, i + n));
    i += n;
  }
  return Readable.from(pieces);
}

describe('reading damaged exports', () => {
  it('never throws, and accounts for every record (300 seeded corruptions)', async () => {
    const random = prng(20261124);
    let traces = 0;
    let rejections = 0;
    for (let round = 0; round < 300; round++) {
      const original = inputs[round % inputs.length]!;
      const damaged = corrupt(original, random);
      let lastOffset = -1;
      let lastIndex = -1;
      for await (const event of readTraces(['-'], { stdin: chunked(damaged, random) })) {
        if (event.type !== 'trace' && event.type !== 'rejected') continue;
        const p = event.type === 'trace' ? event.provenance : event.rejection.provenance;
        expect(p.offset, `round ${round}`).toBeGreaterThan(lastOffset - 1);
        expect(p.offset + p.length).toBeLessThanOrEqual(damaged.length);
        expect(p.index, `round ${round}: ${JSON.stringify(p)} ${event.type === 'rejected' ? event.rejection.message : ''}`).toBeGreaterThanOrEqual(lastIndex);
        lastOffset = p.offset;
        lastIndex = p.index;
        if (event.type === 'trace') {
          traces++;
          expect(() => JSON.parse(damaged.subarray(p.offset, p.offset + p.length).toString('utf8').replace(/\bNaN\b|-?\bInfinity\b/g, '0'))).not.toThrow();
        } else {
          rejections++;
          expect(event.rejection.message.length).toBeGreaterThan(0);
          expect(event.rejection.at.offset).toBeLessThanOrEqual(damaged.length);
        }
      }
    }
    // Both outcomes happen: the damage is neither always fatal nor always harmless.
    expect(traces).toBeGreaterThan(100);
    expect(rejections).toBeGreaterThan(100);
  });
});
