import { describe, expect, it } from 'vitest';
import { TraceLocations } from '../../src/engine/analyze/locations.js';
import { TraceAdmission } from '../../src/engine/analyze/admission.js';
import { IdIndex } from '../../src/shared/id-index.js';

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

  it('looks for no copies without an index (analyze finds them by sorting), and still counts and selects', () => {
    const admission = new TraceAdmission(['s1'], null);
    for (let i = 0; i < 3; i++) expect(admission.admit({ traceId: 'tr-1', sessionId: () => 's1' })).toBe(true);
    expect(admission.admit({ traceId: 'tr-2', sessionId: () => 's2' })).toBe(false);
    admission.failed('tr-1');
    expect([admission.traces, admission.duplicates, admission.outsideSelection]).toEqual([3, 0, 1]);
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
