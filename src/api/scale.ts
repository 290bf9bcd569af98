import { analysisFacts, analysisOutcome } from '../engine/analyze/view.js';
import { selectRules } from '../engine/analyze/rule-set.js';
import type { TriageConfig } from '../engine/config.js';
import { reduceVerdict, type ExitVerdict } from '../engine/outcome.js';
import type { FrameEvent, Rejection } from '../engine/read/read-events.js';
import { digestInputs } from '../engine/scale/digest.js';
import { DEFAULT_BUCKETS, MAX_BUCKETS } from '../engine/scale/lines.js';
import { mergePartials } from '../engine/scale/merge.js';
import { reduceDigests } from '../engine/scale/reduce.js';
import { concatLines } from '../ingest/line-reader.js';
import type { Severity } from '../rules/api.js';
import type { Analysis, AnalysisOptions } from './analyze.js';
import { engineAnalysis, sessionInfos } from './analyze.js';
import { configOf } from './config.js';
import { lineOf, linesList, sourcedLines, type LineSink, type Lines } from './lines.js';
import { engineRead, ProblemLog, type Input, type ReadProblems } from './read.js';

// The scale-out steps (docs/scale-out.md) as functions: `tracetriage digest`, `reduce` and
// `merge`, with the lines the CLI writes. Each step hands its lines to a sink and resolves to its
// result with `exit` and `problems`, as every other function does: an async iterable could not
// also return those, and the engine's steps push each line and await the sink, so a slow sink (a
// file, a socket: `writeOutput`) holds the step back rather than letting lines pile up in memory.

/** Options of {@link digest}: those of an analysis, and how the lines are keyed. */
export interface DigestOptions extends AnalysisOptions {
  /** Buckets the sessions are spread over (1 to 1,048,576; default `DEFAULT_BUCKETS`, 1024); every task of a run must use the same. */
  buckets?: number;
  /** This task's number among the tasks of a run, in the order of their inputs (default 0): of two copies of a trace, the lower task's stands. */
  task?: number;
}

/** What {@link digest} read and wrote: the counts of its `tally` line, and how the read went. */
export interface DigestRun {
  /** Lines handed to the sink: one per trace, then the lines of bucket -1. */
  lines: number;
  /** Traces read (copies and traces outside `sessions` included). */
  traces: number;
  /** Copies of a trace already read in this task, left out. */
  duplicates: number;
  /** Traces of other sessions left out by `sessions`. */
  outsideSelection: number;
  /** Records that could not be read as traces (each also a `problem` line for merge). */
  rejected: number;
  /** The status `tracetriage digest` would exit with for the same inputs and options, and why. */
  exit: ExitVerdict;
  problems: ReadProblems;
}

/** The rules a reduce or merge runs: a config's settings, then `rules`. They must be those the digests ran. */
export interface ScaleRuleOptions {
  /** Rule settings (`loadConfig`, `parseConfig`); default none. */
  config?: TriageConfig;
  /** Run only these rules (ids); an unknown id throws `UnknownRuleError`. */
  rules?: readonly string[];
  /** Told of each problem as it is met: a line that is not what the step reads, a rule that threw. */
  onEvent?: (event: FrameEvent) => void;
}

/** Options of {@link reduce}. */
export interface ReduceOptions extends ScaleRuleOptions {
  /** Lines of bucket -1 (pages, documents) of every digest task, read before `lines`, when these do not hold them (the CLI's `--context`). */
  context?: Lines | readonly Lines[];
}

/** What {@link reduce} did, besides the lines it handed on. */
export interface ReduceRun {
  /** Lines handed to the sink: the header, then sessions, traces without a session, findings, state, problems, the tally. */
  lines: number;
  /** Sessions of the part. */
  sessions: number;
  /** Traces without a session in the part. */
  withoutSession: number;
  /** Trace lines read. */
  traces: number;
  /** Copies of a trace left out. */
  duplicates: number;
  /** The status `tracetriage reduce` would exit with, and why. */
  exit: ExitVerdict;
  /** The lines it could not use and the rules that failed (`rejections`), as problems. */
  problems: ReadProblems;
}

/** Options of {@link merge}. */
export interface MergeOptions extends ScaleRuleOptions {
  /** The severity at which `failed` is set (and `exit` is 1), or `none`; default `error`. */
  failOn?: Severity | 'none';
}

/**
 * Step 1 of a scale-out run, `tracetriage digest`: reads the inputs and hands `onLine` one JSON
 * line per trace (its digest, facts and trace-rule findings, keyed by its session's bucket), then
 * the lines about the whole input (bucket -1), each exactly as the CLI writes it (without the
 * newline). Records that cannot be read are in `problems`, and in `problem` lines for merge.
 */
export async function digest(inputs: Input | readonly Input[], onLine: LineSink, options: DigestOptions = {}): Promise<DigestRun> {
  const buckets = options.buckets ?? DEFAULT_BUCKETS;
  const task = options.task ?? 0;
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_BUCKETS) throw new RangeError(`buckets must be a whole number from 1 to ${MAX_BUCKETS}, got ${String(buckets)}`);
  if (!Number.isSafeInteger(task) || task < 0) throw new RangeError(`task must be a whole number of at least 0, got ${String(task)}`);
  const config = configOf(options.config);
  const read = engineRead(inputs, options);
  const analysis = engineAnalysis(options, config);
  const log = new ProblemLog(options.onEvent);
  const run = { lines: 0, traces: 0, duplicates: 0, outsideSelection: 0, rejected: 0 };
  await digestInputs(read.inputs, { ...read.options, onEvent: log.onEvent, onTrace: log.onTrace, ...analysis, buckets, task }, async (line) => {
    if (line.kind === 'tally') Object.assign(run, { traces: line.traces, duplicates: line.duplicates, outsideSelection: line.outsideSelection, rejected: line.rejected });
    run.lines++;
    await onLine(lineOf(line));
  });
  return { ...run, exit: log.verdict(), problems: log.problems };
}

/**
 * Step 2, `tracetriage reduce`: digest lines sorted by bucket, then session (bucket -1 first, or
 * in `context`) in; the session rules run on each session as its lines end; the part's lines for
 * merge handed to `onLine`, as the CLI writes them. Lines out of order throw a `ScaleInputError`
 * (nothing of the part is usable then); lines that are not digest lines are `problems`.
 */
export async function reduce(lines: Lines, onLine: LineSink, options: ReduceOptions = {}): Promise<ReduceRun> {
  const selection = scaleRules(options);
  const sources = [...(options.context === undefined ? [] : contextLines(options.context)), sourcedLines(lines, '(lines)')];
  const log = new ProblemLog(options.onEvent);
  let written = 0;
  const summary = await reduceDigests(concatLines(sources), { ...selection, onProblem: problemSink(log) }, async (line) => {
    written++;
    await onLine(lineOf(line));
  });
  log.addTraces(summary.traces);
  const { sessions, withoutSession, traces, duplicates } = summary;
  return { lines: written, sessions, withoutSession, traces, duplicates, exit: reduceVerdict(summary.problems, log.rejectedRecords), problems: log.problems };
}

/**
 * Step 3, `tracetriage merge`: the parts `reduce` wrote (one source of lines each) and the digests'
 * lines of bucket -1 (`context`: the digest lines themselves will do, their other lines are passed
 * over) into the {@link Analysis} one `analyze` over every input gives: `formatAnalyze` renders it
 * as `tracetriage merge` prints it. A session in two parts, parts made with other rules or a
 * context without a tally throw a `ScaleInputError`.
 */
export async function merge(parts: readonly Lines[], context: Lines | readonly Lines[], options: MergeOptions = {}): Promise<Analysis> {
  if (!Array.isArray(parts) || parts.some((p) => typeof p === 'string')) {
    throw new TypeError('parts: a list with one source of lines per part (an array of strings, an iterable or a Readable each)');
  }
  const config = configOf(options.config);
  const selection = scaleRules(options);
  const log = new ProblemLog(options.onEvent);
  const failOn = options.failOn ?? 'error';
  return mergePartials(
    parts.map((p, i) => sourcedLines(p, `(part ${i + 1})`)),
    contextLines(context),
    { ...selection, onProblem: problemSink(log) },
    (result) => {
      log.addTraces(result.traces);
      // Read out of the temporary file before it goes: an `Analysis` holds its findings.
      // The traces without a session as grouped in the file go with it: a format groups the array.
      const { withoutSessionTraces: _grouped, spool: _spool, ...rest } = result;
      const held = { ...rest, findings: [...result.findings] };
      const facts = analysisFacts(held, failOn);
      return {
        ...facts,
        sessions: sessionInfos(facts.sessions),
        withoutSessionTraceIds: [...facts.withoutSessionTraceIds],
        rejected: log.rejectedRecords,
        config: config.source,
        exit: log.verdict(analysisOutcome(held, facts, undefined)),
        problems: log.problems,
      };
    },
  );
}

/** The rules of a reduce or merge, as the CLI's `--config` and `--rule` choose them. */
function scaleRules(options: ScaleRuleOptions) {
  const selection = selectRules(configOf(options.config).rules, options.rules ?? []);
  return { rules: selection.rules, severityOverride: selection.severityOverride };
}

/** The sources of the digests' lines of bucket -1, named `(context)`, or `(context N)` when several. */
function contextLines(context: Lines | readonly Lines[]) {
  const list = linesList(context);
  return list.map((c, i) => sourcedLines(c, list.length === 1 ? '(context)' : `(context ${i + 1})`));
}

/** A step's problems into the log, as the read's rejected records are. */
function problemSink(log: ProblemLog): (rejection: Rejection) => void {
  return (rejection) => log.onEvent({ type: 'rejected', rejection });
}
