import { duration, isoTime, utcTime } from '../../shared/time.js';
import type { Session, SessionSortKey, SessionSummary, SessionTurn } from '../../model/sessions.js';
import { cut } from '../../shared/text.js';
import { PLAIN_STYLE, type Paint, type Style } from '../shared/style.js';
import { fitLines, table } from '../shared/terminal.js';
import { safeText } from '../../shared/escape/terminal.js';
import { plural } from '../../shared/plural.js';
import { jsonDocumentChunks, mapped } from '../format.js';
import type { RowList } from '../../shared/columns.js';

/** What `sessions` reports: the sessions in the chosen order and the traces without one. */
export interface SessionsReport {
  /** Read more than once (the text counts, then prints): a list that makes each session as a pass reaches it will do. */
  sessions: Readonly<RowList<Session<SessionTurn>>>;
  sort: SessionSortKey;
  withoutSession: Readonly<RowList<SessionTurn>>;
  /** Copies of traces already read, left out. */
  duplicates: number;
}

/** Trace ids of traces without a session listed in text; beyond that, only counted. */
export const LISTED_WITHOUT_SESSION = 10;

/** Widest id shown in a column (ids may be up to 4,096 characters); JSON has them whole. */
const ID_WIDTH = 48;

const HEADER = ['SESSION', 'USER', 'TURNS', 'FIRST', 'LAST', 'DURATION', 'ERR TURNS', 'FAILING', 'SCORER ERR'];
const NUMERIC = new Set([2, 5, 6, 7, 8]);

/**
 * Human text for `sessions`: one row per session, then the traces without a session. `style`
 * paints the header and the counts that mean trouble (turns with errors, failing assessments in
 * the error colour, scorer errors in the warning colour) when they are not zero.
 */
export function sessionsText(report: SessionsReport, style: Style = PLAIN_STYLE): string {
  // The experiment is a column only where it tells sessions apart: a store read whole holds many.
  const experiments = new Set<string>();
  let turns = 0;
  for (const { summary } of report.sessions) {
    for (const e of summary.experiments) experiments.add(e);
    turns += summary.turns;
  }
  const withExperiment = experiments.size > 1;
  const rows = Array.from(report.sessions, ({ summary: s }) => [
    cut(oneLine(s.sessionId), ID_WIDTH),
    ...(withExperiment ? [s.experiments.length === 0 ? '-' : cut(oneLine(s.experiments.join(',')), ID_WIDTH)] : []),
    s.user === null ? '-' : cut(oneLine(s.user), ID_WIDTH),
    String(s.turns),
    s.firstTimeMs === null ? '-' : utcTime(s.firstTimeMs),
    s.lastTimeMs === null ? '-' : utcTime(s.lastTimeMs),
    s.durationMs === null ? '-' : duration(s.durationMs),
    nonZero(s.turnsWithErrors, style.error),
    nonZero(s.failingAssessments, style.error),
    nonZero(s.scorerErrors, style.warn),
  ]);
  const header = withExperiment ? [HEADER[0]!, 'EXPERIMENT', ...HEADER.slice(1)] : HEADER;
  const numeric = withExperiment ? new Set([...NUMERIC].map((i) => i + 1)) : NUMERIC;
  // Within a width: the last time goes first (first time and duration say it), then the
  // experiment, the duration, the user and the first time; the id and the counts stay.
  const at = (name: string): number => header.indexOf(name);
  const drop = ['LAST', 'EXPERIMENT', 'DURATION', 'USER', 'FIRST'].map(at).filter((c) => c >= 0);
  const lines = report.sessions.length > 0 ? [table(header, rows, numeric, style, { width: style.width, drop }), ''] : [];
  lines.push(`${plural(report.sessions.length, 'session')}, ${plural(turns, 'turn')}`);
  const ids = Array.from(report.withoutSession, (d) => oneLine(d.traceId || '(no trace id)'));
  const n = plural(ids.length, 'trace');
  if (ids.length === 0) lines.push('0 traces without a session');
  else if (ids.length <= LISTED_WITHOUT_SESSION) lines.push(`${n} without a session: ${ids.join(', ')}`);
  else lines.push(`${n} without a session (first ${LISTED_WITHOUT_SESSION}: ${ids.slice(0, LISTED_WITHOUT_SESSION).join(', ')}; --format json lists all)`);
  if (report.duplicates > 0) lines.push(`${plural(report.duplicates, 'trace')} read more than once (same trace id): counted once`);
  return fitLines(lines.join('\n'), style.width, 'wrap') + '\n';
}

/** `sessions --format json` (schemas/sessions-output.schema.json). */
export interface SessionsJson {
  schema_version: 1;
  sort: SessionSortKey;
  sessions: SessionSummaryJson[];
  traces_without_session: { count: number; trace_ids: string[] };
  duplicate_traces: number;
}

/** One session's numbers in JSON; shared with `session --format json`. */
export interface SessionSummaryJson {
  session_id: string;
  user: string | null;
  /** The MLflow experiments of its turns (ids), sorted; empty when the traces do not say. */
  experiment_ids: string[];
  turns: number;
  first_time: string | null;
  last_time: string | null;
  duration_ms: number | null;
  turns_with_errors: number;
  failing_assessments: number;
  scorer_errors: number;
  trace_ids: string[];
}

/** The JSON document of `sessions --format json`. */
export function sessionsJson(report: SessionsReport): SessionsJson {
  return sessionsDocument(report, Array.from(report.sessions, summaryJson));
}

/**
 * `sessions --format json` as pieces of text: byte for byte {@link sessionsJson} printed, each
 * session's JSON made as it is written (a big dump's whole text is tens of MB).
 */
export function sessionsJsonChunks(report: SessionsReport): Iterable<string> {
  return jsonDocumentChunks(sessionsDocument(report, []), { sessions: mapped(report.sessions, summaryJson) });
}

function sessionsDocument(report: SessionsReport, sessions: SessionSummaryJson[]): SessionsJson {
  return {
    schema_version: 1,
    sort: report.sort,
    sessions,
    traces_without_session: { count: report.withoutSession.length, trace_ids: Array.from(report.withoutSession, (d) => d.traceId) },
    duplicate_traces: report.duplicates,
  };
}

/** A session's numbers in JSON. */
export function summaryJson(session: Session<SessionTurn>): SessionSummaryJson {
  const s: SessionSummary = session.summary;
  return {
    session_id: s.sessionId,
    user: s.user,
    experiment_ids: s.experiments,
    turns: s.turns,
    first_time: isoTime(s.firstTimeMs),
    last_time: isoTime(s.lastTimeMs),
    duration_ms: s.durationMs === null ? null : round(s.durationMs),
    turns_with_errors: s.turnsWithErrors,
    failing_assessments: s.failingAssessments,
    scorer_errors: s.scorerErrors,
    trace_ids: session.turns.map((d) => d.traceId),
  };
}

/** Re-exported for the formatters that import it from here. */
export { isoTime };

/** Milliseconds to 3 decimals, so float noise from nanosecond doubles does not show. */
export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** One line of safe text: line breaks and tabs as spaces, control characters escaped. */
export function oneLine(text: string): string {
  return safeText(text.replace(/[\r\n\t]+/g, ' '));
}

/** A count, painted when it is not zero (a zero is the good news: it stays plain). */
function nonZero(n: number, paint: Paint): string {
  return n === 0 ? '0' : paint(String(n));
}
