/**
 * tracetriage's programmatic API: the same powers as the CLI, without `process`. One async
 * function per command reads the inputs (paths, a stream, an MLflow store) and returns typed data;
 * one pure formatter per view renders that data as the CLI prints it. docs/api.md has examples.
 *
 * @packageDocumentation
 */

// Commands: each reads its inputs once and returns data (never prints, never exits).
export { analyze, formatAnalyze, formatAnalyzeChunks } from './api/analyze.js';
export type { Analysis, AnalysisOptions, AnalyzeFormat, AnalyzeOptions, AnalyzeTextFormat, AnalyzedSessionInfo } from './api/analyze.js';
export { listSessions, formatSessions, getSession, formatSession } from './api/sessions.js';
export type { GetSessionOptions, ListSessionsOptions, SessionFormat, SessionList, SessionLookup, SessionsFormat } from './api/sessions.js';
export { getTrace, formatTrace, formatTraceRecord } from './api/trace.js';
export type { FoundTrace, GetTraceOptions, TraceFormat, TraceFormatOptions, TraceLookup, TraceRecordOptions } from './api/trace.js';
export { search, formatSearch } from './api/search.js';
export type { SearchFormat, SearchOptions, SearchPage } from './api/search.js';
export { report, reportData, formatReport } from './api/report.js';
export type { ReportBuild, ReportDataOptions, ReportFormat, ReportFormatOptions, ReportOptions } from './api/report.js';
export { stats, formatStats, validate, formatValidate } from './api/stats.js';
export type { Stats, SummaryReadOptions, Validation, ValidateFormatOptions } from './api/stats.js';
export { digest, reduce, merge } from './api/scale.js';
export type { DigestOptions, DigestRun, MergeOptions, ReduceOptions, ReduceRun, ScaleRuleOptions } from './api/scale.js';
export type { LineSink, Lines } from './api/lines.js';
export { loadConfig, parseConfig } from './api/config.js';
export { writeOutput } from './api/output.js';
export type { FormatOptions } from './api/output.js';
export type { Input, ReadingOptions, ReadProblems } from './api/read.js';
export type * from './api/types.js';
export { ReportTooLargeError } from './api/types.js';

// Errors the functions above throw for what they were asked (not for bad input, which is data).
export { ConfigError } from './engine/config.js';
export type { ConfigFile, ScorerEntry, TriageConfig } from './engine/config.js';
export { UnknownRuleError } from './engine/analyze/rule-set.js';
export { QuerySyntaxError } from './query/errors.js';
export { ScaleInputError } from './engine/scale/reduce.js';

// The data the results hold.
export type { Evidence, Finding } from './engine/analyze/findings.js';
export type { ExitCode, ExitVerdict, ReadOutcome } from './engine/outcome.js';
export type { SearchHit } from './engine/search/search.js';
export type { ReportData } from './engine/report/data.js';
export type { Session, SessionSortKey, SessionSummary, SessionView } from './model/sessions.js';
export type { TraceDigest } from './model/digest-types.js';

// The lines of the scale-out steps (docs/scale-out.md), and the bucket an engine routes them by.
export { bucketOf, DEFAULT_BUCKETS } from './engine/scale/lines.js';
export type { ContextLine, DigestLine, PartialLine, TraceLine } from './engine/scale/lines.js';

// The reading layer under the commands: every trace, or a summary per trace, as events.
export { readTraces } from './engine/read/read.js';
export type { ReadOptions } from './engine/read/read.js';
export type { FrameEvent, ReadEvent, Rejection, RejectionCode, SourceNote, SummaryEvent } from './engine/read/read-events.js';
export { readSummaries } from './engine/read/read-summaries.js';
export type { SummaryOptions } from './engine/read/read-summaries.js';
export { summarize } from './engine/read/summarize.js';
export type { TraceSummary } from './engine/read/summarize.js';
export { StatsCollector } from './engine/stats.js';
export type { Counts, StatsReport } from './engine/stats.js';
export { ValidateCollector } from './engine/validate.js';
export type { ValidateResult, LocatedWarning } from './engine/validate.js';
export { normalizeRecord } from './model/normalize.js';
export { sessionIdOf } from './model/session-keys.js';
export { Attributes, decodeAttributeValue } from './model/attributes.js';
export type * from './model/types.js';
export type { Provenance, RawRecord } from './ingest/record.js';
