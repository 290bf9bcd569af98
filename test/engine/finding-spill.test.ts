import { describe, expect, it } from 'vitest';
import { FindingSorter, RawFindingSpill, SpilledFindings } from '../../src/engine/analyze/finding-spill.js';
import { SORT_LIMITS, type SortLimits } from '../../src/ingest/external-sort.js';
import { StreamedLooseTraces } from '../../src/engine/analyze/loose-traces.js';
import { looseTraces } from '../../src/shared/loose-traces.js';
import { compareFindingKeys, type Finding, findingKey, finishFinding, finishFindings, type FinishContext, type RawFinding, type TraceLocation } from '../../src/engine/analyze/findings.js';
import { SpillFile } from '../../src/ingest/spill.js';
import type { RuleMeta } from '../../src/rules/api.js';

// The findings of `analyze` kept in the temporary file must come back exactly as the in-memory
// `finishFindings` gives them: the same findings, worded the same, de-duplicated the same way
// (the first of a fingerprint stands) and in the same order, over many sessions.

const META: RuleMeta[] = [
  { id: 'rule-a', type: 'problem', description: 'a', severity: 'error', messages: { broke: 'Turn {{n}} broke: {{what}}', ratio: 'ratio {{r}}' }, roles: { broke: 'rootCause' } },
  {
    id: 'rule-b',
    type: 'problem',
    description: 'b',
    severity: 'warn',
    messages: { slow: 'slow by {{ms}} ms', lonely: 'no session for {{id}}' },
    messageSeverity: { lonely: 'info' },
    suggestions: { slow: 'cache {{ms}}' },
  },
];

/** A seeded dump: `sessions` sessions of up to 6 turns, 40 traces without a session, findings on each, copies and dump-level ones. */
function dump(sessions: number): { raw: RawFinding[]; context: FinishContext } {
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const where = new Map<string, TraceLocation>();
  const ids: string[] = [];
  for (let s = 0; s < sessions; s++) {
    const id = `sess-${next(1000)}-${s}`;
    ids.push(id);
    for (let t = 1; t <= 1 + next(6); t++) where.set(`tr-${s}-${t}`, { sessionId: id, turn: t });
  }
  for (let t = 0; t < 40; t++) where.set(`tr-loose-${t}`, { sessionId: null, turn: null });
  const traces = [...where.keys()];
  const raw: RawFinding[] = [];
  for (let i = 0; i < sessions * 8; i++) {
    const traceId = traces[next(traces.length)]!;
    const kind = next(5);
    if (kind === 0)
      raw.push({
        ruleId: 'rule-a',
        descriptor: {
          messageId: 'broke',
          traceId,
          spanId: `sp${next(4)}`,
          data: { n: next(9), what: `x${next(3)}` },
          relatedTurns: [3, 1, 3],
          evidence: [{ kind: 'k', label: 'l', traceId: traces[next(traces.length)]! }],
        },
      });
    else if (kind === 1) raw.push({ ruleId: 'rule-b', descriptor: { messageId: 'slow', traceId, data: { ms: next(5000) }, path: '$.data.spans[0]' } });
    else if (kind === 2) raw.push({ ruleId: 'rule-b', descriptor: { messageId: 'lonely', traceId, data: { id: traceId }, key: String(next(3)) } });
    // Session-level: a session named, no trace.
    else if (kind === 3) raw.push({ ruleId: 'rule-a', descriptor: { messageId: 'ratio', sessionId: ids[next(ids.length)]!, data: { r: next(2) === 0 ? Number.POSITIVE_INFINITY : next(100) / 7 } } });
    // A session the dump does not hold, and the dump as a whole.
    else raw.push({ ruleId: 'rule-a', descriptor: next(2) === 0 ? { messageId: 'ratio', sessionId: 'sess-elsewhere', data: { r: Number.NaN } } : { messageId: 'ratio', data: { r: next(3) } } });
  }
  const rank = new Map(ids.map((id, i) => [id, i]));
  // Reverse the ranks from the id order, so the order is not the ids' alphabetical one.
  const context: FinishContext = {
    meta: new Map(META.map((m) => [m.id, m])),
    severityOverride: new Map(),
    locate: (traceId) => where.get(traceId),
    sessionRank: (id) => (id === null ? sessions : sessions - 1 - (rank.get(id) ?? -1)),
  };
  return { raw, context };
}

describe('SpilledFindings', () => {
  it.each([0, 1, 7, 300])('gives what finishFindings gives, in its order, over %i sessions', (sessions) => {
    const { raw, context } = dump(sessions);
    const spill = new SpillFile('tracetriage-findings-test-');
    try {
      // Raw findings kept in batches (as traces and sessions make them), then finished into the file.
      const kept = new RawFindingSpill(spill);
      for (let i = 0; i < raw.length; i += 5) kept.add(raw.slice(i, i + 5));
      const list = SpilledFindings.finish(kept, context, spill);
      const expected = finishFindings(raw, context);
      expect(list.length).toBe(expected.length);
      // Read twice: each pass reads the file again and gives the same findings.
      expect([...list]).toEqual(expected);
      expect([...list]).toEqual(expected);
      if (sessions === 300) {
        // The seeded dump does hold copies (same fingerprint), a non-finite number and a dump-level finding.
        expect(expected.length).toBeLessThan(raw.length);
        expect(expected.some((f) => f.message === 'ratio Infinity')).toBe(true);
        expect(expected.some((f) => f.message === 'ratio NaN')).toBe(true);
        expect(expected.at(-1)!.sessionId).toBe('sess-elsewhere');
      }
    } finally {
      spill.close();
    }
  });

  it('keeps the first of a fingerprint, as made, when copies differ in wording', () => {
    const { context } = dump(1);
    const raw: RawFinding[] = [
      { ruleId: 'rule-b', descriptor: { messageId: 'slow', traceId: 'tr-0-1', data: { ms: 1 } } },
      { ruleId: 'rule-b', descriptor: { messageId: 'slow', traceId: 'tr-0-1', data: { ms: 2 } } },
    ];
    const spill = new SpillFile('tracetriage-findings-test-');
    try {
      const kept = new RawFindingSpill(spill);
      kept.add(raw.slice(0, 1));
      kept.add(raw.slice(1));
      expect([...SpilledFindings.finish(kept, context, spill)].map((f) => f.message)).toEqual(['slow by 1 ms']);
    } finally {
      spill.close();
    }
  });
});

// Small sort limits force the external sort through many runs and merges of several levels: runs
// of 1, 3 or 7 findings, or of a few KB (records longer than the run's buffer each in a run of
// their own), merged 2, 3 or 4 at a time.
const SMALL: ReadonlyArray<[string, SortLimits]> = [
  ['runs of 1, merged by 2', { runEntries: 1, runBytes: 1 << 16, fanIn: 2 }],
  ['runs of 3, merged by 2', { runEntries: 3, runBytes: 1 << 16, fanIn: 2 }],
  ['runs of 7, merged by 3', { runEntries: 7, runBytes: 1 << 16, fanIn: 3 }],
  ['runs of 4 KB, merged by 4', { runEntries: 1e9, runBytes: 4000, fanIn: 4 }],
  ['records longer than a run, merged by 3', { runEntries: 1e9, runBytes: 100, fanIn: 3 }],
];

/** The old way: the first finding of each fingerprint, in the order they came, sorted by key. */
function reference(findings: readonly Finding[], context: Pick<FinishContext, 'sessionRank'>): Finding[] {
  const first = new Map<string, Finding>();
  for (const f of findings) if (!first.has(f.fingerprint)) first.set(f.fingerprint, f);
  return [...first.values()].sort((a, b) => compareFindingKeys(findingKey(a, context), findingKey(b, context)));
}

describe('SpilledFindings sorted in many runs', () => {
  it.each(SMALL)('gives what finishFindings gives, copies in different runs, %s', (_, limits) => {
    for (const sessions of [0, 1, 7, 300]) {
      const { raw, context } = dump(sessions);
      const spill = new SpillFile('tracetriage-findings-test-');
      try {
        const kept = new RawFindingSpill(spill);
        for (let i = 0; i < raw.length; i += 4) kept.add(raw.slice(i, i + 4));
        const list = SpilledFindings.finish(kept, context, spill, limits);
        const expected = finishFindings(raw, context);
        expect(list.length).toBe(expected.length);
        const first = [...list];
        expect(first).toEqual(expected);
        expect([...list]).toEqual(first);
        if (sessions === 300) {
          // Copies of one fingerprint made far apart: in different runs, whatever the limits above.
          const made = raw.map((r) => finishFinding(r, context).fingerprint);
          const apart = made.some((print, i) => made.indexOf(print) < i - 10);
          expect(apart).toBe(true);
          expect(expected.length).toBeLessThan(raw.length);
        }
      } finally {
        spill.close();
      }
    }
  });

  it.each(SMALL)('keeps the first of a fingerprint when its copies are in different runs and worded differently, %s', (_, limits) => {
    const { context } = dump(1);
    // The same finding (trace, rule, message) made three times, far apart, with other findings between.
    const slow = (ms: number): RawFinding => ({ ruleId: 'rule-b', descriptor: { messageId: 'slow', traceId: 'tr-0-1', data: { ms } } });
    const other = (i: number): RawFinding => ({ ruleId: 'rule-b', descriptor: { messageId: 'lonely', traceId: `tr-loose-${i}`, data: { id: `x${i}` } } });
    const raw = [other(9), other(8), slow(1), ...Array.from({ length: 20 }, (_, i) => other(i)), slow(2), other(30), slow(3)];
    const spill = new SpillFile('tracetriage-findings-test-');
    try {
      const list = SpilledFindings.finish(raw, context, spill, limits);
      expect([...list]).toEqual(finishFindings(raw, context));
      expect([...list].filter((f) => f.messageId === 'slow').map((f) => f.message)).toEqual(['slow by 1 ms']);
      expect(list.length).toBe(22);
    } finally {
      spill.close();
    }
  });

  it.each(SMALL)('of: findings already finished, with copies, as the old way keeps and sorts them, %s', (_, limits) => {
    const { raw, context } = dump(300);
    // Finished findings in the order of parts (shuffled), each copy worded apart from the first.
    const findings = raw.map((r, i) => ({ ...finishFinding(r, context), suggestion: `made ${i}` }));
    let seed = 3;
    for (let i = findings.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const j = seed % (i + 1);
      [findings[i], findings[j]] = [findings[j]!, findings[i]!];
    }
    const expected = reference(findings, context);
    expect(expected.length).toBeLessThan(findings.length);
    const spill = new SpillFile('tracetriage-findings-test-');
    try {
      const list = SpilledFindings.of(findings, context, spill, limits);
      expect(list.length).toBe(expected.length);
      expect([...list]).toEqual(expected);
      expect([...list]).toEqual(expected);
    } finally {
      spill.close();
    }
  });

  it('gives back untrusted text exactly: lone surrogates, tabs, newlines, characters of every width', () => {
    const { raw, context } = dump(7);
    const strange = '\ud800 tab\t line\n cr\r é日本🙂 \udfff\u0000 \u2028';
    const findings = raw.map((r, i) => {
      const f = finishFinding(r, context);
      return { ...f, message: `${f.message}${strange}${i}`, evidence: [{ traceId: strange, spanId: null, turn: null, path: strange, kind: 'k', label: strange }] };
    });
    const spill = new SpillFile('tracetriage-findings-test-');
    try {
      const list = SpilledFindings.of(findings, context, spill, { runEntries: 5, runBytes: 1 << 16, fanIn: 2 });
      expect([...list]).toEqual(reference(findings, context));
      expect([...list].every((f) => f.message.includes(strange))).toBe(true);
    } finally {
      spill.close();
    }
  });

  it('refuses limits it cannot sort with', () => {
    const spill = new SpillFile('tracetriage-findings-test-');
    try {
      expect(() => SpilledFindings.of([], { sessionRank: () => 0 }, spill, { runEntries: 3, runBytes: 1 << 16, fanIn: 1 })).toThrow(RangeError);
      expect(() => SpilledFindings.of([], { sessionRank: () => 0 }, spill, { runEntries: 0, runBytes: 1 << 16, fanIn: 2 })).toThrow(RangeError);
    } finally {
      spill.close();
    }
  });
});

// The traces without a session grouped by trace from the file (what JUnit lists, a testcase per
// trace) must be exactly what `looseTraces` groups in memory: the listed traces in list order,
// each once (an id listed twice at its first place), with or without findings, then the traces
// findings name that the list does not, by first finding; each trace's findings in list order.
describe('SpilledFindings.byTrace, read as the traces without a session', () => {
  const LIMITS: ReadonlyArray<[string, SortLimits]> = [['the default limits', SORT_LIMITS], ...SMALL];
  it.each(LIMITS)('groups as looseTraces does, at every pass, %s', (_, limits) => {
    const { raw, context } = dump(300);
    const spill = new SpillFile('tracetriage-findings-test-');
    try {
      const findings = SpilledFindings.finish(raw, context, spill, limits);
      // Listed: most loose traces, not in id order; one twice; one with no finding; some left out
      // (named only by findings).
      const listed = ['tr-loose-none'];
      for (let t = 39; t >= 0; t--) if (t % 7 !== 3) listed.push(`tr-loose-${t}`);
      listed.splice(5, 0, 'tr-loose-12');
      const streamed = new StreamedLooseTraces(findings, listed);
      const expected = looseTraces(listed, [...findings]);
      const aboutLoose = [...findings].filter((f) => f.sessionId === null && f.traceId !== null);
      // The case covers what it claims: findings on unlisted traces, a listed trace without one.
      expect(expected.filter((t) => !listed.includes(t.traceId)).length).toBeGreaterThan(0);
      expect(expected.find((t) => t.traceId === 'tr-loose-none')?.findings).toEqual([]);
      expect(expected.flatMap((t) => t.findings)).toHaveLength(aboutLoose.length);
      expect(new Set(expected.map((t) => t.traceId)).size).toBe(expected.length);
      expect([...streamed]).toEqual(expected);
      // Sorted once, at the first pass; read again at the next.
      expect([...streamed]).toEqual(expected);
    } finally {
      spill.close();
    }
  });

  it('places the traces by their first places in the list, and refuses a list that lost a trace between passes rather than list it out of order', () => {
    const { raw, context } = dump(20);
    const spill = new SpillFile('tracetriage-findings-test-');
    try {
      const findings = SpilledFindings.finish(raw, context, spill);
      const about = [...findings].find((f) => f.sessionId === null && f.traceId !== null)!.traceId!;
      const listed = Array.from({ length: 40 }, (_, t) => `tr-loose-${t}`);
      let pass = 0;
      const changing = {
        *[Symbol.iterator]() {
          // The places are taken from the first read, the first pass from the second.
          yield* pass++ < 2 ? listed : listed.filter((id) => id !== about);
        },
      };
      const streamed = new StreamedLooseTraces(findings, changing);
      expect([...streamed]).toEqual(looseTraces(listed, [...findings]));
      expect(() => [...streamed]).toThrow(`the findings about trace ${JSON.stringify(about)} were placed at ${listed.indexOf(about)}`);
    } finally {
      spill.close();
    }
  });

  it.each(LIMITS)('places the findings by the places their keys hold, as analyze sorts them, %s', (_, limits) => {
    const { raw, context } = dump(300);
    const spill = new SpillFile('tracetriage-findings-test-');
    try {
      const listed = ['tr-loose-none'];
      for (let t = 39; t >= 0; t--) if (t % 7 !== 3) listed.push(`tr-loose-${t}`);
      // Keys hold each listed trace's place (the first, for the one listed twice); the others none.
      listed.splice(5, 0, 'tr-loose-12');
      const sorter = new FindingSorter(spill, limits);
      for (const f of SpilledFindings.finish(raw, context, spill, limits)) {
        const place = f.sessionId === null && f.traceId !== null && listed.includes(f.traceId) ? listed.indexOf(f.traceId) : undefined;
        sorter.add(f, context.sessionRank(f.sessionId), place);
      }
      const findings = sorter.finish();
      const streamed = new StreamedLooseTraces(findings, listed, { placeOf: () => -1, firstOf: (id) => listed.indexOf(id) });
      expect([...streamed]).toEqual(looseTraces(listed, [...findings]));
      expect([...streamed]).toEqual(looseTraces(listed, [...findings]));
    } finally {
      spill.close();
    }
  });
});
