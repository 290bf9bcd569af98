import type { Finding } from '../../../engine/analyze/findings.js';
import type { ReportSession, ReportTurn, TurnStatus } from '../../../engine/report/data.js';
import type { ReproduceCommands } from '../commands.js';
import { duration, utcTime } from '../../../shared/time.js';
import { safeText } from '../../../shared/escape/terminal.js';
import { excerpt } from '../../../shared/text.js';
import { mdCode, mdFence } from '../../../shared/escape/markdown.js';
import { plural } from '../../../shared/plural.js';
import { errorSpanItem, evidenceWords, findingItem, firstSaid, ioWords, isRootCause, note, scorerErrorItem, STATUS, turnsWords, verdictItem, type Lengths } from './words.js';

/** How much of a session to show; all but `turns` are cut only from the first session, as a last resort. */
export interface SessionShape extends Lengths {
  /** Turns shown in detail: all, none, or the `n` most telling (root cause, inherited, failed, passed). */
  turns: 'all' | 'none' | number;
  /** Session-level assessments and findings about the session. */
  extras: boolean;
  /**
   * The table of turns: every row, the telling rows (the turns that did not pass, the first and
   * the last, then a line saying how many rows were left out), or none.
   */
  turnTable: 'all' | 'telling' | 'none';
  /** Root causes shown in full (alert, evidence, suggestion); the others are named in one line. */
  roots: number;
  /** Evidence lines shown per root cause. */
  evidence: number;
}

/** Evidence lines of a root cause at most: more than for other findings, as it is the story of the session. */
export const ROOT_EVIDENCE = 20;

/**
 * One detailed session, as Markdown lines: header, the commands that reproduce it, a root-cause
 * alert per root cause (message, evidence, suggestion), session-level assessments and findings,
 * a table of its turns, then each turn shown in detail (`shape.turns`). Fences sit at column 0,
 * outside lists and quotes, so no indentation rule can end one early.
 */
export function sessionLines(s: ReportSession, findings: readonly Finding[], commands: ReproduceCommands, shape: SessionShape): string[] {
  const said = new Set<string>();
  const out: string[] = [`## Session ${mdCode(s.id)}`, '', headline(s), ''];
  out.push('Reproduce: the session turn by turn, its findings, this report for this session only.', '');
  // One command a line: a line break in an id is shown as `\u{a}` like other control characters.
  const reproduce = [commands.session(s.id), commands.analyzeSession(s.id), commands.report(s.id, 'markdown')].map((c) => safeText(c));
  out.push(...mdFence(reproduce.join('\n'), 'sh'), '');
  const roots = findings.filter(isRootCause);
  for (const f of roots.slice(0, shape.roots)) out.push(...rootCauseBox(f, said, shape, shape.evidence), '');
  if (roots.length > shape.roots) {
    const rest = roots.slice(shape.roots).map((f) => f.turn ?? 0);
    out.push(`${plural(rest.length, 'more root cause')} left out to fit the size limit (${turnsWords(rest)}): the second command above lists them.`, '');
  }
  if (roots.length === 0) out.push('No root cause found: no failed turn that later turns built on.', '');

  const extras = s.sessionVerdicts.length + s.sessionScorerErrors.length + findings.filter((f) => f.turn === null && !isRootCause(f)).length;
  if (!shape.extras && extras > 0) out.push(`Session-level assessments and findings about the session left out to fit the size limit (${extras}).`, '');
  if (shape.extras && (s.sessionVerdicts.length > 0 || s.sessionScorerErrors.length > 0)) {
    out.push('### Session-level assessments', '');
    for (const v of s.sessionVerdicts) out.push(verdictItem(v.verdict, shape, v.turn));
    if (s.sessionScorerErrors.length > 0) {
      if (s.sessionVerdicts.length > 0) out.push('');
      out.push('Scorer errors (a judge that failed, not the app):', '');
      for (const e of s.sessionScorerErrors) out.push(scorerErrorItem(e.error, shape, e.turn));
    }
    out.push('');
  }
  const sessionFindings = findings.filter((f) => f.turn === null && !isRootCause(f));
  if (shape.extras && sessionFindings.length > 0) {
    out.push('### Findings about the session', '');
    for (const f of sessionFindings) out.push(...findingItem(f, f.traceId === null ? '' : `trace ${mdCode(f.traceId)}`, firstSaid(f, said), shape));
    out.push('');
  }

  if (shape.turnTable !== 'none') {
    out.push('### Turns', '', '| turn | status | time | took | trace | why it failed |', '|---:|---|---|---:|---|---|');
    const last = s.turnList.length - 1;
    const rows = shape.turnTable === 'all' ? s.turnList : s.turnList.filter((t, i) => i === 0 || i === last || t.status !== 'passed');
    for (const t of rows) {
      const failure = t.failure === null ? '' : note(t.failure, shape);
      out.push(
        `| ${t.number} | ${STATUS[t.status]} | ${t.timeMs === null ? 'unknown' : utcTime(t.timeMs)} | ${t.durationMs === null ? '' : duration(t.durationMs)} | ${mdCode(t.traceId, 'table')} | ${failure} |`,
      );
    }
    out.push('');
    const cut = s.turnList.length - rows.length;
    if (cut > 0) out.push(`${plural(cut, 'row')} of turns that passed left out to fit the size limit: the first command above shows every turn.`, '');
  }
  const shown = shownTurns(s.turnList, shape.turns);
  for (const t of shown) out.push(...turnLines(s, t, findings, commands, said, shape));
  const undetailed = s.turnList.filter((t) => !t.detailed).length;
  if (undetailed > 0) {
    const kept = s.turnList.length - undetailed;
    out.push(
      `Details of ${plural(undetailed, 'turn')} left out: a session this long is shown with ${plural(kept, 'turn')} in detail (those that did not pass first, then from the start); \`tracetriage session\` shows every turn.`,
      '',
    );
  }
  const left = s.turnList.length - undetailed - shown.length;
  if (left > 0) {
    const which = shape.turnTable === 'none' ? 'The turns' : shown.length === 0 ? 'Turn details' : `Details of ${plural(left, 'more turn')}`;
    out.push(`${which} left out to fit the size limit: \`--max-bytes\` raises it; the last command above reports this session alone.`, '');
  }
  return out;
}

function headline(s: ReportSession): string {
  const parts = [s.user === null ? 'No user id' : `User ${mdCode(s.user)}`, plural(s.turns, 'turn')];
  if (s.experiments.length > 0) parts.unshift(`${s.experiments.length === 1 ? 'Experiment' : 'Experiments'} ${s.experiments.map((e) => mdCode(e)).join(', ')}`);
  if (s.firstTimeMs !== null) parts.push(`from ${utcTime(s.firstTimeMs)}${s.durationMs === null ? '' : `, lasted ${duration(s.durationMs)}`}`);
  parts.push(`${plural(s.findings, 'finding')}${s.worst === null ? '' : `, worst ${s.worst === 'error' ? '**error**' : s.worst}`}`);
  parts.push(plural(s.failedTurns, 'failed turn'));
  return parts.join(' · ');
}

/** Shortest cut of a root cause's message and suggestion. */
const STORY_CHARS = 400;

/** A GitHub alert (GitLab renders the same syntax since its comrak parser; elsewhere a block quote). */
function rootCauseBox(f: Finding, said: Set<string>, lengths: Lengths, evidence: number): string[] {
  const title = [`**Root cause: turn ${f.turn ?? '?'}**`];
  if (f.traceId !== null) title.push(`trace ${mdCode(f.traceId)}`);
  if (f.relatedTurns.length > 0) title.push(`${turnsWords(f.relatedTurns)} built on it`);
  // The root cause's message and suggestion are the story of the session: cut last, and less.
  const story = { ...lengths, noteChars: Math.max(lengths.noteChars, STORY_CHARS) };
  const out = ['> [!CAUTION]', `> ${title.join(' · ')}`, '>', `> ${note(f.message, story)}`];
  if (f.evidence.length > 0) {
    out.push('>', '> Evidence:', '>');
    const shown = Math.min(evidence, ROOT_EVIDENCE);
    for (const e of f.evidence.slice(0, shown)) out.push(`> - ${evidenceWords(e, lengths)}`);
    const left = f.evidence.length - shown;
    if (left > 0) out.push(`> - … ${shown === 0 ? plural(left, 'item') : plural(left, 'more item')} left out (\`analyze --format json\` lists all)`);
  }
  if (f.suggestion !== null) {
    said.add(f.suggestion);
    out.push('>', `> **Suggestion:** ${note(f.suggestion, story)}`);
  }
  return out;
}

const PRIORITY: Record<TurnStatus, number> = { 'root-cause': 0, inherited: 1, failed: 2, passed: 3 };

/** The turns shown in detail, in turn order: all, none, or the `n` most telling. */
function shownTurns(all: readonly ReportTurn[], which: SessionShape['turns']): ReportTurn[] {
  // Turns past the engine's bound on a long session have no details to show.
  const turns = all.filter((t) => t.detailed);
  if (which === 'all') return turns;
  if (which === 'none') return [];
  const chosen = [...turns].sort((a, b) => PRIORITY[a.status] - PRIORITY[b.status] || a.number - b.number).slice(0, which);
  return chosen.sort((a, b) => a.number - b.number);
}

/** A session's findings by turn: the first root cause naming the turn, and the other findings on it. */
interface TurnIndex {
  rootOf: Map<number, Finding>;
  onTurn: Map<number, Finding[]>;
}

/** Made once per findings list (the report is laid out several times to fit its size): not a scan per turn. */
const turnIndexes = new WeakMap<readonly Finding[], TurnIndex>();

function turnIndex(findings: readonly Finding[]): TurnIndex {
  let index = turnIndexes.get(findings);
  if (index !== undefined) return index;
  index = { rootOf: new Map(), onTurn: new Map() };
  for (const f of findings) {
    if (isRootCause(f)) {
      for (const n of f.relatedTurns) if (!index.rootOf.has(n)) index.rootOf.set(n, f);
    } else if (f.turn !== null) {
      const list = index.onTurn.get(f.turn);
      if (list === undefined) index.onTurn.set(f.turn, [f]);
      else list.push(f);
    }
  }
  turnIndexes.set(findings, index);
  return index;
}

function turnLines(s: ReportSession, t: ReportTurn, findings: readonly Finding[], commands: ReproduceCommands, said: Set<string>, lengths: Lengths): string[] {
  const index = turnIndex(findings);
  const root = t.status === 'inherited' ? index.rootOf.get(t.number) : undefined;
  const out = [`#### Turn ${t.number} · ${STATUS[t.status]}${root?.turn != null ? ` of turn ${root.turn}` : ''}`, ''];
  const time = t.timeMs === null ? 'time unknown' : `${utcTime(t.timeMs)}${t.gapMs === null ? '' : ` (+${duration(t.gapMs)})`}`;
  const facts = [`Trace ${mdCode(t.traceId)}`, time];
  if (t.durationMs !== null) facts.push(`took ${duration(t.durationMs)}`);
  facts.push(`state ${t.state}`, `input and output from ${ioWords(t.io)}`);
  out.push(facts.join(' · '), '', `Reproduce: ${mdCode(commands.trace(t.traceId))}`, '');
  if (t.failure !== null) out.push(`**Why it failed:** ${note(t.failure, lengths)}`, '');

  const texts = textLines(t, lengths);
  if (t.status === 'passed') out.push(`<details><summary>Turn ${t.number}: what the user said and the answer</summary>`, '', ...texts, '</details>', '');
  else out.push(...texts);
  const cut = [t.userText, t.answerText, ...t.toolCalls.map((c) => c.arguments)].some((x) => excerpt(x, lengths.textChars) !== x);
  if (cut || t.textsCut) out.push(`Some text was cut; the whole texts: ${mdCode(`${commands.session(s.id)} --full`)}`, '');

  if (t.verdicts.length > 0) out.push('**Assessments**', '', ...t.verdicts.map((v) => verdictItem(v, lengths)), '');
  if (t.scorerErrors.length > 0) {
    out.push('**Scorer errors** (a judge that failed, not the app)', '', ...t.scorerErrors.map((e) => scorerErrorItem(e, lengths)), '');
  }
  if (t.assessmentsOmitted > 0) out.push(`… and ${plural(t.assessmentsOmitted, 'more assessment')} not listed: \`tracetriage trace\` shows them all.`, '');
  if (t.errors.length > 0) {
    const of = t.errorSpanCount > t.errors.length ? ` (${t.errors.length} of ${t.errorSpanCount})` : '';
    out.push(`**Error spans**${of}`, '', ...t.errors.map((e) => errorSpanItem(e, lengths)), '');
  }
  const onTurn = index.onTurn.get(t.number) ?? [];
  if (onTurn.length > 0) {
    out.push('**Findings on this turn**', '');
    for (const f of onTurn) out.push(...findingItem(f, '', firstSaid(f, said), lengths));
    out.push('');
  }
  return out;
}

/** The user's text, the answer and the tool calls, each in its own fence. */
function textLines(t: ReportTurn, lengths: Lengths): string[] {
  const out: string[] = [];
  const block = (label: string, text: string): void => {
    out.push(`**${label}**`, '', ...mdFence(text), '');
  };
  if (t.userText === '') out.push('**User:** no user message found', '');
  else block('User', excerpt(t.userText, lengths.textChars));
  if (t.answerText !== '') block('Answer', excerpt(t.answerText, lengths.textChars));
  else out.push(`**Answer:** ${t.toolCalls.length > 0 ? 'no text: the output asks for tool calls' : 'no answer'}`, '');
  if (t.toolCalls.length > 0) {
    block('Tool calls', t.toolCalls.map((c) => `${c.name}(${excerpt(c.arguments, lengths.textChars)})`).join('\n'));
  }
  return out;
}
