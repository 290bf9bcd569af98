import type { Finding } from '../../../engine/analyze/findings.js';
import type { ReportData, SessionLine } from '../../../engine/report/data.js';
import { mdCode } from '../../../shared/escape/markdown.js';
import { group } from '../../../shared/text.js';
import { findingItem, turnsWords, type Lengths } from './words.js';
import { plural } from '../../../shared/plural.js';

/** What the overview table says of a session: detailed below, or only here. */
export type RowShown = 'detailed' | 'overview' | 'cut';

const SHOWN_WORDS: Record<RowShown, string> = {
  detailed: 'detailed below',
  overview: 'overview only',
  cut: 'overview only (size limit)',
};

/** The title, the summary paragraph and `analyze`, the command that reproduces every finding. */
export function headLines(data: ReportData, analyze: string): string[] {
  const s = data.summary;
  const title =
    data.sessionFilter.length === 1
      ? `# Trace triage: session ${mdCode(data.sessionFilter[0]!)}`
      : `# Trace triage: ${plural(s.rootCauses, 'root cause')} in ${plural(s.sessions, 'session')}${s.failedWithoutSession > 0 ? `, ${plural(s.failedWithoutSession, 'failed trace')} without a session` : ''}`;
  const parts = [
    `**${plural(s.rootCauses, 'root cause')}** found in ${plural(s.sessions, 'session')} (${plural(s.turns, 'turn')}), ${plural(s.traces, 'trace')} read`,
    `${plural(s.findings, 'finding')}: ${s.bySeverity.error} error, ${s.bySeverity.warn} warn, ${s.bySeverity.info} info`,
  ];
  // Traces without a session are analysed, each as a one-turn conversation: not skipped.
  if (s.tracesWithoutSession > 0) {
    const failed = s.failedWithoutSession > 0 ? `**${s.failedWithoutSession} failed**; ` : '';
    parts.push(
      `${plural(s.tracesWithoutSession, 'trace')} without a session, ${s.tracesWithoutSession === 1 ? '' : 'each '}analysed as a one-turn conversation (${failed}${s.tracesWithoutSession === 1 ? 'its' : 'their'} findings are at the end)`,
    );
  }
  const skipped: string[] = [];
  if (s.rejected > 0) skipped.push(`${plural(s.rejected, 'record')} not readable as a trace`);
  if (s.duplicates > 0) skipped.push(`${plural(s.duplicates, 'copy', 'copies')} of traces already read`);
  if (s.outsideSelection > 0) skipped.push(`${plural(s.outsideSelection, 'trace')} of other sessions (\`--session\`)`);
  parts.push(skipped.length === 0 ? 'nothing skipped' : `skipped: ${skipped.join(', ')}`);
  parts.push(`${plural(s.rules.length, 'rule')}, ${s.config === null ? 'no config file' : `config ${mdCode(s.config)}`}`);
  if (data.sessionFilter.length > 1) parts.push(`only sessions ${data.sessionFilter.map((id) => mdCode(id)).join(', ')}`);
  return [title, '', `${parts.join(' · ')}.`, '', `Reproduce every finding: ${mdCode(analyze)}`, ''];
}

/** A note at the top saying what was cut to fit the size limit and how to get it back. */
export function cutNoteLines(maxBytes: number, cuts: readonly string[]): string[] {
  if (cuts.length === 0) return [];
  return ['> [!NOTE]', `> Cut to fit ${group(maxBytes)} bytes: ${cuts.join('; ')}. A larger \`--max-bytes\` keeps more, \`--session <id>\` reports one session.`, ''];
}

/** The overview heading and table header; with no sessions at all, a line saying why. */
export function overviewHead(total: number, filtered: boolean): string[] {
  if (total === 0) return ['## Sessions', '', filtered ? 'None of the sessions asked for (`--session`) is in the inputs.' : 'No sessions: no trace read has a session id.', ''];
  return ['## Sessions', '', '| session | user | turns | findings | worst | root cause | failed turns | in this report |', '|---|---|---:|---:|---|---|---:|---|'];
}

/** One row of the overview table: a session in one line, and whether it is detailed below. */
export function overviewRow(line: SessionLine, shown: RowShown): string {
  const worst = line.worst === null ? '–' : line.worst === 'error' ? '**error**' : line.worst;
  const root = line.rootCauseTurns.length === 0 ? '–' : turnsWords(line.rootCauseTurns);
  const user = line.user === null ? '–' : mdCode(line.user, 'table');
  return `| ${mdCode(line.id, 'table')} | ${user} | ${line.turns} | ${line.findings} | ${worst} | ${root} | ${line.failedTurns} | ${SHOWN_WORDS[shown]} |`;
}

/** After the table: how many sessions it leaves out, and the command that lists them all. */
export function overviewFoot(left: number, sessionsCommand: string): string[] {
  if (left === 0) return [''];
  return ['', `${plural(left, 'more session')} not listed to fit the size limit; ${mdCode(sessionsCommand)} lists every session.`, ''];
}

/** The heading of the findings about traces without a session, or about the dump as a whole. */
export function looseHeading(kind: 'trace' | 'dump'): string[] {
  return [kind === 'trace' ? '## Traces without a session' : '## About the whole dump', ''];
}

/** A finding outside the sessions as a list item: for a trace, its id and path first. */
export function looseItem(f: Finding, suggest: boolean, lengths: Lengths): string[] {
  const where = [f.traceId === null ? null : `trace ${mdCode(f.traceId)}`, f.path === null ? null : mdCode(f.path)].filter((w): w is string => w !== null);
  return findingItem(f, where.join(' · '), suggest, lengths);
}

/** The line saying how many findings outside the sessions were left out, and where they are. */
export function looseFoot(left: number, analyze: string): string[] {
  return left === 0 ? [] : [`${plural(left, 'more finding')} outside the sessions left out to fit the size limit; ${mdCode(analyze)} lists them.`, ''];
}
