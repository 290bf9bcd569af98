import { describe, expect, it } from 'vitest';
import { RawFindingSpill, SpilledFindings } from '../../src/engine/analyze/finding-spill.js';
import { finishFindings, type FinishContext, type RawFinding, type TraceLocation } from '../../src/engine/analyze/findings.js';
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
