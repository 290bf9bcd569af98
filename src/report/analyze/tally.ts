import type { Finding } from '../../engine/analyze/findings.js';
import { FindingCursor } from '../../shared/finding-cursor.js';
import type { Severity } from '../../shared/severity.js';

/** One session's findings, counted. */
export interface SessionTally {
  findings: number;
  bySeverity: Record<Severity, number>;
  /** Turns of its root-cause findings, in list order. */
  rootTurns: number[];
  roots: number;
  /** What its verdict is drawn from (see `compact.ts`): {@link leadOf} its findings. */
  lead: Finding | null;
}

/** The findings counted in one pass, and the sessions by what their findings say. */
export interface FindingTally {
  total: number;
  bySeverity: Record<Severity, number>;
  roots: number;
  /** Sessions with a root cause or an error finding. */
  wrong: number;
  /** The other sessions with findings (warnings or notes only). */
  flagged: number;
}

/** A session's findings, counted. */
export function sessionTally(findings: readonly Finding[]): SessionTally {
  const s: SessionTally = { findings: findings.length, bySeverity: { error: 0, warn: 0, info: 0 }, rootTurns: [], roots: 0, lead: leadOf(findings) };
  for (const f of findings) {
    s.bySeverity[f.severity]++;
    if (f.role === 'rootCause') {
      s.roots++;
      if (f.turn !== null) s.rootTurns.push(f.turn);
    }
  }
  return s;
}

/** The finding a session's verdict is drawn from: its first root-cause finding, else its first error, else none. */
export function leadOf(findings: readonly Finding[]): Finding | null {
  return findings.find((f) => f.role === 'rootCause') ?? findings.find((f) => f.severity === 'error') ?? null;
}

/**
 * Each session with its findings and their tally, in report order, read in step with the findings
 * ({@link FindingCursor}): what a format shows per session, one session at a time.
 */
export function* sessionsWithFindings<S extends { id: string }>(sessions: Iterable<S>, findings: Iterable<Finding>): Generator<{ session: S; findings: Finding[]; tally: SessionTally }> {
  const cursor = new FindingCursor(findings);
  for (const session of sessions) {
    const own = cursor.take(session.id);
    yield { session, findings: own, tally: sessionTally(own) };
  }
}

/**
 * Counts the findings in one pass, in step with the sessions, holding one session's findings at a
 * time: a list read back from a temporary file stays there.
 */
export function tallyFindings(findings: Iterable<Finding>, sessions: Iterable<{ id: string }> = []): FindingTally {
  const tally: FindingTally = { total: 0, bySeverity: { error: 0, warn: 0, info: 0 }, roots: 0, wrong: 0, flagged: 0 };
  const count = (f: Finding): void => {
    tally.total++;
    tally.bySeverity[f.severity]++;
    if (f.role === 'rootCause') tally.roots++;
  };
  const cursor = new FindingCursor(findings);
  for (const session of sessions) {
    const own = cursor.take(session.id);
    own.forEach(count);
    if (leadOf(own) !== null) tally.wrong++;
    else if (own.length > 0) tally.flagged++;
  }
  for (const f of cursor.rest()) count(f);
  return tally;
}
