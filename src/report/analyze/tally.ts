import type { Finding } from '../../engine/analyze/findings.js';
import { FindingCursor } from '../../shared/finding-cursor.js';
import type { Severity } from '../../shared/severity.js';

/** What a session's verdict is drawn from: its first root-cause finding, else its first error (see `compact.ts`). */
export interface Lead {
  /** The finding's position in the list: the formats that show it once leave it out after. */
  index: number;
  turn: number | null;
  severity: Severity;
  ruleId: string;
  message: string;
  rootCause: boolean;
  /** The first evidence's label, null without evidence. */
  label: string | null;
  relatedTurns: number;
}

/** One session's findings, counted. */
export interface SessionTally {
  findings: number;
  bySeverity: Record<Severity, number>;
  /** Turns of its root-cause findings, in list order. */
  rootTurns: number[];
  roots: number;
  firstRoot: Lead | null;
  firstError: Lead | null;
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

/** A session's findings (`first`: the position of the first in the list), counted. */
export function sessionTally(findings: readonly Finding[], first: number): SessionTally {
  const s: SessionTally = { findings: 0, bySeverity: { error: 0, warn: 0, info: 0 }, rootTurns: [], roots: 0, firstRoot: null, firstError: null };
  findings.forEach((f, i) => {
    s.findings++;
    s.bySeverity[f.severity]++;
    if (f.role === 'rootCause') {
      s.roots++;
      if (f.turn !== null) s.rootTurns.push(f.turn);
      s.firstRoot ??= leadOf(f, first + i);
    }
    if (f.severity === 'error') s.firstError ??= leadOf(f, first + i);
  });
  return s;
}

/**
 * Each session with its findings and their tally, in report order, read in step with the findings
 * ({@link FindingCursor}): what a format shows per session, one session at a time.
 */
export function* sessionsWithFindings<S extends { id: string }>(sessions: Iterable<S>, findings: Iterable<Finding>): Generator<{ session: S; findings: Finding[]; tally: SessionTally }> {
  const cursor = new FindingCursor(findings);
  for (const session of sessions) {
    const first = cursor.index;
    const own = cursor.take(session.id);
    yield { session, findings: own, tally: sessionTally(own, first) };
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
    if (own.some((f) => f.role === 'rootCause' || f.severity === 'error')) tally.wrong++;
    else if (own.length > 0) tally.flagged++;
  }
  for (const f of cursor.rest()) count(f);
  return tally;
}

function leadOf(f: Finding, index: number): Lead {
  return {
    index,
    turn: f.turn,
    severity: f.severity,
    ruleId: f.ruleId,
    message: f.message,
    rootCause: f.role === 'rootCause',
    label: f.evidence[0]?.label ?? null,
    relatedTurns: f.relatedTurns.length,
  };
}
