import type { Counts, StatsReport } from '../../engine/stats.js';
import { PLAIN_STYLE, type Style } from '../shared/style.js';
import { fitLines, table } from '../shared/terminal.js';
import { safeText } from '../../shared/escape/terminal.js';
import { plural } from '../../shared/plural.js';

const HEADER = ['SOURCE', 'TRACES', 'SPANS', 'SESSIONS', 'ERR TRACES', 'ERR SPANS', 'ASSESS', 'SCORER ERR', 'REJECTED', 'MB', 'FORMATS'];
const NUMERIC = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]);

/** A table row; `name` is made safe (or painted) by the caller. */
function row(name: string, c: Counts, style: Style): string[] {
  const bad = (n: number, paint = style.error): string => (n === 0 ? '0' : paint(String(n)));
  return [
    name,
    String(c.traces),
    String(c.spans),
    String(c.sessions),
    bad(c.error_traces),
    bad(c.error_spans),
    String(c.assessments.total),
    bad(c.assessments.scorer_errors, style.warn),
    bad(c.rejected),
    (c.bytes / 1e6).toFixed(2),
    Object.entries(c.formats)
      .map(([label, n]) => `${label} ×${n}`)
      .join(', '),
  ];
}

/**
 * Human text for `stats`: a row per source, the total, then what the table cannot show. `style`
 * paints the header, the total row's name, and counts of errors, scorer errors and rejected
 * records that are not zero.
 */
export function statsText(report: StatsReport, style: Style = PLAIN_STYLE): string {
  const rows = report.sources.map((s) => row(safeText(s.source) + (s.unpacked ? ' (gunzipped)' : ''), s, style));
  const t = report.total;
  rows.push(row(style.bold('total'), t, style));
  // Within a width: formats, megabytes, then the assessment columns go; the source is cut.
  const lines = [table(HEADER, rows, NUMERIC, style, { width: style.width, drop: [10, 9, 6, 7, 5, 4, 3] }), ''];
  lines.push(`time range:   ${t.time_range.first ?? '-'} … ${t.time_range.last ?? '-'}`);
  const a = t.assessments;
  lines.push(
    `sessions:     ${t.sessions} (${plural(t.traces_without_session, 'trace')} without a session)`,
    `assessments:  ${a.total} (${a.feedback} feedback, ${plural(a.expectations, 'expectation')}; ` + `${plural(a.scorer_errors, 'scorer error')} set apart; ${a.invalid} superseded)`,
    `records:      ${t.records} (${plural(t.traces, 'trace')}, ${t.rejected} rejected${t.partial_traces ? `, ${t.partial_traces} partial` : ''}); ` +
      `${plural(t.warnings, 'warning')} — see \`tracetriage validate\``,
  );
  if (report.notes.length > 0) {
    lines.push('notes:');
    for (const n of report.notes) lines.push(`  ${safeText(n.source)}: ${n.kind}: ${safeText(n.message)}`);
  }
  lines.push(`read ${(t.bytes / 1e6).toFixed(2)} MB in ${t.elapsed_seconds.toFixed(3)} s (${t.mb_per_s.toFixed(1)} MB/s)`);
  return fitLines(lines.join('\n'), style.width, 'wrap') + '\n';
}
