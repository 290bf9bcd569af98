import { afterEach, describe, expect, it } from 'vitest';
import { firstTimeOf, IN_REPORT_ORDER, KEPT_ROW, TraceRows, type KeptRow } from '../../src/engine/analyze/kept-rows.js';
import { SORT_LIMITS, type SortLimits } from '../../src/ingest/external-sort.js';
import { SpillFile } from '../../src/ingest/spill.js';
import { SpillLog, SpillRecords } from '../../src/ingest/spill-log.js';
import { compareNullable, compareTurns, turnTimeMs } from '../../src/model/sessions.js';
import { randomInts } from '../helpers/prng.js';

// What `analyze` keeps of each trace until the session stage, sorted in its temporary file: the
// copies found, the sessions grouped and put in report order, the traces without a session in
// turn order, exactly as the same rows sorted in memory would be, with limits small enough to
// force many runs and merges as well as the defaults.
const LIMITS: ReadonlyArray<[string, SortLimits]> = [
  ['the default limits', SORT_LIMITS],
  ['runs of 7 rows, merged 3 at a time', { runEntries: 7, runBytes: 1 << 20, fanIn: 3 }],
  ['runs of 300 bytes, merged 2 at a time', { runEntries: 1000, runBytes: 300, fanIn: 2 }],
];

const spills: SpillFile[] = [];
afterEach(() => {
  for (const s of spills.splice(0)) s.close();
});

function spillFile(): SpillFile {
  const spill = new SpillFile();
  spills.push(spill);
  return spill;
}

type Row = Omit<KeptRow, 'ordinal'>;

/** Rows with copies (some with other sessions or times than their first), empty ids, ties of every time, and nulls. */
function rows(seed: number, count: number): Row[] {
  const next = randomInts(seed);
  const out: Row[] = [];
  for (let i = 0; i < count; i++) {
    const copyOf = i > 10 && next(6) === 0 ? out[next(i)]! : null;
    const traceId = copyOf !== null && next(3) > 0 ? copyOf.traceId : next(25) === 0 ? '' : `tr-${next(count * 4).toString(16)}`;
    const sessionId = next(5) === 0 ? null : next(40) === 0 ? 'séance \t"x"' : `sess-${next(Math.ceil(count / 8))}`;
    const requestTimeMs = next(4) === 0 ? null : 1_793_491_259_717 + next(50) * 0.5;
    const rootStartNs = next(3) === 0 ? null : 1_793_491_259_717_095_000 + next(20) * 1_000_000;
    out.push({ traceId, sessionId, requestTimeMs, rootStartNs, ref: { offset: 5_000_000_000 + i * 2048, length: 100 + i } });
  }
  return out;
}

/** The same sorting done in memory. */
function expected(all: Row[]): { sessions: Array<{ id: string; rows: KeptRow[] }>; loose: KeptRow[]; copies: number[] } {
  const seen = new Set<string>();
  const copies: number[] = [];
  const kept: KeptRow[] = [];
  all.forEach((row, ordinal) => {
    if (row.traceId !== '' && seen.has(row.traceId)) copies.push(ordinal);
    else {
      seen.add(row.traceId);
      kept.push({ ...row, ordinal });
    }
  });
  const bySession = new Map<string, KeptRow[]>();
  for (const row of kept) if (row.sessionId !== null) bySession.set(row.sessionId, [...(bySession.get(row.sessionId) ?? []), row]);
  const first = (rows: KeptRow[]): number | null => {
    const times = rows.map(turnTimeMs).filter((t) => t !== null);
    return times.length === 0 ? null : Math.min(...times);
  };
  const sessions = [...bySession].map(([id, rows]) => ({ id, rows, first: first(rows) }));
  sessions.sort((a, b) => compareNullable(a.first, b.first) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const loose = kept.filter((r) => r.sessionId === null).sort((a, b) => compareTurns(a, b) || a.ordinal - b.ordinal);
  return { sessions: sessions.map(({ id, rows }) => ({ id, rows })), loose, copies };
}

describe('TraceRows', () => {
  for (const [name, limits] of LIMITS) {
    it(`sorts the rows for the session stage as memory would (${name})`, () => {
      for (const [seed, count] of [
        [1, 0],
        [2, 1],
        [3, 40],
        [4, 2500],
      ] as const) {
        const all = rows(seed, count);
        const kept = new TraceRows(spillFile(), KEPT_ROW, limits);
        all.forEach((row, i) => expect(kept.push({ ...row, ordinal: i })).toBe(i));
        expect(kept.size).toBe(count);
        const sorted = kept.group();
        const want = expected(all);
        // Grouped by session id, then in report order.
        expect([...sorted.sessions]).toEqual([...want.sessions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
        const ordered = kept.orderSessions(IN_REPORT_ORDER, (g) => [firstTimeOf(g.rows), g.id]);
        expect([...ordered].map(({ id, rows }) => ({ id, rows }))).toEqual(want.sessions);
        expect([...ordered].map((s) => s.key)).toEqual(want.sessions.map((s) => [firstTimeOf(s.rows), s.id]));
        expect(ordered.length).toBe(want.sessions.length);
        expect([...sorted.loose]).toEqual(want.loose);
        expect(sorted.loose.length).toBe(want.loose.length);
        expect([...sorted.copies]).toEqual(want.copies);
        expect(sorted.duplicates).toBe(want.copies.length);
        // Read again: every list is read from the file at each pass, and grouping twice is grouping once.
        expect([...ordered].map(({ id, rows }) => ({ id, rows }))).toEqual(want.sessions);
        expect([...sorted.loose]).toEqual(want.loose);
        expect(kept.group()).toBe(sorted);
        expect(() => kept.push({ ...all[0]!, traceId: 'late', ordinal: count })).toThrow('after the rows were grouped');
      }
    });
  }

  it('keeps the first of a trace id whatever the later copies say, and never takes empty ids for copies', () => {
    const kept = new TraceRows(spillFile(), KEPT_ROW, { runEntries: 2, runBytes: 1 << 20, fanIn: 2 });
    const ref = { offset: 0, length: 1 };
    const push = (traceId: string, sessionId: string | null, requestTimeMs: number): number => kept.push({ traceId, sessionId, requestTimeMs, rootStartNs: null, ref, ordinal: kept.size });
    push('b', 's1', 5);
    push('a', null, 9);
    push('b', null, 1);
    push('', null, 2);
    push('', null, 2);
    push('a', 's1', 0);
    const sorted = kept.group();
    expect([...sorted.sessions].map((s) => [s.id, s.rows.map((r) => r.ordinal)])).toEqual([['s1', [0]]]);
    expect([...sorted.loose].map((r) => r.ordinal)).toEqual([3, 4, 1]);
    expect([...sorted.copies]).toEqual([2, 5]);
  });
});

describe('SpillLog', () => {
  it('gives records back in order at each pass, across chunks, with records longer than a chunk and other writes between', () => {
    const spill = spillFile();
    const log = new SpillLog(spill, 64);
    const next = randomInts(9);
    const texts: string[] = [];
    for (let i = 0; i < 500; i++) {
      const text = `${i}:${'é∑x'.repeat(next(i % 50 === 0 ? 200 : 12))}`;
      texts.push(text);
      log.append(text);
      if (i % 7 === 0) spill.append('something else\n');
      // Read half-way: what was appended so far, and appending goes on after.
      if (i === 250) expect([...log].map((b) => b.toString('utf8'))).toEqual(texts);
    }
    expect(log.length).toBe(500);
    expect([...log].map((b) => b.toString('utf8'))).toEqual(texts);
    expect([...log].map((b) => b.toString('utf8'))).toEqual(texts);
  });

  it('decodes each record as JSON', () => {
    const log = new SpillLog(spillFile());
    log.append(JSON.stringify({ a: [1, null, 'x\ty'] }));
    log.append('2');
    expect([...log.parsed()]).toEqual([{ a: [1, null, 'x\ty'] }, 2]);
    expect([...new SpillLog(spillFile())]).toEqual([]);
  });
});

describe('SpillRecords', () => {
  it('gives back each record by number, in the chunk being filled and in the file, with other writes between', () => {
    const spill = spillFile();
    const records = new SpillRecords(spill, 17);
    const n = 4096 * 3 + 5;
    for (let i = 0; i < n; i++) {
      expect(
        records.push((r) => {
          r.writeDoubleLE(5_000_000_000 + i * 3.5, 0);
          r.writeDoubleLE(i, 8);
          r[16] = i % 3 === 0 ? 1 : 0;
        }),
      ).toBe(i);
      if (i % 1000 === 0) spill.append('something else\n');
      // Read back at once: the record is in the chunk still.
      expect(records.at(i).readDoubleLE(8)).toBe(i);
    }
    expect(records.length).toBe(n);
    const next = randomInts(5);
    for (let k = 0; k < 3000; k++) {
      const i = next(n);
      const r = records.at(i);
      expect([r.readDoubleLE(0), r.readDoubleLE(8), r[16]]).toEqual([5_000_000_000 + i * 3.5, i, i % 3 === 0 ? 1 : 0]);
    }
    expect(() => records.at(n)).toThrow(RangeError);
  });
});
