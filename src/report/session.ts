// Three formats of one view in one file: they share the wording helpers (span, error, verdict
// lines), and keeping them side by side keeps the formats saying the same things.
import type { ErrorSpanDigest, ExpectationDigest, ScorerErrorDigest, TraceDigest, TurnDigest, TurnTexts, VerdictDigest } from '../model/digest.js';
import type { OnTurn, SessionView, TurnView } from '../model/sessions.js';
import { count, isoTime, round, summaryJson, type SessionSummaryJson } from './sessions.js';
import { duration, utcTime } from './search.js';
import { safeText } from './terminal.js';

/** What `session <id>` reports. */
export interface SessionReport {
  view: SessionView;
  /** With `--full`: each turn's whole texts, by digest; otherwise empty. */
  fullTexts: ReadonlyMap<TraceDigest, TurnTexts>;
  full: boolean;
  /** Copies of traces already read, left out. */
  duplicates: number;
}

// ---- shared wording ----------------------------------------------------------------------

function textsOf(report: SessionReport, turn: TurnView): TurnTexts {
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
  const what = e.exception
    ? [e.exception.type, e.exception.message].filter((x) => x !== null && x !== '').join(': ')
    : e.statusMessage;
  return `${e.name} (depth ${e.depth ?? '?'}, span ${e.spanId || '?'}): ${what || 'no message'}`;
}

function verdictWords(v: VerdictDigest): string {
  const notes = [v.sourceType];
  if (v.level === 'session' && v.levelBasis === 'scorer-name') notes.push('session-level by scorer name');
  if (v.spanId !== null) notes.push(`span ${v.spanId}`);
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
  const span =
    s.firstTimeMs === null || s.lastTimeMs === null
      ? 'time unknown'
      : `${utcTime(s.firstTimeMs)} → ${utcTime(s.lastTimeMs)}${s.durationMs === null ? '' : ` (${duration(s.durationMs)})`}`;
  return {
    user: s.user ?? '-',
    span,
    counts: `${count(s.turns, 'turn')} · ${count(s.turnsWithErrors, 'turn')} with errors · ${count(s.failingAssessments, 'failing assessment')} · ${count(s.scorerErrors, 'scorer error')}`,
  };
}

// ---- text --------------------------------------------------------------------------------

/** Human text for `session <id>`: session-level assessments first, then each turn. */
export function sessionText(report: SessionReport): string {
  const { view } = report;
  const h = headline(report);
  const out: string[] = [`Session ${line(view.session.id)}`, `  user ${line(h.user)} · ${h.counts}`, `  ${h.span}`];
  if (report.duplicates > 0) out.push(`  ${count(report.duplicates, 'trace')} read more than once: counted once`);
  out.push('', 'Session-level assessments');
  if (view.sessionVerdicts.length === 0) out.push('  none');
  for (const { turn, entry } of view.sessionVerdicts) out.push(...verdictText(entry, `logged on turn ${turn}`));
  if (view.sessionScorerErrors.length > 0) {
    out.push('Session-level scorer errors (a judge that failed, not the session)');
    for (const { turn, entry } of view.sessionScorerErrors) out.push(`  ${line(scorerErrorWords(entry))} (logged on turn ${turn})`);
  }
  for (const turn of view.turns) out.push('', ...turnText(report, turn));
  return out.join('\n') + '\n';
}

function turnText(report: SessionReport, turn: TurnView): string[] {
  const d = turn.digest;
  const texts = textsOf(report, turn);
  const out = [`Turn ${turn.number} · ${timeWords(turn)} · ${line(d.traceId)}${d.state === 'OK' ? '' : ` · state ${d.state}`}`];
  out.push(block('user', texts.userText || '(no user message found)'));
  const answer = texts.answerText || (texts.toolCalls.length > 0 ? '(no text: the output asks for tool calls)' : '(no answer)');
  out.push(block('app', answer));
  if (texts.toolCalls.length > 0) out.push(block('tools', texts.toolCalls.map((c) => `${c.name}(${c.arguments})`).join('\n')));
  out.push(block('span', spanWords(d.turn)));
  if (d.errors.length === 0) out.push('  errors: none');
  else {
    out.push(`  errors: ${d.errorSpanCount} span${d.errorSpanCount === 1 ? '' : 's'} with status ERROR`);
    for (const e of d.errors) out.push(`    ${line(errorWords(e))}`);
  }
  out.push(turn.verdicts.length === 0 ? '  assessments: none' : '  assessments:');
  for (const v of turn.verdicts) out.push(...verdictText(v, null, '    '));
  if (turn.scorerErrors.length > 0) {
    out.push('  scorer errors (a judge that failed, not the turn):');
    for (const e of turn.scorerErrors) out.push(`    ${line(scorerErrorWords(e))}`);
  }
  if (d.assessments.expectations.length > 0) {
    out.push('  expectations:');
    for (const e of d.assessments.expectations) out.push(`    ${line(expectationWords(e))}`);
  }
  if (d.assessments.omitted > 0) out.push(`  … ${count(d.assessments.omitted, 'more assessment')} not shown`);
  return out;
}

function verdictText(v: VerdictDigest, where: string | null, indent = '  '): string[] {
  const out = [`${indent}${MARK[v.polarity].padEnd(4)}  ${line(verdictWords(v))}${where ? ` (${where})` : ''}`];
  if (v.rationale !== null && v.rationale !== '') out.push(block('rationale', v.rationale, `${indent}      `));
  return out;
}

/** `  label: text`, continuation lines indented under the text; every line made safe. */
function block(label: string, text: string, indent = '  '): string {
  const pad = ' '.repeat(indent.length + label.length + 2);
  return `${indent}${label}: ` + text.split(/\r\n|\r|\n/).map(safeText).join(`\n${pad}`);
}

function line(text: string): string {
  return safeText(text.replace(/\r\n|\r|\n/g, ' '));
}

// ---- JSON --------------------------------------------------------------------------------

/** `session <id> --format json` (schemas/session-output.schema.json). */
export interface SessionJson {
  schema_version: 1;
  session_id: string;
  full: boolean;
  summary: SessionSummaryJson;
  duplicate_traces: number;
  session_assessments: Array<VerdictJson & { turn: number; trace_id: string }>;
  session_scorer_errors: Array<ScorerErrorJson & { turn: number; trace_id: string }>;
  turns: TurnJson[];
}

/** One verdict in JSON. */
export interface VerdictJson {
  index: number;
  name: string;
  level: 'session' | 'turn';
  level_basis: string;
  polarity: 'pass' | 'fail' | 'unknown';
  value: string;
  rationale: string | null;
  source_type: string;
  source_id: string | null;
  span_id: string | null;
  effective: boolean;
  ineffective: 'superseded' | 'human-disagrees' | null;
  overridden_by_human: number | null;
}

/** One scorer error in JSON. */
export interface ScorerErrorJson {
  index: number;
  name: string;
  level: 'session' | 'turn';
  level_basis: string;
  error_code: string | null;
  error_message: string | null;
  span_id: string | null;
  superseded: boolean;
}

/** One turn in JSON. */
export interface TurnJson {
  turn: number;
  trace_id: string;
  time: string | null;
  gap_ms: number | null;
  duration_ms: number | null;
  state: string;
  format: string;
  source: { source: string; index: number; offset: number; length: number; line: number } | null;
  user_text: string;
  answer_text: string;
  tool_calls: Array<{ name: string; arguments: string }>;
  cut: boolean;
  io_span: {
    name: string | null;
    span_id: string | null;
    depth: number | null;
    selection: string;
    wrapper_chain: string[];
    truncated: boolean;
    answer_span: { span_id: string; name: string } | null;
    input: { carrier: string; key: string } | null;
    output: { carrier: string; key: string } | null;
  };
  errors: Array<{ span_id: string; name: string; depth: number | null; status_message: string; exception: { type: string | null; message: string | null } | null }>;
  error_span_count: number;
  assessments: VerdictJson[];
  scorer_errors: ScorerErrorJson[];
  expectations: Array<{ index: number; name: string; value: string; source_type: string }>;
  assessments_omitted: number;
  token_usage: { input_tokens: number | null; output_tokens: number | null; total_tokens: number | null } | null;
}

/** The JSON document of `session <id> --format json`. */
export function sessionJson(report: SessionReport): SessionJson {
  const { view } = report;
  return {
    schema_version: 1,
    session_id: view.session.id,
    full: report.full,
    summary: summaryJson(view.session),
    duplicate_traces: report.duplicates,
    session_assessments: view.sessionVerdicts.map(({ turn, traceId, entry }) => ({ turn, trace_id: traceId, ...verdictJson(entry) })),
    session_scorer_errors: view.sessionScorerErrors.map(({ turn, traceId, entry }) => ({ turn, trace_id: traceId, ...scorerErrorJson(entry) })),
    turns: view.turns.map((turn) => turnJson(report, turn)),
  };
}

function turnJson(report: SessionReport, turn: TurnView): TurnJson {
  const d = turn.digest;
  const texts = textsOf(report, turn);
  const t = d.turn;
  return {
    turn: turn.number,
    trace_id: d.traceId,
    time: isoTime(turn.timeMs),
    gap_ms: turn.gapMs === null ? null : round(turn.gapMs),
    duration_ms: d.durationMs === null ? null : round(d.durationMs),
    state: d.state,
    format: d.format,
    source: d.provenance,
    user_text: texts.userText,
    answer_text: texts.answerText,
    tool_calls: texts.toolCalls.map((c) => ({ name: c.name, arguments: c.arguments })),
    cut: texts.cut,
    io_span: {
      name: t.spanName,
      span_id: t.spanId,
      depth: t.depth,
      selection: t.selection,
      wrapper_chain: t.wrapperChain,
      truncated: t.truncated,
      answer_span: t.answerSpan === null ? null : { span_id: t.answerSpan.spanId, name: t.answerSpan.name },
      input: t.input,
      output: t.output,
    },
    errors: d.errors.map((e) => ({ span_id: e.spanId, name: e.name, depth: e.depth, status_message: e.statusMessage, exception: e.exception })),
    error_span_count: d.errorSpanCount,
    assessments: turn.verdicts.map(verdictJson),
    scorer_errors: turn.scorerErrors.map(scorerErrorJson),
    expectations: d.assessments.expectations.map((e) => ({ index: e.index, name: e.name, value: e.value, source_type: e.sourceType })),
    assessments_omitted: d.assessments.omitted,
    token_usage: d.tokenUsage && {
      input_tokens: d.tokenUsage.inputTokens,
      output_tokens: d.tokenUsage.outputTokens,
      total_tokens: d.tokenUsage.totalTokens,
    },
  };
}

function verdictJson(v: VerdictDigest): VerdictJson {
  return {
    index: v.index,
    name: v.name,
    level: v.level,
    level_basis: v.levelBasis,
    polarity: v.polarity,
    value: v.value,
    rationale: v.rationale,
    source_type: v.sourceType,
    source_id: v.sourceId,
    span_id: v.spanId,
    effective: v.effective,
    ineffective: v.ineffective,
    overridden_by_human: v.overriddenByHuman,
  };
}

function scorerErrorJson(e: ScorerErrorDigest): ScorerErrorJson {
  return {
    index: e.index,
    name: e.name,
    level: e.level,
    level_basis: e.levelBasis,
    error_code: e.code,
    error_message: e.message,
    span_id: e.spanId,
    superseded: e.superseded,
  };
}

// ---- Markdown ----------------------------------------------------------------------------

/**
 * Markdown for a bug ticket: a summary table, session-level assessments, an overview of the
 * turns, then each turn's details. Every piece of trace text goes through {@link mdText}, so a
 * hostile trace cannot end a table cell, open a code span, inject HTML or reach the terminal.
 */
export function sessionMarkdown(report: SessionReport): string {
  const { view } = report;
  const s = view.session.summary;
  const h = headline(report);
  const out: string[] = [`# Session ${mdText(view.session.id)}`, ''];
  out.push(...mdTable(['field', 'value'], [
    ['user', mdText(h.user)],
    ['turns', String(s.turns)],
    ['time', mdText(h.span)],
    ['turns with errors', String(s.turnsWithErrors)],
    ['failing assessments', String(s.failingAssessments)],
    ['scorer errors', String(s.scorerErrors)],
  ]));
  if (report.duplicates > 0) out.push('', `${count(report.duplicates, 'trace')} read more than once: counted once.`);
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
          mdText(timeWords(turn)),
          mdText(excerpt(texts.userText)),
          mdText(excerpt(texts.answerText || (texts.toolCalls.length > 0 ? `(tool calls: ${texts.toolCalls.map((c) => c.name).join(', ')})` : '(no answer)'))),
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
    ['trace', mdText(d.traceId)],
    ['time', mdText(timeWords(turn))],
    ['state', d.state],
    ['user said', mdText(texts.userText || '(no user message found)')],
    ['app answered', mdText(texts.answerText || '(no answer)')],
  ];
  if (texts.toolCalls.length > 0) rows.push(['tool calls', mdText(texts.toolCalls.map((c) => `${c.name}(${c.arguments})`).join('\n'))]);
  rows.push(['I/O span', mdText(spanWords(d.turn))]);
  rows.push(['errors', d.errors.length === 0 ? 'none' : mdText(d.errors.map(errorWords).join('\n'))]);
  if (d.provenance) rows.push(['source', mdText(`${d.provenance.source} record ${d.provenance.index} (line ${d.provenance.line}, byte ${d.provenance.offset})`)]);
  const out = [`### Turn ${turn.number}`, '', ...mdTable(['field', 'value'], rows)];
  if (turn.verdicts.length > 0) out.push('', ...verdictTable(turn.verdicts));
  if (turn.scorerErrors.length > 0) out.push('', 'Scorer errors (a judge that failed, not the turn):', '', ...scorerErrorTable(turn.scorerErrors.map((entry) => ({ entry }))));
  if (d.assessments.expectations.length > 0) {
    out.push('', ...mdTable(['expectation', 'value', 'source'], d.assessments.expectations.map((e) => [mdText(e.name), mdText(e.value), mdText(e.sourceType)])));
  }
  return out;
}

function verdictTable(verdicts: ReadonlyArray<VerdictDigest & { turn?: number }>): string[] {
  const withTurn = verdicts.some((v) => v.turn !== undefined);
  const header = ['assessment', 'value', 'polarity', 'source', ...(withTurn ? ['turn'] : []), 'counts', 'rationale'];
  return mdTable(
    header,
    verdicts.map((v) => [
      mdText(v.name),
      mdText(v.value),
      v.polarity,
      mdText(v.sourceType),
      ...(withTurn ? [String(v.turn ?? '')] : []),
      v.effective ? 'yes' : v.ineffective === 'human-disagrees' ? `no: outvoted by HUMAN #${v.overriddenByHuman ?? '?'}` : 'no: superseded',
      mdText(v.rationale ?? ''),
    ]),
  );
}

function scorerErrorTable(errors: ReadonlyArray<Pick<OnTurn<ScorerErrorDigest>, 'entry'> & { turn?: number }>): string[] {
  return mdTable(
    ['scorer', 'error', 'turn'],
    errors.map(({ entry, turn }) => [mdText(entry.name), mdText([entry.code, entry.message].filter(Boolean).join(': ')), turn === undefined ? '' : String(turn)]),
  );
}

function mdTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [row(header), row(header.map(() => '---')), ...rows.map(row)];
}

/** First 160 code points of a text, for the overview table. */
function excerpt(text: string): string {
  const chars = [...text];
  return chars.length <= 160 ? text : chars.slice(0, 159).join('') + '…';
}

/**
 * Trace text made inert for Markdown: control and invisible characters escaped (`safeText`),
 * backslash and the characters that make tables, code spans, emphasis, links and HTML (`|`,
 * backtick, `*`, `_`, `[`, `]`, `~`, `<`, `>`, `&`) escaped, line breaks as `<br>`, so the text
 * stays inside its table cell.
 */
export function mdText(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((part) =>
      safeText(part)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/[\\|`*_[\]~#]/g, (ch) => `\\${ch}`),
    )
    .join('<br>');
}
