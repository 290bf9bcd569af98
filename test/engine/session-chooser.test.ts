import { describe, expect, it } from 'vitest';
import { SessionChooser } from '../../src/engine/report/report.js';
import type { SessionLine } from '../../src/engine/report/data.js';

const SEVERITIES = [null, 'info', 'warn', 'error'] as const;
const RANK = { error: 0, warn: 1, info: 2 } as const;

function lines(n: number, seed: number): SessionLine[] {
  let x = seed;
  const next = (k: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % k;
  };
  return Array.from({ length: n }, (_, i) => ({
    id: `sess-${i}`,
    user: null,
    experiments: [],
    turns: 1 + next(9),
    findings: next(4),
    worst: SEVERITIES[next(4)]!,
    rootCauseTurns: next(5) === 0 ? [1 + next(3)] : [],
    failedTurns: next(4),
    firstTimeMs: null,
    durationMs: null,
  }));
}

/** The order the report documents: a root cause, then the worst severity, then more failed turns, ties in report order. */
function fullSort(all: readonly SessionLine[], max: number): string[] {
  const worst = (l: SessionLine): number => (l.worst === null ? 3 : RANK[l.worst]);
  return all
    .map((line, i) => ({ line, i }))
    .sort((a, b) => Number(b.line.rootCauseTurns.length > 0) - Number(a.line.rootCauseTurns.length > 0) || worst(a.line) - worst(b.line) || b.line.failedTurns - a.line.failedTurns || a.i - b.i)
    .slice(0, max)
    .map((o) => o.line.id);
}

// The report chooses the sessions it shows as the lines go by, holding at most about twice
// `--max-sessions`: the same sessions, in the same order, as sorting every line would give.
describe('SessionChooser', () => {
  it.each([1, 2, 3, 7, 50, 2000])('chooses what a full sort chooses (max %i)', (max) => {
    for (const seed of [1, 2, 3]) {
      const all = lines(1000, seed);
      const chooser = new SessionChooser([], max);
      all.forEach((line, row) => chooser.offer(line, row, [row * 10, row * 10 + 1]));
      const chosen = chooser.chosen();
      expect(chosen.map((c) => c.line.id)).toEqual(fullSort(all, max));
      for (const c of chosen) expect(c.ordinals).toEqual([c.row * 10, c.row * 10 + 1]);
    }
  });

  it('takes the sessions asked for, in report order, up to max', () => {
    const all = lines(100, 4);
    const chooser = new SessionChooser(['sess-90', 'sess-3', 'sess-50', 'sess-404'], 2);
    all.forEach((line, row) => chooser.offer(line, row, []));
    expect(chooser.chosen().map((c) => c.line.id)).toEqual(['sess-3', 'sess-50']);
  });
});
