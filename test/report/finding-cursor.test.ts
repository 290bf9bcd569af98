import { describe, expect, it } from 'vitest';
import { FindingCursor } from '../../src/shared/finding-cursor.js';
import type { Finding } from '../../src/engine/analyze/findings.js';
import { leadOf, sessionsWithFindings, tallyFindings } from '../../src/report/analyze/tally.js';

function finding(sessionId: string | null, over: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'r',
    messageId: 'm',
    severity: 'warn',
    role: null,
    message: `about ${sessionId}`,
    sessionId,
    traceId: sessionId === null ? 'tr-loose' : 'tr-1',
    spanId: null,
    turn: sessionId === null ? null : 1,
    path: null,
    relatedTurns: [],
    evidence: [],
    suggestion: null,
    fingerprint: 'f',
    ...over,
  } as Finding;
}

// The formats read each session's findings beside it, in step, instead of a map of every session:
// the findings come in the engine's order (a session's together, sessions in report order, then
// those without a listed session).
describe('FindingCursor and the tally read in step', () => {
  const sessions = [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: '' }];
  const findings = [
    finding('a', { severity: 'info' }),
    finding('a', { severity: 'error', role: 'rootCause', turn: 2 }),
    finding('c', { severity: 'warn' }),
    finding('', { severity: 'info' }),
    finding('unlisted', { severity: 'error' }),
    finding(null, { severity: 'error' }),
    finding(null, { traceId: null, severity: 'info' }),
  ];

  it('gives each session its findings, then the rest', () => {
    const cursor = new FindingCursor(findings);
    expect(cursor.take('a')).toEqual(findings.slice(0, 2));
    expect(cursor.take('b')).toEqual([]);
    expect(cursor.take('c')).toEqual([findings[2]]);
    expect(cursor.take('')).toEqual([findings[3]]);
    expect([...cursor.rest()]).toEqual(findings.slice(4));
  });

  it('tallies each session from its own findings, its lead the first root cause, else the first error', () => {
    const got = [...sessionsWithFindings(sessions, findings)];
    expect(got.map((g) => [g.session.id, g.findings.length, g.tally.findings])).toEqual([
      ['a', 2, 2],
      ['b', 0, 0],
      ['c', 1, 1],
      ['', 1, 1],
    ]);
    expect(got[0]!.tally.lead).toBe(findings[1]);
    expect(got[0]!.tally.rootTurns).toEqual([2]);
    expect(got[0]!.tally.bySeverity).toEqual({ error: 1, warn: 0, info: 1 });
    expect(got[2]!.tally.lead).toBeNull();
    expect(leadOf([findings[2]!, findings[4]!, findings[1]!])).toBe(findings[1]);
    expect(leadOf([findings[2]!, findings[4]!])).toBe(findings[4]);
  });

  it('counts every finding, and the sessions that went wrong or were flagged', () => {
    expect(tallyFindings(findings, sessions)).toEqual({ total: 7, bySeverity: { error: 3, warn: 1, info: 3 }, roots: 1, wrong: 1, flagged: 2 });
    // Without the sessions: the same counts, no session judged.
    expect(tallyFindings(findings)).toEqual({ total: 7, bySeverity: { error: 3, warn: 1, info: 3 }, roots: 1, wrong: 0, flagged: 0 });
  });
});
