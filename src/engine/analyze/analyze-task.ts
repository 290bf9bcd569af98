import type { DigestOptions } from '../../model/digest-types.js';
import { sessionIdOf } from '../../model/session-keys.js';
import { filteredTraces } from '../read/filtered.js';
import { spillingScanner } from '../read/read.js';
import { faultPoint } from '../read/guard.js';
import type { FrameEvent } from '../read/read-events.js';
import { readSummaries } from '../read/read-summaries.js';
import {
  digestProvenance,
  rethrown,
  selectedWork,
  selectionSpec,
  selectorOf,
  taskThreads,
  thrownData,
  type ParallelOptions,
  type SelectionSpec,
  type TaskWork,
  type ThrownData,
} from '../read/trace-task.js';
import { reportTrace, type ReportTrace } from '../report/report-trace.js';
import type { AnalysisCollector, AnalyzeOptions } from './analyze.js';
import { analyzeTrace, serializeAnalysis, type SerializedAnalysis } from './analyze-trace.js';
import { ruleById } from './rule-set.js';
import { TraceRuleRunner } from './rule-runner.js';

/**
 * The per-trace stage of `analyze` (and of `report`, with its digest and waterfall) as data for a
 * worker thread: the rules by id with their options, the digest options, the selection.
 */
export interface AnalyzeTask {
  kind: 'analyze';
  rules: Array<{ id: string; options: Record<string, unknown> }>;
  digest: Omit<DigestOptions, 'provenance'>;
  /** `--session`: traces of other sessions are not analysed (null: every trace is). */
  sessions: string[] | null;
  selection: SelectionSpec;
  /** Also the report's per-trace digest and waterfall. */
  report: boolean;
}

/** What a worker made of one trace the selection kept. */
export interface AnalyzeOutcome {
  traceId: string;
  /** Its session id, when sessions are selected (else null, unasked). */
  sessionId: string | null;
  /** The analysis (and the report's part), what it threw, or null: a trace of a session not selected, not analysed. */
  result: { analyzed: SerializedAnalysis; report: ReportTrace | null } | { thrown: ThrownData } | null;
}

/** The task of an analysis, or why it cannot run in a worker (a rule that is not one of the built-in table's). */
export function analyzeTask(options: AnalyzeOptions, report: boolean): AnalyzeTask | { singleThread: string } {
  const foreign = options.rules.find((r) => ruleById(r.module.meta.id) !== r.module);
  if (foreign !== undefined) return { singleThread: `rule ${foreign.module.meta.id} is not one of the built-in rules, which are all a worker thread can load` };
  return {
    kind: 'analyze',
    rules: options.rules.map((r) => ({ id: r.module.meta.id, options: r.options })),
    digest: options.digest ?? {},
    sessions: options.sessions && options.sessions.length > 0 ? [...options.sessions] : null,
    selection: selectionSpec(options),
    report,
  };
}

/** The per-record work of an analysis: what `AnalysisCollector.add` (and the report's `alongside`) run on a trace, done ahead. */
export async function analyzeWork(task: AnalyzeTask): Promise<TaskWork<AnalyzeOutcome | null>> {
  const rules = task.rules.map(({ id, options }) => {
    const module = ruleById(id);
    if (module === undefined) throw new Error(`a worker was asked for rule ${JSON.stringify(id)}, which the rule table does not have`);
    return { module, options };
  });
  const runner = new TraceRuleRunner(rules);
  const wanted = task.sessions === null ? null : new Set(task.sessions);
  return selectedWork(await selectorOf(task.selection), ({ trace, provenance }): AnalyzeOutcome => {
    const sessionId = wanted === null ? null : sessionIdOf(trace, task.digest.sessionKeys);
    const base = { traceId: trace.traceId, sessionId };
    if (wanted !== null && (sessionId === null || !wanted.has(sessionId))) return { ...base, result: null };
    try {
      faultPoint('digest', trace.traceId);
      const analyzed = serializeAnalysis(analyzeTrace(trace, digestProvenance(provenance), task.digest, runner));
      return { ...base, result: { analyzed, report: task.report ? reportTrace(trace, task.digest) : null } };
    } catch (error) {
      return { ...base, result: { thrown: thrownData(error) } };
    }
  });
}

/**
 * Reads the inputs into the collector: with `jobs` 1, trace by trace in this thread (`add`);
 * with more, the per-trace stage runs in worker threads and the results are kept here in input
 * order (`addAnalyzed`), so counts, ordinals, findings and problems are the same. `report` is the
 * report's per-trace work, given each kept trace's ordinal and report digest.
 */
export async function readAnalysis(
  inputs: readonly string[],
  options: AnalyzeOptions & ParallelOptions,
  collector: AnalysisCollector,
  report?: (ordinal: number, trace: ReportTrace) => void,
): Promise<void> {
  const onEvent = collector.watch(options.onEvent);
  const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
  const task = jobs > 1 ? analyzeTask(options, report !== undefined) : null;
  if (task !== null && 'singleThread' in task) options.onSingleThread?.(task.singleThread);
  if (task === null || 'singleThread' in task) {
    for await (const event of filteredTraces(inputs, { ...options, scanner: spillingScanner(options.scanner), onEvent })) {
      const { trace } = event;
      collector.add(trace, digestProvenance(event.provenance), report && ((ordinal) => report(ordinal, reportTrace(trace, options.digest))));
    }
    return;
  }
  for await (const event of readSummaries<AnalyzeOutcome | null>(inputs, { ...options, ...taskThreads(options, jobs), task })) {
    if (event.type !== 'summary') {
      onEvent(event as FrameEvent);
      continue;
    }
    options.onTrace?.();
    const outcome = event.summary;
    if (outcome === null) continue;
    const { result } = outcome;
    const provenance = digestProvenance(event.provenance);
    collector.addAnalyzed(
      { traceId: outcome.traceId, sessionId: () => outcome.sessionId },
      () => {
        if (result === null || 'thrown' in result) throw result === null ? new Error('a trace of a session not selected was not analysed') : rethrown(result.thrown);
        // A worker's line range counts lines and records from its own start: the reader moved
        // the event's provenance to the file's, and the collector keeps that one (the text's is null).
        return result.analyzed;
      },
      provenance,
      report && result !== null && !('thrown' in result) ? (ordinal) => report(ordinal, result.report!) : undefined,
    );
  }
}
