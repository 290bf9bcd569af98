import type { Finding } from '../../engine/analyze/findings.js';
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

/** The findings counted in one pass: what the summaries of every `analyze` format say before the findings. */
export interface FindingTally {
  total: number;
  bySeverity: Record<Severity, number>;
  roots: number;
  /** By session id (findings with a session only). */
  sessions: Map<string, SessionTally>;
}

/**
 * Counts findings in one pass, holding per session a few numbers and at most two short leads,
 * never the findings: a list read back from a temporary file stays there.
 */
export function tallyFindings(findings: Iterable<Finding>): FindingTally {
  const tally: FindingTally = { total: 0, bySeverity: { error: 0, warn: 0, info: 0 }, roots: 0, sessions: new Map() };
  let index = 0;
  for (const f of findings) {
    const root = f.role === 'rootCause';
    tally.total++;
    tally.bySeverity[f.severity]++;
    if (root) tally.roots++;
    if (f.sessionId !== null) {
      let s = tally.sessions.get(f.sessionId);
      if (s === undefined) {
        s = { findings: 0, bySeverity: { error: 0, warn: 0, info: 0 }, rootTurns: [], roots: 0, firstRoot: null, firstError: null };
        tally.sessions.set(f.sessionId, s);
      }
      s.findings++;
      s.bySeverity[f.severity]++;
      if (root) {
        s.roots++;
        if (f.turn !== null) s.rootTurns.push(f.turn);
        s.firstRoot ??= leadOf(f, index);
      }
      if (f.severity === 'error') s.firstError ??= leadOf(f, index);
    }
    index++;
  }
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
