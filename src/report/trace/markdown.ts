import type { Assessment } from '../../model/types.js';
import { cut, ELLIPSIS_AFTER } from '../../shared/text.js';
import { duration, utcTime } from '../../shared/time.js';
import { mdCode, mdInline } from '../../shared/escape/markdown.js';
import { attributeText, ioLine } from './trace.js';
import { spanRows, stackExcerpt, type SpanRow, type TraceReportInput, type TraceReportOptions } from './view.js';
import { renderValue, VALUE_CHARS } from './values.js';

/**
 * `tracetriage trace --format markdown`: a summary, the span table, exceptions, attributes,
 * assessments. Trace text goes through the one Markdown escaper (src/shared/escape/markdown.ts): prose
 * and table cells through `mdInline`, ids through `mdCode`, so a hostile trace cannot end a
 * cell, inject HTML, link, mention, reference or math, or reach the terminal.
 */
export function traceMarkdown(input: TraceReportInput, options: TraceReportOptions): string {
  const { trace } = input;
  const { info } = trace;
  const out: string[] = [`# Trace ${trace.traceId === '' ? '(no id)' : mdCode(trace.traceId)}`, ''];
  out.push(`- **State:** ${info.state}`);
  if (info.requestTimeMs !== null) out.push(`- **Request time:** ${utcTime(info.requestTimeMs)}`);
  if (info.durationMs !== null) out.push(`- **Duration:** ${duration(info.durationMs)}`);
  out.push(`- **Session:** ${input.session !== null ? mdCode(input.session) : '(none)'}`);
  if (input.user !== null) out.push(`- **User:** ${mdCode(input.user)}`);
  // ioLine is already terminal-safe; Markdown escaping goes on top.
  out.push(`- **Turn I/O span:** ${mdInline(ioLine(input))}`, '');

  const { rows, cut } = spanRows(input, options);
  const spans = rows.filter((r): r is SpanRow => r.kind === 'span');
  out.push('## Spans', '', '| span | type | duration | status | error |', '|---|---|---|---|---|');
  for (const row of rows) {
    if (row.kind === 'cut') {
      out.push(`| ${indent(row.depth)}… ${row.spans} span(s) not shown | | | | |`);
      continue;
    }
    const { span } = row;
    const name = `${indent(row.depth)}${mdInline(span.name || '(unnamed)')}${row.turnIo ? ' **(turn I/O)**' : ''}${placeNote(row)}`;
    const error = span.status === 'ERROR' ? mdInline(cut600(span.statusMessage, options)) : '';
    out.push(`| ${name} | ${row.type ? mdInline(row.type.value) : ''} | ${row.durationMs !== null ? duration(row.durationMs) : 'unfinished'} | ${span.status} | ${error} |`);
  }
  if (cut > 0) out.push('', `${cut} span(s) not shown.`);

  const withExceptions = spans.filter((r) => r.exceptions.length > 0);
  if (withExceptions.length > 0) {
    out.push('', '## Exceptions', '');
    for (const row of withExceptions) {
      for (const e of row.exceptions) {
        out.push(`- span ${mdInline(row.span.name)}: ${mdInline(e.type ?? '(no type)')}: ${mdInline(cut600(e.message ?? '', options))}`);
        if (e.stacktrace !== null) {
          const { lines, omitted } = stackExcerpt(e.stacktrace, options.full);
          const shown = omitted > 0 ? [`… ${omitted} line(s)`, ...lines] : lines;
          out.push(`  <br>${shown.map((l) => mdInline(l)).join('<br>')}`);
        }
      }
    }
  }

  if (options.attributes) {
    out.push('', '## Attributes');
    for (const row of spans) {
      const keys = row.span.attributes.keys();
      if (keys.length === 0) continue;
      out.push('', `### ${mdInline(row.span.name || '(unnamed)')} (span ${mdCode(row.span.spanId || String(row.index))})`, '', '| key | value |', '|---|---|');
      for (const key of keys) out.push(`| ${mdInline(key)} | ${mdInline(attributeText(row.span.attributes.get(key), options.full))} |`);
    }
  }

  out.push('', ...assessmentMarkdown(input, options));
  if (trace.warnings.length > 0) {
    out.push('', '## Warnings', '');
    for (const w of trace.warnings) out.push(`- ${w.code}: ${mdInline(w.message)} (${mdCode(w.jsonPath)})`);
  }
  return out.join('\n') + '\n';
}

function assessmentMarkdown(input: TraceReportInput, options: TraceReportOptions): string[] {
  const { triage, trace } = input;
  const out = ['## Assessments', ''];
  if (triage.verdicts.length === 0) out.push('No feedback.');
  else {
    out.push('| polarity | name | value | source | rationale | notes |', '|---|---|---|---|---|---|');
    for (const v of triage.verdicts) {
      const notes = [v.level === 'session' ? 'session-level' : '', v.ineffective === 'superseded' ? 'superseded' : '', v.ineffective === 'human-disagrees' ? 'a human disagrees' : '']
        .filter((n) => n !== '')
        .join(', ');
      const a = v.assessment;
      out.push(`| ${v.effective ? `**${v.polarity}**` : v.polarity} | ${mdInline(a.name)} | ${value(a, options)} | ${sourceMd(a)} | ${mdInline(cut600(v.rationale ?? '', options))} | ${notes} |`);
    }
  }
  if (triage.expectations.length > 0) {
    out.push('', '### Expectations', '', '| name | value | source |', '|---|---|---|');
    for (const i of triage.expectations) {
      const a = trace.assessments[i];
      if (a !== undefined) out.push(`| ${mdInline(a.name)} | ${value(a, options)} | ${sourceMd(a)} |`);
    }
  }
  if (triage.scorerErrors.length > 0) {
    out.push('', '### Scorer errors (the judge failed, not the trace)', '', '| name | error | source | level |', '|---|---|---|---|');
    for (const e of triage.scorerErrors) {
      const what = [e.error.code, e.error.message].filter((x): x is string => x !== null && x !== '').join(': ');
      out.push(`| ${mdInline(e.assessment.name)} | ${mdInline(cut600(what, options))} | ${sourceMd(e.assessment)} | ${e.level} |`);
    }
  }
  return out;
}

function value(a: Assessment, options: TraceReportOptions): string {
  return mdInline(renderValue(a.value, options.full ? null : VALUE_CHARS));
}

function sourceMd(a: Assessment): string {
  return mdInline(`${a.sourceType}${a.sourceId !== null ? ` ${a.sourceId}` : ''}`);
}

function placeNote(row: SpanRow): string {
  if (row.place === 'orphan') return ' (orphan)';
  if (row.place === 'cycle') return ' (on a parent cycle)';
  return '';
}

function indent(depth: number): string {
  return depth === 0 ? '' : `${'&nbsp;&nbsp;'.repeat(depth)}↳ `;
}

function cut600(text: string, options: TraceReportOptions): string {
  if (options.full) return text;
  return cut(text, 600, ELLIPSIS_AFTER);
}
