import type { Assessment } from '../model/types.js';
import { duration, utcTime } from './search.js';
import { safeText } from './terminal.js';
import { attributeText, ioLine } from './trace.js';
import { spanRows, stackExcerpt, type SpanRow, type TraceReportInput, type TraceReportOptions } from './trace-view.js';
import { renderValue, VALUE_CHARS } from './trace-values.js';

/**
 * Trace text for a Markdown cell or line: the characters that end a cell (`|`), open code (`` ` ``),
 * start HTML or an entity (`<`, `>`, `&`), emphasis or links (`*`, `_`, `[`, `]`, `\`) are
 * escaped, line breaks become `<br>`, and terminal control characters are escaped as well
 * (Markdown is often read raw). A hostile span name cannot break the table or inject HTML.
 */
export function mdText(text: string): string {
  const escaped = text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|#!~]/g, (ch) => `\\${ch}`)
    .replace(/\r\n|\r|\n/g, '<br>');
  return safeText(escaped);
}

/** `tracetriage trace --format markdown`: a summary, the span table, exceptions, attributes, assessments. */
export function traceMarkdown(input: TraceReportInput, options: TraceReportOptions): string {
  const { trace } = input;
  const { info } = trace;
  const out: string[] = [`# Trace ${mdText(trace.traceId || '(no id)')}`, ''];
  out.push(`- **State:** ${info.state}`);
  if (info.requestTimeMs !== null) out.push(`- **Request time:** ${utcTime(info.requestTimeMs)}`);
  if (info.durationMs !== null) out.push(`- **Duration:** ${duration(info.durationMs)}`);
  out.push(`- **Session:** ${input.session !== null ? mdText(input.session) : '(none)'}`);
  if (input.user !== null) out.push(`- **User:** ${mdText(input.user)}`);
  // ioLine is already terminal-safe; Markdown escaping goes on top.
  out.push(`- **Turn I/O span:** ${mdText(ioLine(input))}`, '');

  const { rows, cut } = spanRows(input, options);
  const spans = rows.filter((r): r is SpanRow => r.kind === 'span');
  out.push('## Spans', '', '| span | type | duration | status | error |', '|---|---|---|---|---|');
  for (const row of rows) {
    if (row.kind === 'cut') {
      out.push(`| ${indent(row.depth)}… ${row.spans} span(s) not shown | | | | |`);
      continue;
    }
    const { span } = row;
    const name = `${indent(row.depth)}${mdText(span.name || '(unnamed)')}${row.turnIo ? ' **(turn I/O)**' : ''}${placeNote(row)}`;
    const error = span.status === 'ERROR' ? mdText(cut600(span.statusMessage, options)) : '';
    out.push(`| ${name} | ${row.type ? mdText(row.type.value) : ''} | ${row.durationMs !== null ? duration(row.durationMs) : 'unfinished'} | ${span.status} | ${error} |`);
  }
  if (cut > 0) out.push('', `${cut} span(s) not shown.`);

  const withExceptions = spans.filter((r) => r.exceptions.length > 0);
  if (withExceptions.length > 0) {
    out.push('', '## Exceptions', '');
    for (const row of withExceptions) {
      for (const e of row.exceptions) {
        out.push(`- **${mdText(row.span.name)}**: ${mdText(e.type ?? '(no type)')}: ${mdText(cut600(e.message ?? '', options))}`);
        if (e.stacktrace !== null) {
          const { lines, omitted } = stackExcerpt(e.stacktrace, options.full);
          const shown = omitted > 0 ? [`… ${omitted} line(s)`, ...lines] : lines;
          out.push(`  <br>${shown.map(mdText).join('<br>')}`);
        }
      }
    }
  }

  if (options.attributes) {
    out.push('', '## Attributes');
    for (const row of spans) {
      const keys = row.span.attributes.keys();
      if (keys.length === 0) continue;
      out.push('', `### ${mdText(row.span.name || '(unnamed)')} (span ${mdText(row.span.spanId || String(row.index))})`, '', '| key | value |', '|---|---|');
      for (const key of keys) out.push(`| ${mdText(key)} | ${mdText(attributeText(row.span.attributes.get(key), options.full))} |`);
    }
  }

  out.push('', ...assessmentMarkdown(input, options));
  if (trace.warnings.length > 0) {
    out.push('', '## Warnings', '');
    for (const w of trace.warnings) out.push(`- ${w.code}: ${mdText(w.message)} (${mdText(w.jsonPath)})`);
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
      out.push(`| ${v.effective ? `**${v.polarity}**` : v.polarity} | ${mdText(a.name)} | ${value(a, options)} | ${sourceMd(a)} | ${mdText(cut600(v.rationale ?? '', options))} | ${notes} |`);
    }
  }
  if (triage.expectations.length > 0) {
    out.push('', '### Expectations', '', '| name | value | source |', '|---|---|---|');
    for (const i of triage.expectations) {
      const a = trace.assessments[i];
      if (a !== undefined) out.push(`| ${mdText(a.name)} | ${value(a, options)} | ${sourceMd(a)} |`);
    }
  }
  if (triage.scorerErrors.length > 0) {
    out.push('', '### Scorer errors (the judge failed, not the trace)', '', '| name | error | source | level |', '|---|---|---|---|');
    for (const e of triage.scorerErrors) {
      const what = [e.error.code, e.error.message].filter((x): x is string => x !== null && x !== '').join(': ');
      out.push(`| ${mdText(e.assessment.name)} | ${mdText(cut600(what, options))} | ${sourceMd(e.assessment)} | ${e.level} |`);
    }
  }
  return out;
}

function value(a: Assessment, options: TraceReportOptions): string {
  return mdText(renderValue(a.value, options.full ? null : VALUE_CHARS));
}

function sourceMd(a: Assessment): string {
  return mdText(`${a.sourceType}${a.sourceId !== null ? ` ${a.sourceId}` : ''}`);
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
  const chars = Array.from(text);
  return chars.length > 600 ? `${chars.slice(0, 600).join('')}…` : text;
}
