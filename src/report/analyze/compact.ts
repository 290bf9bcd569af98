import { createHash } from 'node:crypto';
import type { Finding } from '../../engine/analyze/findings.js';
import type { AnalyzeReport, AnalyzeSessionInfo } from './analyze.js';
import { FindingCursor } from '../../shared/finding-cursor.js';
import { looseTraces, type LooseTrace } from '../../shared/loose-traces.js';
import { leadOf, sessionsWithFindings, type FindingTally, type SessionTally } from './tally.js';
import type { Paint, Style } from '../shared/style.js';
import { fitLine, visibleWidth } from '../shared/terminal.js';
import { safeText } from '../../shared/escape/terminal.js';
import { plural } from '../../shared/plural.js';
import { SEVERITIES, type Severity } from '../../shared/severity.js';
import { memorySpool, type TextSpool } from '../../shared/text-spool.js';
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
 * `style.width` when set (messages end in `…`). Yields the text in pieces; `tally` is the
 * findings counted (`tallyFindings`), and the findings are read once more, for the folded lines.
 */
export function* compactAnalyzeChunks(report: AnalyzeReport, tally: FindingTally, style: Style, summary: string, quiet: boolean): Generator<string> {
  const lines = (out: readonly string[]): string => out.map((line) => `${fitLine(line, style.width)}\n`).join('');
  let said = false;
  if (!quiet) {
    yield lines([header(report, tally, style)]);
    said = true;
    const idText = (id: string): string => cutColumns(safeText(id.replace(/[\r\n\t]+/gu, ' ')), ID_COLUMNS);
    // The widest id first (one pass over the sessions, holding none), then a line per session.
    let column = 0;
    for (const s of report.sessions) column = Math.max(column, visibleWidth(idText(s.id)));
    const out: string[] = [];
    for (const { session: s, tally: own } of sessionsWithFindings(report.sessions, report.findings)) {
      const line = sessionLine(own, style);
      const id = idText(s.id);
      out.push(`${line.mark} ${id}${' '.repeat(column - visibleWidth(id))}  ${line.text}${partialNote(s.partial)}`);
      if (out.length >= LINES_PER_CHUNK) yield lines(out.splice(0));
    }
    yield lines(out);
  }
  // The other findings: in step with the sessions again, each session's lead (shown on its line
  // above) left out, so nothing is kept per session between the two passes.
  const fold = new Folding(report.spool?.() ?? memorySpool());
  const take = (f: Finding): void => {
    if (!quiet || f.severity === 'error') fold.add(f);
  };
  const cursor = new FindingCursor(report.findings);
  let leads = 0;
  for (const s of report.sessions) {
    const own = cursor.take(s.id);
    const lead = quiet ? null : leadOf(own);
    if (lead !== null) leads++;
    for (const f of own) if (f !== lead) take(f);
  }
  for (const f of cursor.rest()) take(f);
  // How many traces without a session a group's findings are about, read a trace at a time
  // (`withoutSessionTraces`), not gathered in a set per group: only if a line shows it.
  if (fold.needsTraces()) fold.countTraces(report.withoutSessionTraces ?? looseTraces(report.withoutSessionTraceIds, report.findings), (f) => !quiet || f.severity === 'error');
  const out: string[] = [];
  if (fold.count > 0) {
    if (said) out.push('');
    const repeated = fold.groupCount < fold.count ? `, ${plural(fold.count - fold.groupCount, 'repeat')} folded` : '';
    out.push(style.bold(`${quiet ? 'errors' : leads > 0 ? 'other findings' : 'findings'} (${fold.count}${repeated})`));
    for (const g of fold.groups()) {
      out.push(findingLine(g, style));
      if (out.length >= LINES_PER_CHUNK) yield lines(out.splice(0));
    }
  }
  if (said || out.length > 0) out.push('');
  out.push(summary);
  yield lines(out);
}

/** Lines per piece of text yielded. */
const LINES_PER_CHUNK = 1000;

function header(report: AnalyzeReport, tally: FindingTally, style: Style): string {
  const { wrong, flagged } = tally;
  const parts = [plural(report.sessions.length, 'session'), `${wrong} went wrong`, `${flagged} with warnings or notes`, `${report.sessions.length - wrong - flagged} ok`];
  return style.bold(`analyze: ${parts.join(' · ')}`);
}

interface SessionLine {
  mark: string;
  text: string;
}

/** A session's verdict, from its findings' tally (the finding it shows is not listed again). */
function sessionLine(own: SessionTally, style: Style): SessionLine {
  const { lead } = own;
  if (lead !== null) {
    const rootCause = isRootCause(lead);
    const at = lead.turn === null ? '' : ` at ${style.accent(`turn ${lead.turn}`)}`;
    const verdict = rootCause ? (lead.severity === 'error' ? 'went wrong' : 'likely went wrong') : 'error';
    // The root cause's first evidence says what failed; the message around it is in --verbose.
    const label = lead.evidence[0]?.label;
    const what = rootCause && label !== undefined ? label : lead.message;
    const more = own.roots > 1 ? ` (+${plural(own.roots - 1, 'more root cause')})` : '';
    const built = rootCause && lead.relatedTurns.length > 0 ? ` (${plural(lead.relatedTurns.length, 'later turn')} built on it)` : '';
    return {
      mark: paintOf(style, lead.severity)(MARK[lead.severity][0]!),
      text: `${paintOf(style, lead.severity)(verdict)}${at}: ${lead.ruleId} — ${short(what)}${built}${more}`,
    };
  }
  const warn = own.bySeverity.warn;
  const info = own.bySeverity.info;
  const worst: Severity | undefined = warn > 0 ? 'warn' : info > 0 ? 'info' : undefined;
  const notes = [warn > 0 ? `${warn} warn` : '', info > 0 ? `${info} info` : ''].filter(Boolean).join(', ');
  return { mark: worst === undefined ? style.ok('✓') : paintOf(style, worst)(MARK[worst][0]!), text: notes === '' ? style.ok('ok') : `no error${style.dim(` · ${notes}`)}` };
}

/** Findings that say the same thing: what the first one shows, and how many and where. */
interface Group {
  severity: Severity;
  ruleId: string;
  where: string;
  message: string;
  count: number;
  /** Sessions its findings are in (counted as they change: a session's findings come together). */
  sessions: number;
  /** How many traces without a session its findings are about ({@link Folding.countTraces}). */
  traces: number;
}

/**
 * Findings grouped by shape: severity, rule, message id and the message with the session id,
 * trace and span ids and numbers set aside (`Turn 5: turn 2 is no longer in the model input…`
 * and `Turn 7: turn 4 is no longer…` are one shape). Severity first, then first appearance. A
 * group keeps the first finding's line, not the finding: the line's place and message wait in
 * `texts` (the run's temporary file, when it has one), and memory holds per group only its key,
 * its counts and references to its rule id and last session id, so that the folded lines (as many
 * as the findings when their messages quote judges' rationales) do not grow the heap with the input.
 */
class Folding {
  count = 0;
  /** Group numbers by key, in order of first appearance. */
  private readonly byShape = new Map<string, number>();
  private readonly severity: Severity[] = [];
  private readonly ruleId: string[] = [];
  private readonly counts: number[] = [];
  private readonly sessions: number[] = [];
  private readonly lastSession: Array<string | null> = [];
  /** Findings about traces without a session (no session, a trace); then how many traces those are. */
  private readonly aboutTraces: number[] = [];
  private readonly traces: number[] = [];

  /** @param texts - each group's `where` and message as `[where, message]` JSON, in group order */
  constructor(private readonly texts: TextSpool) {}

  get groupCount(): number {
    return this.counts.length;
  }

  add(f: Finding): void {
    this.count++;
    const key = shapeKey(f);
    let g = this.byShape.get(key);
    if (g === undefined) {
      g = this.counts.length;
      this.byShape.set(key, g);
      this.severity.push(f.severity);
      this.ruleId.push(f.ruleId);
      this.counts.push(0);
      this.sessions.push(0);
      this.lastSession.push(null);
      this.aboutTraces.push(0);
      this.traces.push(0);
      this.texts.append(JSON.stringify([where(f), short(f.message)]));
    }
    this.counts[g]!++;
    if (f.sessionId !== null) {
      if (f.sessionId !== this.lastSession[g]) this.sessions[g]!++;
      this.lastSession[g] = f.sessionId;
    }
    // Traces count only in a group without sessions (the spread names sessions when it has some);
    // a session's findings all come before those about traces without a session.
    else if (f.traceId !== null && this.sessions[g] === 0) this.aboutTraces[g]!++;
  }

  /** Whether a line will name how many traces its findings are about (more than one finding, no session). */
  needsTraces(): boolean {
    for (let g = 0; g < this.counts.length; g++) if (this.counts[g]! > 1 && this.sessions[g] === 0 && this.aboutTraces[g]! > 0) return true;
    return false;
  }

  /** Counts, per group, the traces without a session its findings (those `taken`) are about: one trace's findings at a time. */
  countTraces(traces: Iterable<LooseTrace<Finding>>, taken: (f: Finding) => boolean): void {
    for (const { findings } of traces) {
      const seen = new Set<number>();
      for (const f of findings) {
        if (!taken(f)) continue;
        const g = this.byShape.get(shapeKey(f));
        if (g !== undefined && this.sessions[g] === 0) seen.add(g);
      }
      for (const g of seen) this.traces[g]!++;
    }
  }

  /** The groups, the most severe first, then in order of first appearance: one reading of `texts` per severity present. */
  *groups(): Generator<Group> {
    const present = SEVERITIES.filter((level) => this.severity.includes(level));
    for (const level of present) {
      let g = 0;
      for (const text of this.texts) {
        if (this.severity[g] === level) {
          const [where, message] = JSON.parse(text) as [string, string];
          yield { severity: level, ruleId: this.ruleId[g]!, where, message, count: this.counts[g]!, sessions: this.sessions[g]!, traces: this.traces[g]! };
        }
        g++;
      }
    }
  }
}

/**
 * A group's key: held per group, and a message's shape is as long as the message (hundreds of
 * characters when it quotes a rationale): 16 bytes of its SHA-256 instead, which two shapes do not share.
 */
function shapeKey(f: Finding): string {
  return createHash('sha256')
    .update(`${f.severity}\u0000${f.ruleId}\u0000${f.messageId}\u0000${shape(f)}`)
    .digest()
    .toString('base64', 0, 16);
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
  const mark = paintOf(style, g.severity)(MARK[g.severity]);
  const rule = style.dim(g.ruleId);
  if (g.count === 1) return `  ${mark}  ${rule}  ${g.where}  ${g.message}`;
  const spread = g.sessions > 0 ? plural(g.sessions, 'session') : plural(g.traces, 'trace');
  return `  ${mark}  ${rule}  ${style.bold(`×${g.count}`)} in ${spread}, e.g. ${g.where}  ${g.message}`;
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
export function partialNote(partial: AnalyzeSessionInfo['partial']): string {
  if (!partial) return '';
  const why = partial.earlierMessages !== null ? `starts mid-conversation (${plural(partial.earlierMessages, 'earlier message')})` : 'from one page of a search';
  return ` · partial: ${why}, turns counted from the first the dump holds`;
}
