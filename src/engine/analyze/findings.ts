import { createHash } from 'node:crypto';
import type { EvidenceInput, FindingRole, ReportDescriptor, RuleMeta, Severity } from '../../rules/api.js';
import { compareSeverity } from '../../shared/severity.js';

/** One piece of evidence, located. */
export interface Evidence {
  traceId: string | null;
  spanId: string | null;
  /** 1-based turn of the trace in its session, when it has one. */
  turn: number | null;
  path: string | null;
  kind: string;
  label: string;
}

/**
 * A finding as reporters see it: the rule's facts, worded and ranked by the engine. Every finding
 * points somewhere a person can go (session, trace, span, turn, JSONPath), and `fingerprint` is
 * the same on every run over the same input.
 */
export interface Finding {
  ruleId: string;
  messageId: string;
  severity: Severity;
  message: string;
  sessionId: string | null;
  traceId: string | null;
  spanId: string | null;
  /** 1-based turn in the session; null for findings about a session or the dump as a whole. */
  turn: number | null;
  path: string | null;
  /** Other turns the finding covers (e.g. the turns a root cause explains), ascending. */
  relatedTurns: number[];
  evidence: Evidence[];
  suggestion: string | null;
  fingerprint: string;
  /** The message's role, as its rule declares it (`RuleMeta.roles`); null for most findings. */
  role: FindingRole | null;
}

/** A report as a rule made it, before the engine located, worded and ranked it. */
export interface RawFinding {
  ruleId: string;
  descriptor: ReportDescriptor;
}

/** Where a trace sits: its session and 1-based turn (null for traces without a session). */
export interface TraceLocation {
  sessionId: string | null;
  turn: number | null;
}

/** What the engine needs to finish raw findings. */
export interface FinishContext {
  meta: ReadonlyMap<string, RuleMeta>;
  /** Severity set by the config for a rule, over every message's default. */
  severityOverride: ReadonlyMap<string, Severity>;
  locate(traceId: string): TraceLocation | undefined;
  /** Position of a session in the report order (sessions first, by first time; then the rest). */
  sessionRank(sessionId: string | null): number;
}

/**
 * Words, locates, fingerprints, de-duplicates and sorts raw findings. The order is fixed: session
 * (report order; then the traces without a session, then the dump), then turn (session-level
 * findings first), then severity, rule, message, span, fingerprint; the same input gives the same
 * list on every run.
 */
export function finishFindings(raw: readonly RawFinding[], context: FinishContext): Finding[] {
  const byPrint = new Map<string, Finding>();
  for (const r of raw) {
    const finding = finishFinding(r, context);
    if (!byPrint.has(finding.fingerprint)) byPrint.set(finding.fingerprint, finding);
  }
  const keyed = [...byPrint.values()].map((f) => ({ f, key: findingKey(f, context) }));
  return keyed.sort((a, b) => compareFindingKeys(a.key, b.key)).map((k) => k.f);
}

/** What orders a finding among the others (see {@link finishFindings}): small, so a run may hold one per finding. */
export interface FindingKey {
  /** The session's position in the report order (see `FinishContext.sessionRank`). */
  rank: number;
  sessionId: string | null;
  /** 1 for a finding about the dump as a whole (no session, no trace), else 0. */
  dump: number;
  turn: number | null;
  severity: Severity;
  ruleId: string;
  messageId: string;
  spanId: string | null;
  fingerprint: string;
  /**
   * For a finding about a trace without a session, when known where it is made: that trace's
   * first place in their list (see `FindingSorter.add`). Not part of the order.
   */
  place?: number;
}

/** A finding's {@link FindingKey}. */
export function findingKey(f: Finding, context: Pick<FinishContext, 'sessionRank'>): FindingKey {
  return {
    rank: context.sessionRank(f.sessionId),
    sessionId: f.sessionId,
    dump: f.sessionId === null && f.traceId === null ? 1 : 0,
    turn: f.turn,
    severity: f.severity,
    ruleId: f.ruleId,
    messageId: f.messageId,
    spanId: f.spanId,
    fingerprint: f.fingerprint,
  };
}

/** The order of findings: a total order once fingerprints are unique. */
export function compareFindingKeys(a: FindingKey, b: FindingKey): number {
  return (
    a.rank - b.rank ||
    (a.sessionId === b.sessionId ? 0 : compare(a.sessionId ?? '', b.sessionId ?? '')) ||
    // Outside the sessions: the traces without a session before the findings about the dump.
    a.dump - b.dump ||
    (a.turn ?? 0) - (b.turn ?? 0) ||
    compareSeverity(a.severity, b.severity) ||
    compare(a.ruleId, b.ruleId) ||
    compare(a.messageId, b.messageId) ||
    compare(a.spanId ?? '', b.spanId ?? '') ||
    compare(a.fingerprint, b.fingerprint)
  );
}

/** Words, locates and fingerprints one raw finding. */
export function finishFinding({ ruleId, descriptor: d }: RawFinding, context: FinishContext): Finding {
  const meta = context.meta.get(ruleId);
  if (meta === undefined) throw new Error(`finding of unknown rule ${ruleId}`);
  const template = (meta.messages as Record<string, string>)[d.messageId];
  if (template === undefined) throw new Error(`rule ${ruleId} reported unknown message id ${JSON.stringify(d.messageId)}`);
  const where = d.traceId ? context.locate(d.traceId) : undefined;
  // `''` is the id of a trace without a session visited as a one-turn session: no session.
  const sessionId = d.sessionId || where?.sessionId || null;
  const traceId = d.traceId ?? null;
  const spanId = d.spanId ?? null;
  const path = d.path ?? null;
  const suggestionTemplate = (meta.suggestions as Record<string, string | undefined> | undefined)?.[d.messageId];
  const severity = context.severityOverride.get(ruleId) ?? (meta.messageSeverity as Record<string, Severity | undefined> | undefined)?.[d.messageId] ?? meta.severity;
  return {
    ruleId,
    messageId: d.messageId,
    severity,
    message: fill(template, d.data ?? {}, ruleId, d.messageId),
    sessionId,
    traceId,
    spanId,
    turn: where?.turn ?? null,
    path,
    relatedTurns: [...new Set(d.relatedTurns ?? [])].sort((a, b) => a - b),
    evidence: (d.evidence ?? []).map((e) => evidence(e, traceId, context)),
    suggestion: suggestionTemplate === undefined ? null : fill(suggestionTemplate, d.data ?? {}, ruleId, d.messageId),
    fingerprint: fingerprint([ruleId, d.messageId, sessionId ?? '', traceId ?? '', spanId ?? '', path ?? '', d.key ?? '']),
    role: (meta.roles as Record<string, FindingRole | undefined> | undefined)?.[d.messageId] ?? null,
  };
}

function evidence(e: EvidenceInput, traceId: string | null, context: FinishContext): Evidence {
  const id = e.traceId === undefined ? traceId : e.traceId;
  return {
    traceId: id,
    spanId: e.spanId ?? null,
    turn: id === null ? null : (context.locate(id)?.turn ?? null),
    path: e.path ?? null,
    kind: e.kind,
    label: e.label,
  };
}

/** Fills `{{name}}` from data; a name the data lacks is a bug in the rule, so it throws. */
function fill(template: string, data: Readonly<Record<string, string | number>>, ruleId: string, messageId: string): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/gu, (_, name: string) => {
    const value = data[name];
    if (value === undefined) throw new Error(`rule ${ruleId} message ${messageId}: no data for {{${name}}}`);
    return String(value);
  });
}

/**
 * 16 hex digits of SHA-256 over the finding's identity (never its wording, which may change).
 * Only the first 8 bytes are turned into hex: a cut of the whole 64-digit text would be a V8 sliced
 * string that keeps the whole text alive, 112 bytes a finding instead of 32.
 */
function fingerprint(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest().toString('hex', 0, 8);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
