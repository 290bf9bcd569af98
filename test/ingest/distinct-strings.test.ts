import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DISTINCT_IN_MEMORY, DistinctStrings } from '../../src/ingest/distinct-strings.js';
import { StatsCollector } from '../../src/engine/stats.js';
import type { TraceSummary } from '../../src/engine/read/summarize.js';
import type { Provenance } from '../../src/ingest/record.js';

/** A seeded stream of strings with many copies, some near each other and some far apart, and characters JSON escapes. */
function strings(n: number, distinct: number, seed: number): string[] {
  let s = seed;
  const next = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s;
  };
  const spellings = ['s', 'é', '日本', '🙂', '"', '\\', '\t', '\n', '\u0000', '\ud800', ''];
  return Array.from({ length: n }, () => {
    const i = next() % distinct;
    return `${spellings[i % spellings.length]}${i}${spellings[(i >> 3) % spellings.length]}`;
  });
}

const distinctDirs = (): string[] => readdirSync(tmpdir()).filter((d) => d.startsWith('tracetriage-distinct-'));

describe('DistinctStrings', () => {
  // Small limits: many runs in the temporary file and several levels of merges.
  const cases = [
    { name: 'in memory', n: 500, distinct: 300, inMemory: 1000, limits: undefined },
    { name: 'spilled, one run', n: 500, distinct: 300, inMemory: 50, limits: undefined },
    { name: 'spilled, many runs and merges', n: 20_000, distinct: 3_000, inMemory: 7, limits: { runEntries: 5, runBytes: 64, fanIn: 2 } },
    { name: 'spilled, every string new', n: 5_000, distinct: 1e9, inMemory: 3, limits: { runEntries: 4, runBytes: 1 << 20, fanIn: 3 } },
    { name: 'spilled, one string', n: 1_000, distinct: 1, inMemory: 1, limits: { runEntries: 2, runBytes: 16, fanIn: 2 } },
  ];
  for (const { name, n, distinct, inMemory, limits } of cases) {
    it(`counts exactly what a Set counts (${name})`, () => {
      const values = strings(n, distinct, n + inMemory);
      const counter = new DistinctStrings(inMemory, limits);
      for (const v of values) counter.add(v);
      expect(counter.count()).toBe(new Set(values).size);
      // The count is kept; the temporary file is gone.
      expect(counter.count()).toBe(new Set(values).size);
      expect(distinctDirs()).toEqual([]);
    });
  }

  it('counts nothing as 0, and refuses to go on after count() or close()', () => {
    const counted = new DistinctStrings(2);
    expect(counted.count()).toBe(0);
    expect(() => counted.add('a')).toThrow(/after count/);
    const closed = new DistinctStrings(2);
    for (const v of ['a', 'b', 'c', 'a']) closed.add(v);
    closed.close();
    closed.close();
    expect(() => closed.count()).toThrow(/after close/);
    expect(() => closed.add('d')).toThrow(/after count\(\) or close/);
    expect(distinctDirs()).toEqual([]);
  });
});

describe('stats counts distinct sessions past what it holds in memory', () => {
  const provenance: Provenance = { source: 'x.jsonl', index: 0, offset: 0, length: 1, line: 1, column: 1 };
  const summary = (traceId: string, sessionId: string | null): TraceSummary => ({
    traceId,
    partial: false,
    format: 'mlflow-trace-json',
    state: 'OK',
    failed: false,
    sessionId,
    spans: 1,
    errorSpans: 0,
    startMs: null,
    endMs: null,
    assessments: { total: 0, feedback: 0, expectations: 0, scorerErrors: 0, invalid: 0 },
    warnings: [],
  });

  it('per source and across sources, with sessions that span both', () => {
    // Source a: sessions 0 .. 1.5 limits, two traces each and one without a session; source b:
    // sessions from 1 limit on, so half of b's are also a's.
    const many = Math.floor(DISTINCT_IN_MEMORY * 1.5);
    const from = DISTINCT_IN_MEMORY;
    const collector = new StatsCollector(() => 0);
    collector.add({ type: 'source-start', source: 'a.jsonl' });
    for (let i = 0; i < many; i++) for (const turn of [0, 1]) collector.add({ type: 'summary', summary: summary(`a-${i}-${turn}`, `session-${i}`), provenance });
    collector.add({ type: 'summary', summary: summary('a-none', null), provenance });
    collector.add({ type: 'source-end', source: 'a.jsonl', bytes: 10, unpacked: null });
    collector.add({ type: 'source-start', source: 'b.jsonl' });
    for (let i = from; i < from + many; i++) collector.add({ type: 'summary', summary: summary(`b-${i}`, `session-${i}`), provenance });
    collector.add({ type: 'source-end', source: 'b.jsonl', bytes: 10, unpacked: null });
    const report = collector.report();
    expect(report.sources.map((s) => [s.source, s.traces, s.sessions, s.traces_without_session])).toEqual([
      ['a.jsonl', 2 * many + 1, many, 1],
      ['b.jsonl', many, many, 0],
    ]);
    expect(report.total.sessions).toBe(from + many);
    expect(report.total.traces).toBe(3 * many + 1);
    collector.close();
    expect(distinctDirs()).toEqual([]);
  });
});
