import type { ScorerErrorEntry, Verdict } from '../../model/triage.js';
import type { Assessment } from '../../model/types.js';
import { cut, withTotal } from '../../shared/text.js';
import { duration, utcTime } from '../../shared/time.js';
import { polarityNote } from '../shared/polarity-note.js';
import { PLAIN_STYLE, type Style } from '../shared/style.js';
import { safeText } from '../../shared/escape/terminal.js';
import { fitLines } from '../shared/terminal.js';
import { spanRows, stackExcerpt, type CutRow, type SpanRow, type TraceReportInput, type TraceReportOptions } from './view.js';
import { renderValue, VALUE_CHARS } from './values.js';

/** Characters of a status message, exception message or rationale shown without `--full`. */
export const TEXT_CHARS = 600;

/**
 * `tracetriage trace` for a terminal: a header (state, time, duration, session, user, the turn I/O
 * span), the span tree one line per span (indented by depth; type, duration, status, the ERROR
 * message, exception events with a stack excerpt, the turn I/O marker; `--attributes` adds the
 * decoded attributes), then the assessments triaged, then the trace's warnings. Every piece of
 * trace text goes through `safeText`; `style` then paints headings, the ERROR state and status,
 * error messages, verdicts and scorer errors.
 */
export function traceText(input: TraceReportInput, options: TraceReportOptions, style: Style = PLAIN_STYLE): string {
  const out: string[] = [...header(input, style)];
  const { rows, cut } = spanRows(input, options);
  const spans = rows.filter((r): r is SpanRow => r.kind === 'span');
  const errors = spans.filter((r) => r.span.status === 'ERROR').length;
  out.push('', `${style.bold('spans')} (${input.trace.spans.length}${errors > 0 ? `, ${style.error(`${errors} with status ERROR`)}` : ''})`);
  if (input.trace.spans.length === 0) out.push('  (none: the record has no spans)');
  let cycleHeader = false;
  for (const row of rows) {
    if (row.kind === 'cut') {
      out.push(`${pad(row.depth)}… ${cutLine(row, input)}`);
      continue;
    }
    if (row.place === 'cycle' && !cycleHeader) {
      cycleHeader = true;
      out.push('', style.bold('spans on a parent cycle (unreachable from any root):'));
    }
    out.push(...spanLines(row, options, style));
  }
  if (cut > 0) out.push(`(${cut} span(s) not shown${options.full ? '' : '; --full shows more children per span'})`);
  out.push('', ...assessmentLines(input, options, style));
  if (input.trace.warnings.length > 0) {
    out.push('', style.bold('warnings'));
    for (const w of input.trace.warnings) out.push(`  ${w.code}: ${safeText(w.message)} (${safeText(w.jsonPath)})`);
  }
  // The span tree reads by its indents: a long line is cut, not wrapped under the next span.
  return fitLines(out.join('\n'), style.width, 'cut') + '\n';
}

function header(input: TraceReportInput, style: Style): string[] {
  const { trace, io } = input;
  const { info } = trace;
  const facts = [info.state === 'ERROR' ? style.error(`state ${info.state}`) : `state ${info.state}`];
  if (info.requestTimeMs !== null) facts.push(utcTime(info.requestTimeMs));
  if (info.durationMs !== null) facts.push(duration(info.durationMs));
  facts.push(`format ${trace.format.label}`);
  const lines = [`${style.bold(`trace ${safeText(trace.traceId || '(no id)')}`)}  ${facts.join('  ')}`];
  const who = [input.session !== null ? `session ${safeText(input.session)}` : 'no session'];
  if (input.user !== null) who.push(`user ${safeText(input.user)}`);
  lines.push(who.join('  '));
  lines.push(`turn I/O: ${ioLine(input)}`);
  if (io.wrapperChain.length > 0) lines.push(`  below wrapper span(s): ${io.wrapperChain.map((n) => safeText(n)).join(' > ')}`);
  if (io.answerSpan) lines.push(`  answer from the agent loop's last call: ${safeText(io.answerSpan.name)} (span ${safeText(io.answerSpan.spanId)})`);
  return lines;
}

/** One line naming the turn I/O span, its depth, why it was chosen and the carriers read. */
export function ioLine(input: TraceReportInput): string {
  const { io } = input;
  const carriers = [io.input ? `input ${io.input.carrier} (${io.input.key})` : 'no input', io.output ? `output ${io.output.carrier} (${io.output.key})` : 'no output'];
  const what = io.spanName !== null ? `${safeText(io.spanName)} (depth ${io.depth ?? '?'}, ${io.selection})` : io.selection === 'preview' ? 'previews only (truncated)' : 'none found';
  return `${what}; ${carriers.map(safeText).join(', ')}`;
}

function spanLines(row: SpanRow, options: TraceReportOptions, style: Style): string[] {
  const { span } = row;
  const indent = pad(row.depth);
  const parts = [safeText(span.name || '(unnamed)')];
  parts.push(row.type ? safeText(row.type.value) : '-');
  parts.push(row.durationMs !== null ? duration(row.durationMs) : 'unfinished');
  parts.push(span.status === 'ERROR' ? style.error(span.status) : span.status);
  if (row.turnIo) parts.push('<< turn I/O');
  if (row.place === 'orphan') parts.push(`(orphan: parent ${safeText(span.parentId ?? '?')} is not in the trace)`);
  if (row.place === 'cycle') parts.push(`(parent ${safeText(span.parentId ?? '?')})`);
  const lines = [indent + parts.join('  ')];
  const inner = pad(row.depth + 1);
  if (span.status === 'ERROR' && span.statusMessage !== '') lines.push(`${inner}${style.error(`error: ${oneLine(span.statusMessage, options)}`)}`);
  for (const e of row.exceptions) {
    const at = e.offsetMs !== null ? ` (at +${duration(Math.max(0, e.offsetMs))})` : '';
    lines.push(`${inner}${style.error(`exception ${safeText(e.type ?? '(no type)')}: ${oneLine(e.message ?? '', options)}`)}${at}`);
    if (e.stacktrace !== null) {
      const { lines: stack, omitted } = stackExcerpt(e.stacktrace, options.full);
      if (omitted > 0) lines.push(`${inner}  | … ${omitted} line(s) of the stack trace (--full shows them)`);
      for (const l of stack) lines.push(`${inner}  | ${safeText(l)}`);
    }
  }
  if (row.otherEvents.length > 0) lines.push(`${inner}events: ${row.otherEvents.map((e) => `${safeText(e.name)}${e.count > 1 ? ` ×${e.count}` : ''}`).join(', ')}`);
  if (options.attributes) {
    for (const key of span.attributes.keys()) {
      lines.push(`${inner}· ${safeText(key)} = ${safeText(attributeText(span.attributes.get(key), options.full))}`);
    }
  }
  return lines;
}

/** An attribute value on one line: strings bare (escaped), anything else as compact JSON; cut unless `full`. */
export function attributeText(value: unknown, full: boolean): string {
  const limit = full ? null : VALUE_CHARS;
  if (typeof value === 'string') return cutText(JSON.stringify(value).slice(1, -1), limit);
  return renderValue(value, limit);
}

function cutLine(row: CutRow, input: TraceReportInput): string {
  const parent = safeText(input.trace.spans[row.parent]?.name ?? '?');
  return row.reason === 'depth' ? `${row.spans} span(s) below ${parent} not shown (deeper than the depth shown)` : `${row.spans} more span(s) under ${parent} not shown (--full shows all children)`;
}

function assessmentLines(input: TraceReportInput, options: TraceReportOptions, style: Style): string[] {
  const { triage } = input;
  const { counts } = triage;
  const out = [
    `${style.bold('assessments')} (${triage.verdicts.length} feedback: ${counts.pass} pass, ${counts.fail} fail, ${counts.unknown} unknown` +
      `${counts.superseded > 0 ? `, ${counts.superseded} superseded` : ''}; ${triage.expectations.length} expectation(s); ${counts.scorerErrors} scorer error(s))`,
  ];
  if (input.trace.assessments.length === 0) out.push('  (none)');
  for (const v of triage.verdicts) out.push(...verdictLines(v, options, style));
  if (triage.expectations.length > 0) {
    out.push(style.bold('expectations (ground truth, not verdicts)'));
    for (const i of triage.expectations) {
      const a = input.trace.assessments[i];
      if (a !== undefined) out.push(`  ${safeText(a.name)} = ${valueText(a.value, options)}  ${source(a)}${spanNote(a)}`);
    }
  }
  if (triage.scorerErrors.length > 0) {
    out.push(style.bold('scorer errors (the judge failed, not the trace)'));
    for (const e of triage.scorerErrors) out.push(scorerErrorLine(e, options, style));
  }
  return out;
}

function verdictLines(v: Verdict, options: TraceReportOptions, style: Style): string[] {
  const a = v.assessment;
  const notes: string[] = [];
  if (v.level === 'session') notes.push('session-level');
  const inferred = polarityNote(v.polarityBasis);
  if (inferred !== null) notes.push(inferred);
  if (v.ineffective === 'superseded') notes.push(v.supersededBy ? `superseded by ${ref(v.supersededBy.assessmentId)}` : 'superseded (valid: false)');
  if (v.ineffective === 'human-disagrees' && v.overriddenByHuman) notes.push(`a human disagrees: ${ref(v.overriddenByHuman.assessmentId)} wins`);
  if (v.chain && v.chain.length > 1)
    notes.push(
      `overrides ${v.chain
        .slice(0, -1)
        .map((r) => ref(r.assessmentId))
        .join(' > ')}`,
    );
  const mark = v.effective ? v.polarity.toUpperCase() : `(${v.polarity})`;
  // Only a verdict that counts gets the verdict's colour; a superseded or outvoted one is dimmed.
  const paint = !v.effective ? style.dim : v.polarity === 'fail' ? style.error : v.polarity === 'pass' ? style.ok : style.warn;
  const lines = [
    `  ${paint(mark)}${' '.repeat(Math.max(0, 9 - mark.length))}${safeText(a.name)} = ${valueText(a.value, options)}  ${source(a)}${spanNote(a)}${notes.length > 0 ? `  [${notes.join('; ')}]` : ''}`,
  ];
  lines.push(`           rationale: ${v.rationale !== null && v.rationale !== '' ? oneLine(v.rationale, options) : '(none)'}`);
  return lines;
}

function scorerErrorLine(e: ScorerErrorEntry, options: TraceReportOptions, style: Style): string {
  const a = e.assessment;
  const what = [e.error.code, e.error.message].filter((x): x is string => x !== null && x !== '').join(': ') || '(no message)';
  const notes = [e.level === 'session' ? `session-level (${e.levelBasis})` : null, e.supersededBy ? `superseded by ${ref(e.supersededBy.assessmentId)}` : null].filter((x) => x !== null);
  return `  ${style.warn(`${safeText(a.name)}: ${oneLine(what, options)}`)}  ${source(a)}${notes.length > 0 ? `  [${notes.join('; ')}]` : ''}`;
}

function source(a: Assessment): string {
  return `(${safeText(a.sourceType)}${a.sourceId !== null ? ` ${safeText(a.sourceId)}` : ''})`;
}

function spanNote(a: Assessment): string {
  return a.spanId !== null ? ` on span ${safeText(a.spanId)}` : '';
}

function ref(id: string | null): string {
  return id !== null ? safeText(id) : '(no id)';
}

function valueText(value: unknown, options: TraceReportOptions): string {
  return safeText(renderValue(value, options.full ? null : VALUE_CHARS));
}

/** Free text on one line: line breaks shown as ` ⏎ `, control characters escaped, cut unless `full`. */
function oneLine(text: string, options: TraceReportOptions): string {
  return safeText(cutText(text.replace(/\r?\n/g, ' ⏎ '), options.full ? null : TEXT_CHARS));
}

function cutText(text: string, limit: number | null): string {
  return limit === null ? text : cut(text, limit, COUNTED);
}

/** After the kept text: the whole text's length and how to see it. */
const COUNTED = withTotal('; --full shows all');

function pad(depth: number): string {
  return '  '.repeat(depth);
}
