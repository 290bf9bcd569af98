import { describe, expect, it } from 'vitest';
import { KeptTraces } from '../../src/engine/analyze/kept.js';
import { TraceLocations } from '../../src/engine/analyze/locations.js';

// What `analyze` keeps per trace until the session stage, held as columns: every field comes back
// as it went in (nulls, times past 2^53 ns, offsets past 2^32), past the columns' first growth.
describe('KeptTraces', () => {
  it('gives back each trace as kept, and groups sessions in first-seen order', () => {
    const kept = new KeptTraces();
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
    const { sessions, loose } = kept.groups();
    expect(sessions.map((s) => s.id)).toEqual(['sess-1', 'sess-2', 'sess-3', 'sess-4', 'sess-0']);
    expect(loose).toEqual(rows.flatMap((r, i) => (r.sessionId === null ? [i] : [])));
    for (const s of sessions) expect(s.ordinals).toEqual(rows.flatMap((r, i) => (r.sessionId === s.id ? [i] : [])));
  });
});

describe('TraceLocations', () => {
  it('gives back session and turn of each trace, a trace without a session, a later move, and turns past the packed range', () => {
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
});
