import { Readable } from 'node:stream';
import fc from 'fast-check';
import { expect } from 'vitest';
import { readTraces } from '../../src/engine/read/read.js';
import { RecordScanner, type ScanNote, type ScannedRecord } from '../../src/ingest/scanner.js';
import { normalizeRecord } from '../../src/model/normalize.js';
import type { Trace } from '../../src/model/types.js';
import { applyEdits, chunkSizes, chunksOf, CORPUS, CORPUS_TRACES, edits, jsonValue } from './arbitraries.js';
import { defineProperty } from './property.js';

// The reading contract on any input: the scanner cuts the same records whatever the chunking,
// every record is a trace or a rejection with provenance inside the input, a JSON Lines line is
// one record, and the normaliser never throws and never lets an unusable time through.

/** A real export, damaged: which corpus file, and the edits. */
const damagedExport = fc.record({ file: fc.nat({ max: CORPUS.length - 1 }), edits });
const damagedBytes = ({ file, edits: list }: { file: number; edits: Parameters<typeof applyEdits>[1] }): Buffer => applyEdits(CORPUS[file]!.bytes, list);

/** What the scanner cut, as comparable data. */
function scan(chunks: readonly Buffer[]): { records: unknown[]; notes: ScanNote[] } {
  const records: ScannedRecord[] = [];
  const notes: ScanNote[] = [];
  const scanner = new RecordScanner('fuzz', { record: (r) => records.push({ ...r, bytes: Buffer.from(r.bytes) }), note: (n) => notes.push(n) });
  for (const chunk of chunks) scanner.push(chunk);
  scanner.finish();
  return {
    records: records.map((r) => ({ provenance: r.provenance, text: r.bytes.toString('latin1'), container: r.container, problem: r.problem?.code ?? null })),
    notes,
  };
}

export const scannerChunking = defineProperty({
  name: 'scanner-chunking',
  claim: 'the scanner cuts the same records and notes whatever the chunks, each record is the bytes its provenance names, in order',
  arbitrary: fc.record({
    input: fc.oneof(
      damagedExport.map(damagedBytes),
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    ),
    sizes: chunkSizes,
  }),
  suiteRuns: 60,
  check({ input, sizes }) {
    const whole = scan([input]);
    expect(scan(chunksOf(input, sizes))).toEqual(whole);
    let end = 0;
    for (const r of whole.records as Array<{ provenance: { offset: number; length: number }; text: string }>) {
      expect(r.provenance.offset).toBeGreaterThanOrEqual(end);
      end = r.provenance.offset + r.provenance.length;
      expect(end).toBeLessThanOrEqual(input.length);
      expect(r.text).toBe(input.toString('latin1', r.provenance.offset, end));
    }
  },
});

export const readDamaged = defineProperty({
  name: 'read-damaged-export',
  claim: 'reading a damaged export never throws; every record is a trace or a rejection, in order, inside the input, and a trace is JSON',
  arbitrary: fc.record({ damage: damagedExport, sizes: chunkSizes }),
  suiteRuns: 60,
  async check({ damage, sizes }) {
    const input = damagedBytes(damage);
    let lastOffset = -1;
    let lastIndex = -1;
    for await (const event of readTraces(['-'], { stdin: Readable.from(chunksOf(input, sizes)) })) {
      if (event.type !== 'trace' && event.type !== 'rejected') continue;
      const p = event.type === 'trace' ? event.provenance : event.rejection.provenance;
      expect(p.offset).toBeGreaterThan(lastOffset);
      expect(p.index).toBeGreaterThan(lastIndex);
      expect(p.offset + p.length).toBeLessThanOrEqual(input.length);
      lastOffset = p.offset;
      lastIndex = p.index;
      if (event.type === 'trace') {
        const text = input.subarray(p.offset, p.offset + p.length).toString('utf8');
        expect(() => JSON.parse(text.replace(/\bNaN\b|-?\bInfinity\b/g, '0'))).not.toThrow();
      } else {
        expect(event.rejection.message).not.toBe('');
        expect(event.rejection.at.offset).toBeLessThanOrEqual(input.length);
      }
    }
  },
});

/** One JSON Lines line (a `Line`; `lineText` writes it): a trace as it is, damaged on its line, two traces on a line, or an array opened and never closed. */
export const line = fc.oneof(
  fc.record({ kind: fc.constant('trace' as const), trace: fc.nat({ max: CORPUS_TRACES.length - 1 }) }),
  fc.record({ kind: fc.constant('damaged' as const), trace: fc.nat({ max: CORPUS_TRACES.length - 1 }), edits }),
  fc.record({ kind: fc.constant('two' as const), trace: fc.nat({ max: CORPUS_TRACES.length - 1 }) }),
  fc.record({ kind: fc.constant('unclosed' as const), trace: fc.nat({ max: CORPUS_TRACES.length - 1 }) }),
);
export type Line = typeof line extends fc.Arbitrary<infer L> ? L : never;

export function lineText(l: Line): string {
  const one = JSON.stringify(CORPUS_TRACES[l.trace]);
  if (l.kind === 'trace') return one;
  if (l.kind === 'two') return `${one} ${one}`;
  if (l.kind === 'unclosed') return `[${one.slice(0, Math.floor(one.length / 2))}`;
  // A line feed or carriage return would make two lines: those become spaces.
  const text = applyEdits(Buffer.from(one), l.edits)
    .toString('utf8')
    .replace(/[\r\n]/gu, ' ');
  return text.trim() === '' ? '{' : text;
}

export const jsonLinesLineIsRecord = defineProperty({
  name: 'jsonl-line-is-record',
  claim: 'in a JSON Lines input each line is one record (a trace or one rejection) at that line, whatever the damage; an untouched trace line is read',
  arbitrary: fc.record({ rest: fc.array(line, { maxLength: 8 }), first: fc.nat({ max: CORPUS_TRACES.length - 1 }), sizes: chunkSizes }),
  suiteRuns: 40,
  async check({ first, rest, sizes }) {
    // The first line is a whole trace on one line: that makes the input JSON Lines.
    const lines = [{ kind: 'trace' as const, trace: first }, ...rest];
    const input = Buffer.from(lines.map(lineText).join('\n') + '\n');
    const seen: Array<{ line: number; type: string }> = [];
    for await (const event of readTraces(['-'], { stdin: Readable.from(chunksOf(input, sizes)) })) {
      if (event.type === 'trace') seen.push({ line: event.provenance.line, type: 'trace' });
      else if (event.type === 'rejected') seen.push({ line: event.rejection.provenance.line, type: 'rejected' });
    }
    expect(seen.map((s) => s.line)).toEqual(lines.map((_, i) => i + 1));
    lines.forEach((l, i) => {
      if (l.kind === 'trace' && 'trace' in normalizeRecord(CORPUS_TRACES[l.trace])) expect(seen[i]?.type, `line ${i + 1}`).toBe('trace');
      if (l.kind === 'two' || l.kind === 'unclosed') expect(seen[i]?.type, `line ${i + 1}`).toBe('rejected');
    });
  },
});

/** JavaScript's Date range: ±8.64e15 ms. */
const MAX_MS = 8.64e15;

/** Every time in a normalised trace is unknown (null) or usable: finite, and a point in time within Date's range. */
export function expectUsableTimes(trace: Trace): void {
  const point = (ms: number | null, what: string): void => {
    if (ms === null) return;
    expect(Number.isFinite(ms) && Math.abs(ms) <= MAX_MS, `${what} = ${ms}`).toBe(true);
  };
  point(trace.info.requestTimeMs, 'info.requestTimeMs');
  if (trace.info.durationMs !== null) expect(Number.isFinite(trace.info.durationMs), `info.durationMs = ${trace.info.durationMs}`).toBe(true);
  for (const s of trace.spans) {
    point(s.startTimeNs === null ? null : s.startTimeNs / 1e6, `span ${s.index} start`);
    point(s.endTimeNs === null ? null : s.endTimeNs / 1e6, `span ${s.index} end`);
    for (const e of s.events) point(e.timeNs === null ? null : e.timeNs / 1e6, `span ${s.index} event ${e.name}`);
  }
  for (const a of trace.assessments) {
    point(a.createTimeMs, `assessment ${a.index} create_time`);
    point(a.lastUpdateTimeMs, `assessment ${a.index} last_update_time`);
  }
}

/** Values that break times, numbers and texts where a trace has a time, a number or a text. */
const hostileValue = fc.oneof(
  jsonValue,
  fc.constantFrom(
    -1e30,
    1e300,
    -1,
    0,
    8.64e15 + 1,
    1e21,
    2 ** 53 + 1,
    true,
    false,
    null,
    '',
    'not a time',
    '+275760-09-13T00:00:00.001Z',
    '2026-13-45T99:99:99Z',
    '1e400',
    '-1',
    '99999999999999999999s',
    {},
    [],
  ),
);

/** Every path (keys and indices) to a value inside `value`, in document order. */
function paths(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

/** A corpus trace with up to three values replaced (times, numbers, texts: anything). */
export const mutatedTrace: fc.Arbitrary<unknown> = fc
  .record({ trace: fc.nat({ max: CORPUS_TRACES.length - 1 }), changes: fc.array(fc.record({ at: fc.nat(), value: hostileValue }), { minLength: 1, maxLength: 3 }) })
  .map(({ trace, changes }) => {
    let value = structuredClone(CORPUS_TRACES[trace]) as unknown;
    for (const change of changes) {
      const all = paths(value);
      const path = all[change.at % all.length]!;
      if (path.length === 0) {
        value = change.value;
        continue;
      }
      let parent = value as Record<string | number, unknown>;
      for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
      parent[path[path.length - 1]!] = change.value;
    }
    return value;
  });

export const normalizeAny = defineProperty({
  name: 'normalize-any-value',
  claim: 'normalizeRecord never throws on any JSON value or damaged trace; it gives a trace whose times are all usable, or a problem with its JSONPath and what was expected',
  arbitrary: fc.oneof(jsonValue, mutatedTrace),
  suiteRuns: 300,
  check(value) {
    const result = normalizeRecord(value);
    if ('trace' in result) expectUsableTimes(result.trace);
    else {
      expect(result.problem.jsonPath.startsWith('$')).toBe(true);
      expect(result.problem.expected).not.toBe('');
    }
  },
});

export const INGEST_PROPERTIES = [scannerChunking, readDamaged, jsonLinesLineIsRecord, normalizeAny];
