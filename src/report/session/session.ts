// Text and Markdown of one view in one file: they share the wording helpers (span, error,
// verdict lines), so both formats say the same things. JSON is in session-json.ts.
import type { ErrorSpanDigest, ExpectationDigest, ScorerErrorDigest, TraceDigest, TurnDigest, TurnTexts, VerdictDigest } from '../../model/digest-types.js';
import type { OnTurn, SessionView, TurnView } from '../../model/sessions.js';
import { cut } from '../../shared/text.js';
import { polarityNote } from '../shared/polarity-note.js';
import { plural } from '../../shared/plural.js';
import { duration, utcTime } from '../../shared/time.js';
import { PLAIN_STYLE, type Style } from '../shared/style.js';
import { mdCode, mdInline } from '../../shared/escape/markdown.js';
import { safeText } from '../../shared/escape/terminal.js';
import { fitLines } from '../shared/terminal.js';

/** What `session <id>` reports. */
export interface SessionReport {
  view: SessionView;
  /** With `--full`: each turn's whole texts, by digest; otherwise empty. */
  fullTexts: ReadonlyMap<TraceDigest, TurnTexts>;
  full: boolean;
  /** Copies of traces already read, left out. */
  duplicates: number;
  /** Set when turns before the first turn the inputs hold are missing (`SessionRead.partial`); absent or null otherwise. */
  partial?: SessionPartialView | null;
}

/** Why the session's first turn in the inputs is not its conversation's first. */
export interface SessionPartialView {
  /** Earlier user/assistant messages that turn's model input carries; null when only a paged input says so. */
  earlierMessages: number | null;
  /** Inputs holding its traces that are one page of a longer search. */
  pagedSources: readonly string[];
}

/** `turns before turn 1 are not in the inputs: …; turns are numbered from the first the inputs hold`. */
export function partialWords(p: SessionPartialView): string {
  const why: string[] = [];
  if (p.earlierMessages !== null) why.push(`its model input carries ${plural(p.earlierMessages, 'earlier message')}`);
  if (p.pagedSources.length > 0) why.push(`its traces come from one page of a search (${p.pagedSources.join(', ')})`);
  return `turns before turn 1 may be missing: ${why.join('; ')}; turns are numbered from the first the inputs hold`;
}

// ---- shared wording ----------------------------------------------------------------------

/** A turn's texts: whole with `--full`, else the digest's excerpts. */
export function textsOf(report: SessionReport, turn: TurnView): TurnTexts {
  return report.fullTexts.get(turn.digest) ?? turn.digest.turn.texts;
}

/** Where the turn's I/O came from, in words: span, depth, wrappers passed over, carriers. */
function spanWords(t: TurnDigest): string {
  if (t.selection === 'none') return 'no input or output found in any span or preview';
  if (t.selection === 'preview') return `MLflow's truncated previews (no span has I/O): ${carrierWords(t)}`;
  const where = [`depth ${t.depth ?? '?'}`];
  if (t.wrapperChain.length > 0) where.push(`below wrapper${t.wrapperChain.length > 1 ? 's' : ''} ${t.wrapperChain.join(' › ')}`);
  if (t.selection === 'failed') where.push('ended in error: nothing deeper is taken as the answer');
  if (t.selection === 'partial') where.push('no span has both input and output');
  if (t.truncated) where.push('truncated');
  if (t.answerSpan) where.push(`answer from the loop's last call, span ${t.answerSpan.spanId}`);
  return `${t.spanName ?? '(unnamed)'} (${where.join(', ')}) · ${carrierWords(t)}`;
}

function carrierWords(t: TurnDigest): string {
  const { input, output } = t;
  if (input && output && input.carrier === output.carrier) return `carrier ${input.carrier} (${input.key} → ${output.key})`;
  const side = (label: string, v: TurnDigest['input']): string => (v ? `${label} ${v.carrier} (${v.key})` : `no ${label}`);
  return `${side('input', input)}, ${side('output', output)}`;
}

function errorWords(e: ErrorSpanDigest): string {
  const what = e.exception ? [e.exception.type, e.exception.message].filter((x) => x !== null && x !== '').join(': ') : e.statusMessage;
  return `${e.name} (depth ${e.depth ?? '?'}, span ${e.spanId || '?'}): ${what || 'no message'}${e.recovered ? ' (recovered: a later attempt succeeded)' : ''}`;
}

function verdictWords(v: VerdictDigest): string {
  const notes = [v.sourceType];
  if (v.level === 'session' && v.levelBasis === 'scorer-name') notes.push('session-level by scorer name');
  if (v.spanId !== null) notes.push(`span ${v.spanId}`);
  const inferred = polarityNote(v.polarityBasis);
  if (inferred !== null) notes.push(inferred);
  if (v.ineffective === 'superseded') notes.push('superseded: does not count');
  if (v.ineffective === 'human-disagrees') notes.push(`outvoted by the HUMAN assessment #${v.overriddenByHuman ?? '?'}: does not count`);
  return `${v.name} = ${v.value} (${notes.join(', ')})`;
}

function scorerErrorWords(e: ScorerErrorDigest): string {
  const what = [e.code, e.message].filter((x) => x !== null && x !== '').join(': ');
  const notes = e.levelBasis === 'scorer-name' ? ' (session-level by scorer name)' : '';
  return `${e.name}: ${what || 'failed'}${notes}${e.superseded ? ' (superseded)' : ''}`;
}

function expectationWords(e: ExpectationDigest): string {
  return `${e.name} = ${e.value} (${e.sourceType})`;
}

const MARK: Record<VerdictDigest['polarity'], string> = { pass: 'pass', fail: 'FAIL', unknown: '?' };

function timeWords(turn: TurnView): string {
  if (turn.timeMs === null) return 'time unknown';
  const gap = turn.gapMs === null ? '' : ` (+${duration(turn.gapMs)})`;
  return utcTime(turn.timeMs) + gap;
}

function headline(report: SessionReport): { user: string; span: string; counts: string } {
  const s = report.view.session.summary;
  const span = s.firstTimeMs === null || s.lastTimeMs === null ? 'time unknown' : `${utcTime(s.firstTimeMs)} → ${utcTime(s.lastTimeMs)}${s.durationMs === null ? '' : ` (${duration(s.durationMs)})`}`;
  return {
    user: s.user ?? '-',
    span,
    counts: `${plural(s.turns, 'turn')} · ${plural(s.turnsWithErrors, 'turn')} with errors · ${plural(s.failingAssessments, 'failing assessment')} · ${plural(s.scorerErrors, 'scorer error')}`,
  };
}

// ---- text --------------------------------------------------------------------------------

/**
 * Human text for `session <id>`: session-level assessments first, then each turn. `style` paints
 * headings, failing and passing verdicts, scorer errors and error spans, after `safeText`.
 */
export function sessionText(report: SessionReport, style: Style = PLAIN_STYLE): string {
  const { view } = report;
  const h = headline(report);
  const out: string[] = [style.bold(`Session ${line(view.session.id)}`), `  user ${line(h.user)} · ${h.counts}`, `  ${h.span}`];
  if (report.duplicates > 0) out.push(`  ${plural(report.duplicates, 'trace')} read more than once: counted once`);
  if (report.partial) out.push(`  ${style.warn(`partial: ${line(partialWords(report.partial))}`)}`);
  out.push('', style.bold('Session-level assessments'));
  if (view.sessionVerdicts.length === 0) out.push('  none');
  for (const { turn, entry } of view.sessionVerdicts) out.push(...verdictText(entry, `logged on turn ${turn}`, style));
  if (view.sessionScorerErrors.length > 0) {
    out.push(style.bold('Session-level scorer errors (a judge that failed, not the session)'));
    for (const { turn, entry } of view.sessionScorerErrors) out.push(`  ${style.warn(line(scorerErrorWords(entry)))} (logged on turn ${turn})`);
  }
  for (const turn of view.turns) out.push('', ...turnText(report, turn, style));
  return fitLines(out.join('\n'), style.width, 'wrap') + '\n';
}

function turnText(report: SessionReport, turn: TurnView, style: Style): string[] {
  const d = turn.digest;
  const texts = textsOf(report, turn);
  const state = d.state === 'OK' ? '' : ` · ${(d.state === 'ERROR' ? style.error : style.warn)(`state ${d.state}`)}`;
  const out = [`${style.bold(`Turn ${turn.number}`)} · ${timeWords(turn)} · ${line(d.traceId)}${state}`];
  out.push(block('user', texts.userText || '(no user message found)'));
  const answer = texts.answerText || (texts.toolCalls.length > 0 ? '(no text: the output asks for tool calls)' : '(no answer)');
  out.push(block('app', answer));
  if (texts.toolCalls.length > 0) out.push(block('tools', texts.toolCalls.map((c) => `${c.name}(${c.arguments})`).join('\n')));
  out.push(block('span', spanWords(d.turn)));
  if (d.errors.length === 0) out.push('  errors: none');
  else {
    out.push(`  errors: ${style.error(`${plural(d.errorSpanCount, 'span')} with status ERROR`)}`);
    for (const e of d.errors) out.push(`    ${style.error(line(errorWords(e)))}`);
  }
  out.push(turn.verdicts.length === 0 ? '  assessments: none' : '  assessments:');
  for (const v of turn.verdicts) out.push(...verdictText(v, null, style, '    '));
  if (turn.scorerErrors.length > 0) {
    out.push('  scorer errors (a judge that failed, not the turn):');
    for (const e of turn.scorerErrors) out.push(`    ${style.warn(line(scorerErrorWords(e)))}`);
  }
  if (d.assessments.expectations.length > 0) {
    out.push('  expectations:');
    for (const e of d.assessments.expectations) out.push(`    ${line(expectationWords(e))}`);
  }
  if (d.assessments.omitted > 0) out.push(`  … ${plural(d.assessments.omitted, 'more assessment')} not shown`);
  return out;
}

function verdictText(v: VerdictDigest, where: string | null, style: Style, indent = '  '): string[] {
  // Only a verdict that counts gets the verdict's colour; a superseded or outvoted one is dimmed.
  const paint = !v.effective ? style.dim : v.polarity === 'fail' ? style.error : v.polarity === 'pass' ? style.ok : style.warn;
  const mark = paint(MARK[v.polarity]) + ' '.repeat(4 - MARK[v.polarity].length);
  const out = [`${indent}${mark}  ${line(verdictWords(v))}${where ? ` (${where})` : ''}`];
  if (v.rationale !== null && v.rationale !== '') out.push(block('rationale', v.rationale, `${indent}      `));
  return out;
}

/** `  label: text`, continuation lines indented under the text; every line made safe. */
function block(label: string, text: string, indent = '  '): string {
  const pad = ' '.repeat(indent.length + label.length + 2);
  return (
    `${indent}${label}: ` +
    text
      .split(/\r\n|\r|\n/)
      .map(safeText)
      .join(`\n${pad}`)
  );
}

function line(text: string): string {
  return safeText(text.replace(/\r\n|\r|\n/g, ' '));
}

/**
 * Markdown for a bug ticket: a summary table, session-level assessments, an overview of the
 * turns, then each turn's details. Every piece of trace text goes through the one Markdown
 * escaper (src/shared/escape/markdown.ts: `mdInline` for prose and cells, `mdCode` for ids), so a hostile
 * trace cannot end a table cell, open a code span, inject HTML, link, mention a user or team,
 * reference an issue, start math, or reach the terminal.
 */
export function sessionMarkdown(report: SessionReport): string {
  const { view } = report;
  const s = view.session.summary;
  const h = headline(report);
  const out: string[] = [`# Session ${mdCode(view.session.id)}`, ''];
  out.push(
    ...mdTable(
      ['field', 'value'],
      [
        ['user', h.user === '-' ? '-' : mdCode(h.user, 'table')],
        ['turns', String(s.turns)],
        ['time', h.span],
        ['turns with errors', String(s.turnsWithErrors)],
        ['failing assessments', String(s.failingAssessments)],
        ['scorer errors', String(s.scorerErrors)],
      ],
    ),
  );
  if (report.duplicates > 0) out.push('', `${plural(report.duplicates, 'trace')} read more than once: counted once.`);
  if (report.partial) out.push('', `**Partial:** ${mdInline(partialWords(report.partial))}.`);
  out.push('', '## Session-level assessments', '');
  if (view.sessionVerdicts.length === 0) out.push('None.');
  else out.push(...verdictTable(view.sessionVerdicts.map((v) => ({ ...v.entry, turn: v.turn }))));
  if (view.sessionScorerErrors.length > 0) {
    out.push('', '### Session-level scorer errors', '', 'A judge that failed, not the session.', '');
    out.push(...scorerErrorTable(view.sessionScorerErrors));
  }
  out.push('', '## Turns', '');
  out.push(
    ...mdTable(
      ['turn', 'time', 'user said', 'app answered', 'error spans', 'failing'],
      view.turns.map((turn) => {
        const texts = textsOf(report, turn);
        return [
          String(turn.number),
          timeWords(turn),
          mdInline(excerpt(texts.userText)),
          mdInline(excerpt(texts.answerText || (texts.toolCalls.length > 0 ? `(tool calls: ${texts.toolCalls.map((c) => c.name).join(', ')})` : '(no answer)'))),
          String(turn.digest.errorSpanCount),
          String(turn.verdicts.filter((v) => v.effective && v.polarity === 'fail').length),
        ];
      }),
    ),
  );
  for (const turn of view.turns) out.push('', ...turnMarkdown(report, turn));
  return out.join('\n') + '\n';
}

function turnMarkdown(report: SessionReport, turn: TurnView): string[] {
  const d = turn.digest;
  const texts = textsOf(report, turn);
  const rows: string[][] = [
    ['trace', mdCode(d.traceId, 'table')],
    ['time', timeWords(turn)],
    ['state', d.state],
    ['user said', mdInline(texts.userText || '(no user message found)')],
    ['app answered', mdInline(texts.answerText || '(no answer)')],
  ];
  if (texts.toolCalls.length > 0) rows.push(['tool calls', mdInline(texts.toolCalls.map((c) => `${c.name}(${c.arguments})`).join('\n'))]);
  rows.push(['I/O span', mdInline(spanWords(d.turn))]);
  rows.push(['errors', d.errors.length === 0 ? 'none' : mdInline(d.errors.map(errorWords).join('\n'))]);
  if (d.provenance) {
    const p = d.provenance;
    rows.push(['source', mdInline(p.within !== undefined ? `${p.source} ${p.within} (record ${p.index})` : `${p.source} record ${p.index} (line ${p.line}, byte ${p.offset})`)]);
  }
  const out = [`### Turn ${turn.number}`, '', ...mdTable(['field', 'value'], rows)];
  if (turn.verdicts.length > 0) out.push('', ...verdictTable(turn.verdicts));
  if (turn.scorerErrors.length > 0) out.push('', 'Scorer errors (a judge that failed, not the turn):', '', ...scorerErrorTable(turn.scorerErrors.map((entry) => ({ entry }))));
  if (d.assessments.expectations.length > 0) {
    out.push(
      '',
      ...mdTable(
        ['expectation', 'value', 'source'],
        d.assessments.expectations.map((e) => [mdInline(e.name), mdInline(e.value), mdInline(e.sourceType)]),
      ),
    );
  }
  // The lists are bounded (MAX_ASSESSMENTS); the summary's counts are not, so say what is left out.
  if (d.assessments.omitted > 0) out.push('', `… and ${plural(d.assessments.omitted, 'more assessment')} not listed (the summary counts them).`);
  return out;
}

function verdictTable(verdicts: ReadonlyArray<VerdictDigest & { turn?: number }>): string[] {
  const withTurn = verdicts.some((v) => v.turn !== undefined);
  const header = ['assessment', 'value', 'polarity', 'source', ...(withTurn ? ['turn'] : []), 'counts', 'rationale'];
  return mdTable(
    header,
    verdicts.map((v) => [
      mdInline(v.name),
      mdInline(v.value),
      polarityNote(v.polarityBasis) === null ? v.polarity : `${v.polarity} (${polarityNote(v.polarityBasis)})`,
      mdInline(v.sourceType),
      ...(withTurn ? [String(v.turn ?? '')] : []),
      v.effective ? 'yes' : v.ineffective === 'human-disagrees' ? `no: outvoted by HUMAN ${mdInline(`#${v.overriddenByHuman ?? '?'}`)}` : 'no: superseded',
      mdInline(v.rationale ?? ''),
    ]),
  );
}

function scorerErrorTable(errors: ReadonlyArray<Pick<OnTurn<ScorerErrorDigest>, 'entry'> & { turn?: number }>): string[] {
  return mdTable(
    ['scorer', 'error', 'turn'],
    errors.map(({ entry, turn }) => [mdInline(entry.name), mdInline([entry.code, entry.message].filter(Boolean).join(': ')), turn === undefined ? '' : String(turn)]),
  );
}

function mdTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [row(header), row(header.map(() => '---')), ...rows.map(row)];
}

/** At most 160 code points of a text, for the overview table. */
function excerpt(text: string): string {
  return cut(text, 160);
}
