import type { Evidence, Finding } from '../../engine/analyze/findings.js';
import type { Severity } from '../../rules/api.js';
import { PLAIN_STYLE, type Style } from '../shared/style.js';
import { jsonDocumentChunks, mapped, type Verbosity } from '../format.js';
import { safeText } from '../../shared/escape/terminal.js';
import { plural } from '../../shared/plural.js';
import { compactAnalyzeChunks, isRootCause, MARK, paintOf, partialNote } from './compact.js';
import { FindingCursor } from '../../shared/finding-cursor.js';
import { sessionsWithFindings, tallyFindings, type FindingTally, type SessionTally } from './tally.js';
import type { RowList } from '../../shared/columns.js';
import type { TextSpool } from '../../shared/text-spool.js';
import type { LooseTrace } from '../../shared/loose-traces.js';
import { fitLines } from '../shared/terminal.js';

/** What `analyze` reports: the findings and what was read (types from the engine, no logic). */
export interface AnalyzeReport {
  /**
   * In the engine's order (a session's findings together, sessions in `sessions` order, then the
   * traces without a session, then the dump). Read more than once (each format counts, then
   * prints), so a list read back from a file at each pass will do (`SpilledFindings`).
   */
  findings: Iterable<Finding>;
  /**
   * Sessions analysed, in report order: id, turns, user, and each turn's trace id (turn N at
   * N - 1). Read once per pass, each pass anew (a list made from the session stage's columns as
   * it is read will do): a format holds one session at a time, and reads a session's findings
   * beside it, in step (`sessionsWithFindings`).
   */
  sessions: RowList<AnalyzeSessionInfo>;
  tracesWithoutSession: number;
  /** Trace ids of the traces without a session, by request time (read once per pass). */
  withoutSessionTraceIds: Iterable<string>;
  /**
   * Those traces each once with the findings about them, as `looseTraces` (shared/loose-traces.ts)
   * makes them from `withoutSessionTraceIds` and `findings`, read once per pass: the engine hands
   * them from its temporary file, so that JUnit, which lists them by trace, need not hold their
   * findings; absent, JUnit makes them in memory.
   */
  withoutSessionTraces?: Iterable<LooseTrace<Finding>>;
  /**
   * Where a format may put texts aside until its end (the text format's folded lines): the
   * engine's temporary file; absent, they are held in memory.
   */
  spool?: () => TextSpool;
  traces: number;
  duplicates: number;
  outsideSelection: number;
  /** Records that could not be read as traces (counted on stderr too). */
  rejected: number;
  rules: readonly string[];
  config: string | null;
  failOn: Severity | 'none';
  /** True when a finding reaches `failOn`. */
  failed: boolean;
  /**
   * The status the process returns and why (`exitVerdict`), which the summary line states; when
   * absent (a report made outside the CLI), it is read from `failed`.
   */
  exit?: { code: 0 | 1 | 2; reason: string };
}

/** A session as the `analyze` formats show it. */
export interface AnalyzeSessionInfo {
  id: string;
  turns: number;
  user: string | null;
  /** Read once per pass (a list that reads them back from columns will do). */
  turnTraceIds: Iterable<string>;
  /** Turns before its first turn in the dump are missing (see `AnalyzedSession.partial`); absent or null when not. */
  partial?: { earlierMessages: number | null; pagedSources: readonly string[] } | null;
}

/** Evidence lines shown per finding in text (JSON has all). */
const SHOWN_EVIDENCE = 8;

/**
 * Terminal text. `normal` (the default): one line per session with its verdict and the other
 * findings folded (`analyze-compact.ts`); `quiet`: the error findings only; `verbose`: one block
 * per session (root causes first, then the other findings in the engine's order, each with its
 * location and evidence), then traces without a session, then findings about the dump as a whole.
 * All end in one summary line. Every piece of trace text goes through `safeText`; `style` paints
 * our own words after that (severity marks, headers, the verdict), never trace text before it,
 * and its width, when set, is fitted (verbose lines wrap).
 */
export function analyzeText(report: AnalyzeReport, style: Style = PLAIN_STYLE, verbosity: Verbosity = 'normal'): string {
  return [...analyzeTextChunks(report, style, verbosity)].join('');
}

/** {@link analyzeText} in pieces: the findings are counted in one pass, then read again as the text is made. */
export function* analyzeTextChunks(report: AnalyzeReport, style: Style = PLAIN_STYLE, verbosity: Verbosity = 'normal'): Generator<string> {
  const tally = tallyFindings(report.findings, report.sessions);
  const summary = summaryLine(report, tally, style);
  if (verbosity !== 'verbose') {
    yield* compactAnalyzeChunks(report, tally, style, summary, verbosity === 'quiet');
    return;
  }
  // A suggestion is printed once, at its first finding: the same advice under every turn is noise.
  const said = new Set<string>();
  const fit = (out: readonly string[]): string => `${fitLines(out.join('\n'), style.width, 'wrap')}\n`;
  // One block at a time, read in step with the sessions: a session's findings are together in
  // the list, and the sessions come in its order (see `AnalyzeReport.findings`).
  const cursor = new FindingCursor(report.findings);
  for (const s of report.sessions) {
    const findings = cursor.take(s.id);
    if (findings.length === 0) continue;
    const user = s.user === null ? '' : ` · user ${safeText(s.user)}`;
    const out = [style.bold(`session ${safeText(s.id)} · ${plural(s.turns, 'turn')}${user}${partialNote(s.partial)}`)];
    for (const f of [...findings.filter(isRootCause), ...findings.filter((f) => !isRootCause(f))]) out.push(...linesOf(f, said, style));
    out.push('');
    yield fit(out);
  }
  // Then the traces without a session, and the dump; the findings of a session the report does
  // not list (it always should) are not shown.
  let block: Finding[] = [];
  let key: string | null | undefined;
  const flush = (): string => {
    const findings = block;
    block = [];
    if (findings.length === 0 || (key !== '' && key !== null)) return '';
    const out = [style.bold(key === '' ? 'traces without a session' : 'across the dump')];
    for (const f of findings) out.push(...linesOf(f, said, style));
    out.push('');
    return fit(out);
  };
  for (const f of cursor.rest()) {
    const k = f.sessionId ?? (f.traceId === null ? null : '');
    if (k !== key && block.length > 0) {
      const text = flush();
      if (text !== '') yield text;
    }
    key = k;
    block.push(f);
  }
  const text = flush();
  if (text !== '') yield text;
  yield fit([summary]);
}

function linesOf(f: Finding, said: Set<string>, style: Style): string[] {
  // The root cause's turn stands out: it is where a reader starts.
  const turn = f.turn === null ? '' : `${isRootCause(f) ? style.accent(`turn ${f.turn}`) : `turn ${f.turn}`}  `;
  const mark = paintOf(style, f.severity)(MARK[f.severity]);
  const lines = [`  ${mark}  ${turn}${safeText(f.message)}  ${style.dim(`[${f.ruleId}/${f.messageId}]`)}`];
  const at = [f.traceId && `trace ${safeText(f.traceId)}`, f.spanId && `span ${safeText(f.spanId)}`, f.path && safeText(f.path)].filter(Boolean);
  if (at.length > 0) lines.push(style.dim(`      at ${at.join(' · ')}`));
  for (const e of f.evidence.slice(0, SHOWN_EVIDENCE)) lines.push(`      - ${evidenceText(e)}`);
  if (f.evidence.length > SHOWN_EVIDENCE) lines.push(`      - … ${f.evidence.length - SHOWN_EVIDENCE} more (--format json lists all)`);
  if (f.suggestion !== null && !said.has(f.suggestion)) {
    said.add(f.suggestion);
    lines.push(`      fix: ${safeText(f.suggestion)}`);
  }
  return lines;
}

function evidenceText(e: Evidence): string {
  const where = [e.turn === null ? null : `turn ${e.turn}`, e.path === null ? null : safeText(e.path)].filter(Boolean).join(' ');
  return `${safeText(e.label)}${where === '' ? '' : `  (${where})`}`;
}

function summaryLine(r: AnalyzeReport, tally: FindingTally, style: Style): string {
  const count = tally.bySeverity;
  const parts = [
    `${plural(tally.total, 'finding')}: ${count.error} error, ${count.warn} warn, ${count.info} info`,
    plural(tally.roots, 'root cause'),
    `${plural(r.sessions.length, 'session')}, ${plural(r.traces, 'trace')} read`,
  ];
  if (r.tracesWithoutSession > 0) parts.push(`${r.tracesWithoutSession} without a session`);
  if (r.duplicates > 0) parts.push(`${plural(r.duplicates, 'copy', 'copies')} of traces left out`);
  if (r.outsideSelection > 0) parts.push(`${r.outsideSelection} of other sessions left out`);
  if (r.rejected > 0) parts.push(`${plural(r.rejected, 'record')} rejected`);
  parts.push(plural(r.rules.length, 'rule'), `config ${r.config === null ? 'none' : safeText(r.config)}`);
  const exit = r.exit ?? (r.failOn === 'none' ? null : r.failed ? { code: 1, reason: `findings at or above ${r.failOn}` } : { code: 0, reason: `nothing at or above ${r.failOn}` });
  // `--fail-on none` with a clean read says nothing of a status (it is 0 whatever was found).
  const verdict = exit === null || (exit.code === 0 && r.failOn === 'none') ? '' : ` ${(exit.code === 0 ? style.ok : style.error)(`→ exit ${exit.code} (${exit.reason})`)}`;
  return parts.join(' · ') + verdict;
}

/**
 * `analyze --format json` as pieces of text to write one after the other: byte for byte
 * `JSON.stringify(analyzeJson(report), null, 2)` and a newline, without holding that whole text
 * (tens of MB for a big dump), every session's or every finding's JSON object at once.
 */
export function* analyzeJsonChunks(report: AnalyzeReport): Generator<string> {
  const tally = tallyFindings(report.findings, report.sessions);
  const sessions = mapped(sessionsWithFindings(report.sessions, report.findings), ({ session, tally }) => sessionJson(session, tally));
  const findings = mapped(report.findings, findingJson);
  yield* jsonDocumentChunks(analyzeDocument(report, tally, [], []), { sessions, findings });
}

/** `analyze --format json` (schemas/analyze-output.schema.json): snake_case, `schema_version`. */
export function analyzeJson(report: AnalyzeReport, tally: FindingTally = tallyFindings(report.findings, report.sessions)): Record<string, unknown> {
  return analyzeDocument(
    report,
    tally,
    Array.from(sessionsWithFindings(report.sessions, report.findings), ({ session, tally }) => sessionJson(session, tally)),
    Array.from(report.findings, findingJson),
  );
}

/** The document of `analyze --format json` with the sessions and findings given (empty: the head of a streamed one). */
export function analyzeDocument(report: AnalyzeReport, tally: FindingTally, sessions: unknown[], findings: unknown[]): Record<string, unknown> {
  const count = (s: Severity): number => tally.bySeverity[s];
  return {
    schema_version: 1,
    summary: {
      traces: report.traces,
      sessions: report.sessions.length,
      traces_without_session: report.tracesWithoutSession,
      duplicate_traces: report.duplicates,
      outside_selection: report.outsideSelection,
      rejected_records: report.rejected,
      findings: tally.total,
      by_severity: { error: count('error'), warn: count('warn'), info: count('info') },
      root_causes: tally.roots,
      rules: [...report.rules],
      config: report.config,
      fail_on: report.failOn,
      failed: report.failed,
    },
    sessions,
    findings,
  };
}

function sessionJson(s: AnalyzeSessionInfo, tally: SessionTally) {
  return {
    session_id: s.id,
    user: s.user,
    turns: s.turns,
    findings: tally.findings,
    root_cause_turns: tally.rootTurns,
    partial: s.partial ? { earlier_messages: s.partial.earlierMessages, paged_sources: [...s.partial.pagedSources] } : null,
  };
}

/** One finding of `analyze --format json` (schemas/analyze-output.schema.json, `findings[]`). */
export interface FindingJson {
  rule_id: string;
  message_id: string;
  severity: Finding['severity'];
  message: string;
  session_id: string | null;
  trace_id: string | null;
  span_id: string | null;
  turn: number | null;
  path: string | null;
  related_turns: number[];
  evidence: Array<{ trace_id: string | null; span_id: string | null; turn: number | null; path: string | null; kind: string; label: string }>;
  suggestion: string | null;
  fingerprint: string;
}

/** A finding as `analyze --format json` prints it (and as `--format parquet` stores its row). */
export function findingJson(f: Finding): FindingJson {
  return {
    rule_id: f.ruleId,
    message_id: f.messageId,
    severity: f.severity,
    message: f.message,
    session_id: f.sessionId,
    trace_id: f.traceId,
    span_id: f.spanId,
    turn: f.turn,
    path: f.path,
    related_turns: f.relatedTurns,
    evidence: f.evidence.map((e) => ({ trace_id: e.traceId, span_id: e.spanId, turn: e.turn, path: e.path, kind: e.kind, label: e.label })),
    suggestion: f.suggestion,
    fingerprint: f.fingerprint,
  };
}
