import { describe, expect, it } from 'vitest';
import { jsonDocumentChunks, mapped } from '../../src/report/format.js';
import { sessionsJson, sessionsJsonChunks, type SessionsReport } from '../../src/report/sessions/sessions.js';
import { makeSession, type SessionTurn } from '../../src/model/sessions.js';

// The JSON formats of big dumps are written a piece at a time; the pieces must join into exactly
// what JSON.stringify(document, null, 2) and a newline give, whatever the values hold.
const printed = (doc: unknown): string => `${JSON.stringify(doc, null, 2)}\n`;

describe('jsonDocumentChunks', () => {
  const awkward = ['line\nbreak', 'tab\t"quote"', '\u2028\u2029', '\uD800 lone', '😀', '', '[1, 2]', '{\n}'];
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['no streamed key', { a: 1, b: [1, [2, []], {}], c: { d: null, e: 'x\ny' } }, []],
    ['an empty streamed array', { head: 'h', items: [], tail: { t: [] } }, ['items']],
    ['streamed arrays of objects, arrays and scalars', { items: [{ a: awkward, b: { c: [] } }, [1, [2]], 'text\n', 3, null, true], more: awkward }, ['items', 'more']],
    ['a streamed key first and last', { first: [{ x: 1 }], middle: 2, last: [[[]], {}] }, ['first', 'last']],
    ['undefined values left out, as JSON.stringify leaves them', { a: undefined, b: 1, c: () => 1, d: [undefined, () => 1] }, ['d']],
    ['an empty document', {}, []],
  ];
  it.each(cases)('%s', (_, doc, keys) => {
    const streamed = Object.fromEntries(keys.map((k) => [k, doc[k] as unknown[]]));
    const head = Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, keys.includes(k) ? [] : v]));
    expect([...jsonDocumentChunks(head, streamed)].join('')).toBe(printed(doc));
  });

  it('reads each streamed item as it writes it', () => {
    const seen: number[] = [];
    const items = mapped([1, 2, 3], (n) => {
      seen.push(n);
      return { n };
    });
    const chunks = jsonDocumentChunks({ items: [] }, { items })[Symbol.iterator]();
    chunks.next();
    expect(seen).toEqual([1]);
    chunks.next();
    expect(seen).toEqual([1, 2]);
  });
});

describe('sessionsJsonChunks', () => {
  it('writes what sessionsJson gives, for sessions with odd ids, none and some traces without a session', () => {
    const turn = (traceId: string, sessionId: string | null, t: number): SessionTurn => ({
      traceId,
      sessionId,
      user: t % 2 === 0 ? null : 'u\n"1"',
      experimentId: t % 3 === 0 ? null : `exp-${t % 2}`,
      requestTimeMs: t % 5 === 0 ? null : 1_700_000_000_000 + t * 1000,
      rootStartNs: null,
      durationMs: t * 1.5,
      state: t % 4 === 0 ? 'ERROR' : 'OK',
      errorSpanCount: t % 4,
      assessments: { failing: t % 3, counts: { scorerErrors: t % 2 } },
    });
    const sessions = ['s\n1', 'ş2', 's3'].map((id, i) => makeSession(id, [turn(`t${i}a`, id, i), turn(`t${i}b`, id, i + 7)]));
    for (const report of [
      { sessions, sort: 'first', withoutSession: [turn('loose', null, 3)], duplicates: 2 },
      { sessions: [], sort: 'turns', withoutSession: [], duplicates: 0 },
    ] satisfies SessionsReport[])
      expect([...sessionsJsonChunks(report)].join('')).toBe(printed(sessionsJson(report)));
  });
});
