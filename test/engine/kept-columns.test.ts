import { describe, expect, it } from 'vitest';
import { KeptTraces } from '../../src/engine/analyze/kept.js';
import { TraceLocations } from '../../src/engine/analyze/locations.js';
import { TraceAdmission } from '../../src/engine/analyze/admission.js';
import { compareTurns } from '../../src/model/sessions.js';
import { IdIndex } from '../../src/shared/id-index.js';

// What `analyze` keeps per trace until the session stage, held as columns: every field comes back
// as it went in (nulls, times past 2^53 ns, offsets past 2^32), past the columns' first growth.
describe('KeptTraces', () => {
  it('gives back each trace as kept, and groups sessions in first-seen order', () => {
    const kept = new KeptTraces(new IdIndex());
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      traceId: `tr-${i}`,
      sessionId: i % 7 === 0 ? null : `sess-${i % 5}`,
      requestTimeMs: i % 3 === 0 ? null : 1_793_491_259_717 + i,
      rootStartNs: i % 4 === 0 ? null : 1_793_491_259_717_095_000 + i * 1000,
      ref: { offset: 5_000_000_000 + i * 2048, length: 100 + i },
    }));
    rows.forEach((row, i) => expect(kept.push(row)).toBe(i));
    expect(kept.size).toBe(3000);
    rows.forEach((row, i) => expect(kept.at(i)).toEqual({ ...row, ordinal: i }));
    const groups = kept.groups();
    expect(groups.sessionIds).toEqual(['sess-1', 'sess-2', 'sess-3', 'sess-4', 'sess-0']);
    expect(groups.loose).toEqual(rows.flatMap((r, i) => (r.sessionId === null ? [i] : [])));
    groups.sessionIds.forEach((id, s) => {
      const mine = rows.flatMap((r, i) => (r.sessionId === id ? [i] : []));
      expect([...KeptTraces.ordinalsOf(groups, s)]).toEqual(mine);
      // The first time: the earliest request time, else root start (ns to ms), of its turns.
      const times = mine.map((i) => rows[i]!.requestTimeMs ?? (rows[i]!.rootStartNs === null ? null : rows[i]!.rootStartNs! / 1e6)).filter((t) => t !== null);
      expect(groups.firstTimeMs[s]).toBe(Math.min(...times));
    });
  });

  it('orders kept traces as compareTurns orders them, ties of both times broken by trace id', () => {
    const kept = new KeptTraces(new IdIndex());
    const rows = Array.from({ length: 500 }, (_, i) => ({
      traceId: `tr-${(i * 7919) % 500}`,
      sessionId: null,
      requestTimeMs: i % 5 === 0 ? null : 1_000 + (i % 11),
      rootStartNs: i % 3 === 0 ? null : 5_000 + (i % 4),
      ref: { offset: i, length: 1 },
    }));
    for (const row of rows) kept.push(row);
    const byColumns = rows.map((_, i) => i).sort((a, b) => kept.compareTurns(a, b));
    const byDigests = rows.map((_, i) => i).sort((a, b) => compareTurns(rows[a]!, rows[b]!));
    expect(byColumns).toEqual(byDigests);
  });
});

describe('TraceAdmission', () => {
  it('admits the first copy of each trace id, counts the others, and admits a later copy of one whose analysis failed', () => {
    const ids = new IdIndex();
    const admission = new TraceAdmission(undefined, ids);
    const admit = (traceId: string): boolean => admission.admit({ traceId, sessionId: () => null });
    for (let i = 0; i < 3000; i++) expect(admit(`tr-${i}`)).toBe(true);
    for (let i = 0; i < 3000; i += 3) expect(admit(`tr-${i}`)).toBe(false);
    // An empty id is never taken for a copy of another.
    expect(admit('')).toBe(true);
    expect(admit('')).toBe(true);
    admission.failed('tr-7');
    expect(admit('tr-7')).toBe(true);
    expect(admit('tr-7')).toBe(false);
    expect(admission.duplicates).toBe(1001);
    expect(admission.traces).toBe(3000 + 1000 + 2 + 2 - 1);
    // The ids are numbered in the shared index, once each.
    expect(ids.size).toBe(3000);
  });

  it('leaves out the traces of sessions not asked for', () => {
    const admission = new TraceAdmission(['s1']);
    expect(admission.admit({ traceId: 'a', sessionId: () => 's1' })).toBe(true);
    expect(admission.admit({ traceId: 'b', sessionId: () => 's2' })).toBe(false);
    expect(admission.admit({ traceId: 'c', sessionId: () => null })).toBe(false);
    expect(admission.outsideSelection).toBe(2);
  });
});

describe('TraceLocations', () => {
  it('gives back session and turn of each trace, a trace without a session, a later move, and large turns', () => {
    const where = new TraceLocations();
    for (let s = 0; s < 2000; s++) where.set(`tr-${s}`, `sess-${s}`, (s % 9) + 1);
    where.set('tr-loose', null, null);
    where.set('tr-far', 'sess-long', 2 ** 22 + 5);
    where.set('tr-moved', 'sess-a', 2 ** 22);
    where.set('tr-moved', 'sess-b', 3);
    for (let s = 0; s < 2000; s++) expect(where.get(`tr-${s}`)).toEqual({ sessionId: `sess-${s}`, turn: (s % 9) + 1 });
    expect(where.get('tr-loose')).toEqual({ sessionId: null, turn: null });
    expect(where.get('tr-far')).toEqual({ sessionId: 'sess-long', turn: 2 ** 22 + 5 });
    expect(where.get('tr-moved')).toEqual({ sessionId: 'sess-b', turn: 3 });
    expect(where.get('tr-unknown')).toBeUndefined();
  });

  it('shares an index with others: an id numbered there but never located is not located', () => {
    const ids = new IdIndex();
    ids.numberOf('tr-only-kept');
    const where = new TraceLocations(ids);
    where.set('tr-located', 'sess', 2);
    expect(where.get('tr-only-kept')).toBeUndefined();
    expect(where.get('tr-located')).toEqual({ sessionId: 'sess', turn: 2 });
    expect(ids.find('tr-located')).toBe(1);
  });
});
