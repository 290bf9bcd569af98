import type { ExitVerdict } from '../engine/outcome.js';
import { reportInputs } from '../engine/report/report.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_SESSIONS, type ReportData, type SessionLine } from '../engine/report/data.js';
import type { SessionGuard } from '../report/ticket/session-guard.js';
import { TICKET_FORMATS, type TicketFormat } from '../report/ticket/formats.js';
import { reportOutcome } from '../engine/analyze/view.js';
import { engineAnalysis, type AnalysisOptions } from './analyze.js';
import { configOf } from './config.js';
import { formatWith } from './output.js';
import { engineRead, ProblemLog, type Input, type ReadProblems } from './read.js';

/** Options of {@link reportData}: the analysis's, and how many sessions to show turn by turn. */
export interface ReportDataOptions extends AnalysisOptions {
  /** Sessions shown turn by turn (most telling first); the others get one line. Default 20. */
  maxSessions?: number;
}

/** The data of a report, and what the read could not use. */
export interface ReportBuild {
  /** Summary, sessions turn by turn with excerpts, waterfalls, findings: what `formatReport` renders. */
  data: ReportData & { otherSessions: SessionLine[] };
  exit: ExitVerdict;
  problems: ReadProblems;
}

/**
 * Reads the inputs once for a report, as `tracetriage report` does: the analysis, and for the most
 * telling sessions (or `sessions`) their turns with excerpts, assessments, error spans and span
 * waterfalls. Memory and size are bounded by `maxSessions`, not by the dump.
 */
export async function reportData(inputs: Input | readonly Input[], options: ReportDataOptions = {}): Promise<ReportBuild> {
  const config = configOf(options.config);
  const read = engineRead(inputs, options);
  const analysis = engineAnalysis(options, config);
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  if (!Number.isInteger(maxSessions) || maxSessions < 1) throw new RangeError(`maxSessions must be a whole number of at least 1, got ${String(maxSessions)}`);
  const log = new ProblemLog(options.onEvent);
  const data = await reportInputs(read.inputs, {
    ...read.options,
    onEvent: log.onEvent,
    onTrace: log.onTrace,
    ...analysis,
    jobs: options.jobs ?? 1,
    maxSessions,
    config: config.source,
    rejected: () => log.rejectedRecords,
  });
  // `reportInputs` gives the other sessions' lines as an array of their own.
  return { data, exit: log.verdict(reportOutcome(data.summary.sessions, options.sessions)), problems: log.problems };
}

/** The formats of {@link formatReport}: a Markdown ticket or one self-contained HTML file. */
export type ReportFormat = TicketFormat;

/** Options of {@link formatReport}. */
export interface ReportFormatOptions {
  /** Markdown only: the most bytes the report may take; excerpts are cut first, then turn details, then sessions. Default 60 000. */
  maxBytes?: number;
  /**
   * Told of a session the renderer could not draw (a bug): the report says so in its place and
   * goes on. Without it, such a failure is only said in the report.
   */
  onSessionError?: (sessionId: string, error: unknown) => void;
}

/**
 * A report as `report --format <format>` writes it. Markdown throws `ReportTooLargeError` when even
 * its smallest form exceeds `maxBytes` (the message says how many bytes to allow).
 */
export function formatReport(data: ReportData, format: ReportFormat, options: ReportFormatOptions = {}): string {
  const { onSessionError } = options;
  const guard: SessionGuard | undefined = onSessionError === undefined ? undefined : { failed: onSessionError };
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  return formatWith(TICKET_FORMATS, data, format, { maxBytes, ...(guard !== undefined ? { guard } : {}) });
}

/** Options of {@link report}. */
export interface ReportOptions extends ReportDataOptions, ReportFormatOptions {
  /** Default `markdown`. */
  format?: ReportFormat;
}

/** {@link reportData} then {@link formatReport}: the report as one string, ready for a ticket or a file. */
export async function report(inputs: Input | readonly Input[], options: ReportOptions = {}): Promise<string> {
  const { data } = await reportData(inputs, options);
  return formatReport(data, options.format ?? 'markdown', options);
}
