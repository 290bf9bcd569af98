import { analysisFacts, analysisOutcome, analysisSelection } from '../engine/analyze/view.js';
import { analyzeInputs, type AnalyzeOptions as EngineAnalyzeOptions } from '../engine/analyze/analyze.js';
import type { TriageConfig } from '../engine/config.js';
import type { Finding } from '../engine/analyze/findings.js';
import type { ExitVerdict } from '../engine/outcome.js';
import { sarifTool } from '../engine/analyze/rule-set.js';
import { compileFilter } from '../query/filter/compile.js';
import { ANALYZE_FORMATS, type AnalyzeFormat, type AnalyzeFormatOptions, type AnalyzeTextFormat } from '../report/analyze/formats.js';
import { BINARY_FORMATS, type FormatOptions } from '../report/format.js';
import type { Severity } from '../rules/api.js';
import { configOf } from './config.js';
import { formatWith, outputChunks } from './output.js';
import { engineRead, ProblemLog, type Input, type ReadingOptions, type ReadProblems } from './read.js';

/** What {@link analyze} and {@link reportData} take: which rules, which sessions, which traces. */
export interface AnalysisOptions extends ReadingOptions {
  /** Rule settings, session/user keys, carriers, scorer polarity (`loadConfig`, `parseConfig`); default none. */
  config?: TriageConfig;
  /** Run only these rules (ids, as `tracetriage rules` lists them); an unknown id throws `UnknownRuleError`. */
  rules?: readonly string[];
  /** Analyse only these sessions (ids compare exactly). */
  sessions?: readonly string[];
  /** An MLflow filter applied to traces first (docs/search-filters.md); a bad one throws `QuerySyntaxError`. */
  filterString?: string;
  /** Worker threads for the per-trace stage (parse, digest, facts, trace rules); the result is the same for any number. Default 1. */
  jobs?: number;
}

/** Options of {@link analyze}. */
export interface AnalyzeOptions extends AnalysisOptions {
  /** The severity at which `failed` is set (and `exit` is 1), or `none`; default `error`. */
  failOn?: Severity | 'none';
}

/** One session analysed: its id, turns and user, and the trace id of each turn (turn N at index N - 1). */
export interface AnalyzedSessionInfo {
  id: string;
  turns: number;
  user: string | null;
  turnTraceIds: string[];
  /** Set when turns before its first turn in the inputs are missing; null otherwise. */
  partial: { earlierMessages: number | null; pagedSources: string[] } | null;
}

/** What {@link analyze} found, and what it read: the data `analyze --format json` prints. */
export interface Analysis {
  /** Worded, located, de-duplicated and sorted: sessions in order, then traces without a session, then the dump. */
  findings: Finding[];
  sessions: AnalyzedSessionInfo[];
  tracesWithoutSession: number;
  /** Trace ids of the traces without a session, by request time. */
  withoutSessionTraceIds: string[];
  /** Traces read, copies included. */
  traces: number;
  /** Copies of a trace already read, left out. */
  duplicates: number;
  /** Traces of other sessions left out by `sessions`. */
  outsideSelection: number;
  /** Records that could not be read as traces. */
  rejected: number;
  /** Ids of the rules that ran, in table order. */
  rules: string[];
  /** The config's name (its file), or null. */
  config: string | null;
  failOn: Severity | 'none';
  /** A finding reached `failOn`. */
  failed: boolean;
  /** The status `tracetriage analyze` would exit with for the same inputs and options, and why. */
  exit: ExitVerdict;
  problems: ReadProblems;
}

/** The formats of {@link formatAnalyzeChunks}: as `analyze --format`; {@link formatAnalyze} takes the text ones. */
export type { AnalyzeFormat, AnalyzeTextFormat };

/** The sessions of an analysis as the API gives them: each with its turns' trace ids in an array of its own. */
export function sessionInfos(sessions: ReturnType<typeof analysisFacts>['sessions']): AnalyzedSessionInfo[] {
  return Array.from(sessions, (s) => ({ id: s.id, turns: s.turns, user: s.user, turnTraceIds: [...s.turnTraceIds], partial: s.partial }));
}

/** What the engine takes for an analysis: the rules, the digest keys, the filter, the sessions. */
export function engineAnalysis(options: AnalysisOptions, config: TriageConfig): Pick<EngineAnalyzeOptions, 'rules' | 'severityOverride' | 'digest' | 'filter' | 'sessions'> {
  const filter = options.filterString === undefined || options.filterString.trim() === '' ? null : compileFilter(options.filterString);
  return analysisSelection(config, { rules: options.rules, sessions: options.sessions, filter });
}

/**
 * Runs the rules over every session of the inputs, as `tracetriage analyze` does: where each
 * conversation went wrong (the root-cause turn, the turns that inherited it, the evidence), scorer
 * errors, instrumentation problems. Records that cannot be read are in `problems`, not thrown.
 */
export async function analyze(inputs: Input | readonly Input[], options: AnalyzeOptions = {}): Promise<Analysis> {
  const config = configOf(options.config);
  const read = engineRead(inputs, options);
  const analysis = engineAnalysis(options, config);
  const log = new ProblemLog(options.onEvent);
  const result = await analyzeInputs(read.inputs, { ...read.options, onEvent: log.onEvent, onTrace: log.onTrace, ...analysis, jobs: options.jobs ?? 1 });
  const facts = analysisFacts(result, options.failOn ?? 'error');
  return {
    ...facts,
    sessions: sessionInfos(facts.sessions),
    withoutSessionTraceIds: [...facts.withoutSessionTraceIds],
    rejected: log.rejectedRecords,
    config: config.source,
    exit: log.verdict(analysisOutcome(result, facts, options.sessions)),
    problems: log.problems,
  };
}

/**
 * An analysis as `analyze --format <format>` prints it, piece by piece (JSON, JUnit and SARIF of a
 * big dump are tens of MB: write them with `writeOutput` rather than join them); `parquet` gives
 * the file's bytes, row group by row group.
 */
export function formatAnalyzeChunks(analysis: Analysis, format: 'parquet', options?: FormatOptions): Iterable<Uint8Array>;
export function formatAnalyzeChunks(analysis: Analysis, format: AnalyzeTextFormat, options?: FormatOptions): Iterable<string>;
export function formatAnalyzeChunks(analysis: Analysis, format: AnalyzeFormat, options?: FormatOptions): Iterable<string> | Iterable<Uint8Array>;
export function formatAnalyzeChunks(analysis: Analysis, format: AnalyzeFormat, options: FormatOptions = {}): Iterable<string> | Iterable<Uint8Array> {
  const all: AnalyzeFormatOptions = { ...options, tool: sarifTool(analysis.rules) };
  if (format === 'parquet') return ANALYZE_FORMATS.parquet(analysis, all);
  return outputChunks(ANALYZE_FORMATS[format](analysis, all));
}

/** An analysis as `analyze --format <format>` prints it, as one string (text formats; Parquet is bytes: see {@link formatAnalyzeChunks}). */
export function formatAnalyze(analysis: Analysis, format: AnalyzeTextFormat, options: FormatOptions = {}): string {
  if (BINARY_FORMATS.has(format)) throw new RangeError(`${JSON.stringify(format)} is a binary format: use formatAnalyzeChunks`);
  return formatWith<AnalyzeTextFormat, Analysis, AnalyzeFormatOptions>(ANALYZE_FORMATS, analysis, format, { ...options, tool: sarifTool(analysis.rules) });
}
