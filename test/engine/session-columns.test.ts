import { describe, expect, it } from 'vitest';
import { SessionColumns } from '../../src/engine/analyze/session-columns.js';
import { TurnColumns } from '../../src/engine/analyze/turn-columns.js';
import { SessionLines } from '../../src/engine/report/session-lines.js';
import { SpillFile } from '../../src/ingest/spill.js';
import type { SessionLine } from '../../src/engine/report/data.js';
import { IdIndex } from '../../src/shared/id-index.js';

// What `analyze` and `report` keep per session until the formats are done, held as columns: every
// field comes back as it went in (nulls, times past 2^32, shared arrays, awkward strings), past
// the columns' first growth, and each pass makes the sessions anew.
describe('SessionColumns', () => {
  it('gives back each session as pushed, with its turns, and ranks ids by their first row', () => {
    const turns = new TurnColumns(new IdIndex());
    const sessions = new SessionColumns(turns);
    const want = Array.from({ length: 2500 }, (_, i) => {
      const turnList = Array.from({ length: (i % 4) + 1 }, (_, t) => ({ traceId: `tr-${i}-${t}`, ordinal: i * 10 + t }));
      const summary = {
        sessionId: i === 7 ? 'sess-\u{1F600}-\ud800' : `sess-${i}`,
        user: i % 3 === 0 ? null : `user-${i % 5}`,
        experiments: i % 2 === 0 ? ['1'] : ['1', '2'],
        turns: turnList.length,
        firstTimeMs: i % 5 === 0 ? null : 1_793_491_259_717 + i,
        lastTimeMs: i % 5 === 0 ? null : 1_793_491_259_717 + i + 0.5,
        durationMs: i % 6 === 0 ? null : i * 1.25,
        turnsWithErrors: i % 3,
        failingAssessments: i % 7,
        scorerErrors: i % 2,
      };
      const partial = i % 100 === 1 ? { earlierMessages: i % 200 === 1 ? null : 4, pagedSources: ['a.json'] } : null;
      sessions.push(summary, turns.add(turnList), partial);
      return { summary, turnList, partial };
    });
    expect(sessions.length).toBe(2500);
    const got = [...sessions];
    want.forEach(({ summary, turnList, partial }, i) => {
      const s = got[i]!;
      expect({ ...s, turnTraceIds: [...s.turnTraceIds], turnOrdinals: [...s.turnOrdinals] }).toEqual({
        ...summary,
        turnTraceIds: turnList.map((t) => t.traceId),
        turnOrdinals: turnList.map((t) => t.ordinal),
        partial,
      });
      expect(sessions.rank(summary.sessionId)).toBe(i);
    });
    // The same set of experiments is one array for every session that has it.
    expect(got[0]!.experiments).toBe(got[2]!.experiments);
    expect(sessions.rank('sess-unknown')).toBe(-1);
    // A second pass makes new objects with the same content.
    const again = [...sessions];
    expect(again[3]).not.toBe(got[3]);
    expect(again[3]!.sessionId).toBe(got[3]!.sessionId);
  });

  it('ranks an id pushed twice by its first row', () => {
    const turns = new TurnColumns(new IdIndex());
    const sessions = new SessionColumns(turns);
    const summary = (sessionId: string) => ({
      sessionId,
      user: null,
      experiments: [],
      turns: 0,
      firstTimeMs: null,
      lastTimeMs: null,
      durationMs: null,
      turnsWithErrors: 0,
      failingAssessments: 0,
      scorerErrors: 0,
    });
    sessions.push(summary('a'), turns.add([]), null);
    sessions.push(summary('b'), turns.add([]), null);
    sessions.push(summary('a'), turns.add([]), null);
    expect([sessions.rank('a'), sessions.rank('b')]).toEqual([0, 1]);
    expect(Array.from(sessions, (s) => s.sessionId)).toEqual(['a', 'b', 'a']);
  });
});

describe('SessionLines', () => {
  it('gives back each line as pushed, at each pass', () => {
    const spill = new SpillFile();
    const lines = new SessionLines(spill);
    const severities = [null, 'info', 'warn', 'error'] as const;
    const want: SessionLine[] = Array.from({ length: 3000 }, (_, i) => ({
      id: `sess-${i}\u0000\n`,
      user: i % 4 === 0 ? null : `u${i % 9}`,
      experiments: i % 3 === 0 ? [] : [`exp-${i % 2}`],
      turns: i % 13,
      findings: i % 11,
      worst: severities[i % 4]!,
      rootCauseTurns: Array.from({ length: i % 3 }, (_, k) => k + 1 + (i % 5)),
      failedTurns: i % 6,
      firstTimeMs: i % 8 === 0 ? null : 5_000_000_000_000 + i,
      durationMs: i % 9 === 0 ? null : i / 4,
    }));
    for (const line of want) lines.push(line);
    expect(lines.length).toBe(3000);
    expect([...lines]).toEqual(want);
    expect([...lines]).toEqual(want);
    spill.close();
  });
});
