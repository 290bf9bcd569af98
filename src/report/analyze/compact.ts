import type { Finding } from '../../engine/analyze/findings.js';
import type { AnalyzeReport } from './analyze.js';
import type { Paint, Style } from '../shared/style.js';
import { fitLine, visibleWidth } from '../shared/terminal.js';
import { safeText } from '../../shared/escape/terminal.js';
import { plural } from '../../shared/plural.js';
import { compareSeverity, type Severity } from '../../shared/severity.js';
import { cutColumns } from '../../shared/text.js';

/** Each severity's mark in text output. */
export const MARK: Record<Severity, string> = { error: '✖ error', warn: '▲ warn ', info: '· info ' };

/** The paint of each severity's mark (the mark only: the message stays readable in any theme). */
export function paintOf(style: Style, severity: Severity): Paint {
  return severity === 'error' ? style.error : severity === 'warn' ? style.warn : style.info;
}

/** The finding a session's story starts with: where the conversation went wrong (its rule declares the role). */
export function isRootCause(f: Finding): boolean {
  return f.role === 'rootCause';
}

/** Columns of a message in the compact text (a short message: `--verbose` and JSON have it whole). */
const SHORT = 100;
/** Widest session id in the sessions column; longer ids end in `…`. */
const ID_COLUMNS = 28;

/**
 * `analyze`'s default text: a header line; one line per session with its verdict (went wrong at
 * turn N, from the finding its rule calls the root cause, or an error, or "no error" with its warnings, or ok); then the other
 * findings, one line each, repeated ones (same rule, message and severity once numbers and ids
 * are set aside, across turns, traces and sessions) folded into one line with a count; then
 * `summary`. `quiet`: the error findings only, folded the same way, then `summary`. Lines fit
 * `style.width` when set (messages end in `…`).
 */
export function compactAnalyzeText(report: AnalyzeReport, style: Style, summary: string, quiet: boolean): string {
  const out: string[] = [];
  const verdicts = new Set<Finding>();
  if (!quiet) {
    out.push(header(report, style));
    const bySession = new Map<string, Finding[]>();
    for (const f of report.findings) if (f.sessionId !== null) bySession.set(f.sessionId, [...(bySession.get(f.sessionId) ?? []), f]);
    const ids = report.sessions.map((s) => cutColumns(safeText(s.id.replace(/[\r\n\t]+/gu, ' ')), ID_COLUMNS));
    const column = Math.max(0, ...ids.map(visibleWidth));
    report.sessions.forEach((s, i) => {
      const { line, shown } = sessionLine(bySession.get(s.id) ?? [], style);
      if (shown !== null) verdicts.add(shown);
      const id = ids[i]!;
      out.push(`${line.mark} ${id}${' '.repeat(column - visibleWidth(id))}  ${line.text}${partialNote(s.partial)}`);
    });
  }
  const rest = report.findings.filter((f) => !verdicts.has(f) && (!quiet || f.severity === 'error'));
  if (rest.length > 0) {
    if (out.length > 0) out.push('');
    const groups = folded(rest);
    const repeated = groups.length < rest.length ? `, ${plural(rest.length - groups.length, 'repeat')} folded` : '';
    out.push(style.bold(`${quiet ? 'errors' : verdicts.size > 0 ? 'other findings' : 'findings'} (${rest.length}${repeated})`));
    for (const g of groups) out.push(findingLine(g, style));
  }
  if (out.length > 0) out.push('');
  out.push(summary);
  return out.map((line) => fitLine(line, style.width)).join('\n') + '\n';
}

function header(report: AnalyzeReport, style: Style): string {
  let wrong = 0;
  let flagged = 0;
  for (const s of report.sessions) {
    const own = report.findings.filter((f) => f.sessionId === s.id);
    if (own.some((f) => isRootCause(f) || f.severity === 'error')) wrong++;
    else if (own.length > 0) flagged++;
  }
  const parts = [plural(report.sessions.length, 'session'), `${wrong} went wrong`, `${flagged} with warnings or notes`, `${report.sessions.length - wrong - flagged} ok`];
  return style.bold(`analyze: ${parts.join(' · ')}`);
}

interface SessionLine {
  mark: string;
  text: string;
}

/** A session's verdict and the finding it shows (then not listed again), or null for none. */
function sessionLine(findings: readonly Finding[], style: Style): { line: SessionLine; shown: Finding | null } {
  const roots = findings.filter(isRootCause);
  const errors = findings.filter((f) => f.severity === 'error');
  const lead = roots[0] ?? errors[0];
  if (lead !== undefined) {
    const at = lead.turn === null ? '' : ` at ${style.accent(`turn ${lead.turn}`)}`;
    const verdict = isRootCause(lead) ? (lead.severity === 'error' ? 'went wrong' : 'likely went wrong') : 'error';
    // The root cause's first evidence says what failed; the message around it is in --verbose.
    const what = isRootCause(lead) && lead.evidence[0] !== undefined ? lead.evidence[0].label : lead.message;
    const more = roots.length > 1 ? ` (+${plural(roots.length - 1, 'more root cause')})` : '';
    const built = isRootCause(lead) && lead.relatedTurns.length > 0 ? ` (${plural(lead.relatedTurns.length, 'later turn')} built on it)` : '';
    return {
      line: {
        mark: paintOf(style, lead.severity)(MARK[lead.severity][0]!),
        text: `${paintOf(style, lead.severity)(verdict)}${at}: ${lead.ruleId} — ${short(what)}${built}${more}`,
      },
      shown: lead,
    };
  }
  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  const worst = findings.map((f) => f.severity).sort((a, b) => compareSeverity(a, b))[0];
  const notes = [count('warn') > 0 ? `${count('warn')} warn` : '', count('info') > 0 ? `${count('info')} info` : ''].filter(Boolean).join(', ');
  return {
    line: { mark: worst === undefined ? style.ok('✓') : paintOf(style, worst)(MARK[worst][0]!), text: notes === '' ? style.ok('ok') : `no error${style.dim(` · ${notes}`)}` },
    shown: null,
  };
}

/** Findings that say the same thing, the first one standing for all. */
interface Group {
  first: Finding;
  count: number;
  sessions: Set<string>;
  traces: Set<string>;
}

/**
 * Findings grouped by shape: severity, rule, message id and the message with the session id,
 * trace and span ids and numbers set aside (`Turn 5: turn 2 is no longer in the model input…`
 * and `Turn 7: turn 4 is no longer…` are one shape). Severity first, then first appearance.
 */
export function folded(findings: readonly Finding[]): Group[] {
  const groups = new Map<string, Group>();
  for (const f of findings) {
    const key = `${f.severity}\u0000${f.ruleId}\u0000${f.messageId}\u0000${shape(f)}`;
    const group = groups.get(key) ?? { first: f, count: 0, sessions: new Set<string>(), traces: new Set<string>() };
    group.count++;
    if (f.sessionId !== null) group.sessions.add(f.sessionId);
    if (f.traceId !== null) group.traces.add(f.traceId);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => compareSeverity(a.first.severity, b.first.severity));
}

function shape(f: Finding): string {
  let text = f.message;
  if (f.sessionId !== null && f.sessionId !== '') text = text.split(f.sessionId).join('\u0001');
  return text
    .replace(/\btr-[0-9a-f]+\b/giu, '\u0002')
    .replace(/\b[0-9a-f]{16,}\b/giu, '\u0002')
    .replace(/\d+(?:[.,]\d+)*/gu, '\u0003');
}

function findingLine(g: Group, style: Style): string {
  const f = g.first;
  const mark = paintOf(style, f.severity)(MARK[f.severity]);
  const rule = style.dim(f.ruleId);
  if (g.count === 1) return `  ${mark}  ${rule}  ${where(f)}  ${short(f.message)}`;
  const spread = g.sessions.size > 0 ? plural(g.sessions.size, 'session') : plural(g.traces.size, 'trace');
  return `  ${mark}  ${rule}  ${style.bold(`×${g.count}`)} in ${spread}, e.g. ${where(f)}  ${short(f.message)}`;
}

function where(f: Finding): string {
  const turn = f.turn === null ? '' : ` turn ${f.turn}`;
  if (f.sessionId !== null) return `${cutColumns(safeText(f.sessionId), ID_COLUMNS)}${turn}`;
  if (f.traceId !== null) return `trace ${safeText(f.traceId)}`;
  return 'across the dump';
}

/** A message on one line, cut to {@link SHORT} columns. */
function short(text: string): string {
  return cutColumns(safeText(text.replace(/[\r\n\t]+/gu, ' ')), SHORT);
}

/** ` · partial: …` after a session's header when turns before its first turn in the dump are missing. */
export function partialNote(partial: AnalyzeReport['sessions'][number]['partial']): string {
  if (!partial) return '';
  const why = partial.earlierMessages !== null ? `starts mid-conversation (${plural(partial.earlierMessages, 'earlier message')})` : 'from one page of a search';
  return ` · partial: ${why}, turns counted from the first the dump holds`;
}
