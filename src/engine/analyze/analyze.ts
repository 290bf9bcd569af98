import type { DigestOptions, DigestProvenance, TraceDigest } from '../../model/digest-types.js';
import { DocumentCatalog, type DocumentSighting } from '../../model/documents.js';
import type { TurnFacts } from '../../model/facts.js';
import { sessionIdOf } from '../../model/session-keys.js';
import type { SessionSummary } from '../../model/sessions.js';
import { TAB } from '../../ingest/external-sort.js';
import { SpillFile } from '../../ingest/spill.js';
import { SpillLog, spillSpool } from '../../ingest/spill-log.js';
import type { TextSpool } from '../../shared/text-spool.js';
import type { Trace } from '../../model/types.js';
import type { PageInput, RuleMeta, Severity } from '../../rules/api.js';
import { analyzeTrace, serializeAnalysis, type SerializedAnalysis } from './analyze-trace.js';
import { TraceAdmission, type TraceIds } from './admission.js';
import { firstTimeOf, IN_REPORT_ORDER, KEPT_ROW, TraceRows, type KeptRow } from './kept-rows.js';
import type { RowList } from '../../shared/columns.js';
import type { FilteredOptions } from '../read/filtered.js';
import type { ParallelOptions } from '../read/trace-task.js';
import { readAnalysis } from './analyze-task.js';
import type { Finding, RawFinding } from './findings.js';
import { storable, type FindingList } from './finding-spill.js';
import type { LooseTrace } from '../../shared/loose-traces.js';
import { faultPoint, internalRejection, provenanceOf } from '../read/guard.js';
import type { FrameEvent, Rejection } from '../read/read-events.js';
import { TraceRuleRunner, type ActiveRule } from './rule-runner.js';
import { NO_PROVENANCE, SessionVisitor } from './session-stage.js';
import { sessionPass, type LoadedTrace } from './session-pass.js';

/** Options of {@link analyzeInputs}. */
export interface AnalyzeOptions extends FilteredOptions {
  digest?: Omit<DigestOptions, 'provenance'>;
  /** The rules to run, options resolved (see `activeRules`). */
  rules: readonly ActiveRule[];
  /** Severities the config sets per rule, over the rules' defaults. */
  severityOverride?: ReadonlyMap<string, Severity>;
  /** Only these sessions (ids compare exactly); traces of others are dropped once their session is known. */
  sessions?: readonly string[];
  /**
   * Told of each `internal` problem as it happens: a trace whose digest, facts or trace rules
   * threw (left out), or a trace of a session on which a session rule threw (see `internal`).
   */
  onInternal?: (rejection: Rejection) => void;
}

/**
 * What `analyze` found, and what it read. `List` is how the findings are held: an array, or (from
 * {@link analyzeInputsStreamed}) a list read back from a temporary file at each pass.
 */
export interface AnalyzeResult<List extends FindingList = Finding[]> {
  /**
   * Sorted: each session's findings together, sessions in `sessions` order, then the traces
   * without a session, then the dump. The formats and the report read them in step with the
   * sessions on that promise (`FindingCursor`).
   */
  findings: List;
  /**
   * The sessions analysed, in report order (first time, then id): their numbers and the trace id
   * of each turn. Read more than once; each pass may make them anew (from `analyze`, read back
   * from its temporary file), so a format holds what it needs of one session at a time.
   */
  sessions: RowList<AnalyzedSession>;
  /** Traces without a session (each analysed as a one-turn session, and by the dump visitor), by request time. */
  withoutSession: number;
  /** Their trace ids, in that order. */
  withoutSessionTraceIds: RowList<string>;
  /** Their positions among the traces `add` analysed (what it returned), in that order. */
  withoutSessionOrdinals: RowList<number>;
  /**
   * The same traces, each once, with the findings about them (`looseTraces`,
   * shared/loose-traces.ts): set when the findings are in the temporary file, which sorts them by
   * trace at the first pass, so that a format that lists them by trace (JUnit) need not hold them.
   */
  withoutSessionTraces?: Iterable<LooseTrace<Finding>>;
  /** Where a format may put texts aside until its end: a log in the run's temporary file (see `AnalyzeReport.spool`). */
  spool?: () => TextSpool;
  /** Traces read (copies included). */
  traces: number;
  /** Copies of a trace already read, left out. */
  duplicates: number;
  /** Traces of other sessions left out by `sessions`. */
  outsideSelection: number;
  /** Ids of the rules that ran, in table order. */
  rules: string[];
  /**
   * Unexpected exceptions, one per trace concerned, in the order they happened: a trace whose
   * per-trace stage threw is left out (not counted in `traces`); a session rule that threw on a
   * session loses its findings there, and each trace of that session is listed here, while its
   * other rules' findings and the other sessions stand.
   */
  internal: Rejection[];
}

/** A session's numbers, and its turns in turn order (turn N at index N - 1). */
export interface AnalyzedSession extends SessionSummary {
  /** Read at each pass (from `reduce`'s columns; an array from `analyze`'s file, once merged or parsed). */
  turnTraceIds: RowList<string>;
  /** Each turn's position among the traces `add` analysed (what it returned): unique, unlike an empty trace id. */
  turnOrdinals: RowList<number>;
  /**
   * Set when turns before its first turn in the dump are missing (rules/util/partial.ts): its turn
   * numbers count from the first turn the dump holds. Null for a session that starts in the dump.
   */
  partial: SessionPartial | null;
}

/** Why a session's first turn in the dump is not its conversation's first. */
export interface SessionPartial {
  /** Earlier user/assistant messages its first turn's model input carries; null when none do (a paged input only). */
  earlierMessages: number | null;
  /** Inputs of its traces that are one page of a longer search. */
  pagedSources: string[];
}

/**
 * Runs the rules over the inputs, every list of the result in memory (see
 * {@link analyzeInputsStreamed}). Each trace is digested, its facts taken and the trace visitors
 * run while it is in hand, then it is dropped; once everything is read, sessions are formed and
 * the session visitors run, one session at a time. See {@link AnalysisCollector} for memory.
 */
export async function analyzeInputs(inputs: readonly string[], options: AnalyzeOptions & ParallelOptions): Promise<AnalyzeResult> {
  return analyzeInputsStreamed(inputs, options, inMemory);
}

/** A result with every list an array of its own: the findings, the sessions and their turns read back from the file. */
function inMemory({ withoutSessionTraces: _grouped, spool: _spool, ...result }: AnalyzeResult<FindingList>): AnalyzeResult {
  // The traces without a session grouped from the file are not read back: a format groups the
  // array in memory; and the file is gone once this returns, so a format spools in memory.
  return {
    ...result,
    findings: [...result.findings],
    sessions: Array.from(result.sessions, (s) => ({ ...s, turnTraceIds: [...s.turnTraceIds], turnOrdinals: [...s.turnOrdinals] })),
    withoutSessionTraceIds: [...result.withoutSessionTraceIds],
    withoutSessionOrdinals: [...result.withoutSessionOrdinals],
  };
}

/**
 * {@link analyzeInputs} with the findings left in the temporary file: `use` gets them as a list
 * that each pass reads back one finding at a time (memory does not grow with the findings), and
 * must be done with them when its promise settles; the file is deleted then.
 */
export async function analyzeInputsStreamed<T>(inputs: readonly string[], options: AnalyzeOptions & ParallelOptions, use: (result: AnalyzeResult<FindingList>) => T | Promise<T>): Promise<T> {
  const onEvent = options.onEvent;
  const collector = new AnalysisCollector(onEvent ? { ...options, onInternal: (rejection) => onEvent({ type: 'rejected', rejection }) } : options);
  try {
    await readAnalysis(inputs, options, collector);
    return await use(collector.finishStreamed());
  } finally {
    collector.close();
  }
}

/**
 * The two stages of `analyze` without the reading: `add` each trace as it is read (session
 * selection, copies of a trace already seen, then digest, facts and trace rules), `finish` once
 * (sessions in order, the session visitors one session at a time, the dump visitor, findings
 * worded, located, de-duplicated and sorted), then `close`. The CLI's reader and the rule tester
 * feed it the same way.
 *
 * Memory: a trace's digest, facts and raw findings (a few KB) go to a temporary file as JSON as
 * soon as its trace visitors have run, and what the session stage needs of it (ids, times, where
 * it is) to an external sort in the same file (`TraceRows`), which finds the copies and puts the
 * sessions in order; the session stage reads one session at a time back (`sessionPass`), and the
 * findings are sorted there too (`SpilledFindings`). What stays in memory is bounded by the sorts'
 * runs and the largest session, not by the number of traces (docs/analyze.md lists it).
 */
export class AnalysisCollector {
  private readonly runner: TraceRuleRunner;
  private readonly spill = new SpillFile();
  private readonly kept = new TraceRows(this.spill, KEPT_ROW);
  /** Copies are found by `kept`, once everything is read. */
  private readonly admission: TraceAdmission;
  /** Each kept trace's document sightings, by ordinal: the catalog is made of the traces that stand, once the copies are known. */
  private readonly sightings = new SpillLog(this.spill);
  private readonly internal: Rejection[] = [];
  /** Inputs that are one page of a longer search, by source name (the first token of each). */
  private readonly pages = new Map<string, PageInput>();

  constructor(private readonly options: Pick<AnalyzeOptions, 'rules' | 'severityOverride' | 'digest' | 'sessions' | 'onInternal'>) {
    this.runner = new TraceRuleRunner(options.rules);
    this.admission = new TraceAdmission(options.sessions, null);
  }

  /**
   * Analyses one trace, unless it belongs to a session not asked for. Returns its ordinal (0, 1,
   * … in the order traces were analysed; sessions list their turns' ordinals), or null when it
   * was left out. A copy of a trace read before is analysed too, and left out once everything is
   * read (`duplicates`). `alongside` is more per-trace work of the caller's (the report's
   * digest), under the same guard: if it throws, the trace is left out of the analysis too, so
   * the two never disagree.
   */
  add(trace: Trace, provenance?: DigestProvenance, alongside?: (ordinal: number) => void): number | null {
    const digestOptions = this.options.digest ?? {};
    const ids = { traceId: trace.traceId, sessionId: () => sessionIdOf(trace, digestOptions.sessionKeys) };
    return this.addAnalyzed(
      ids,
      () => {
        faultPoint('digest', trace.traceId);
        return serializeAnalysis(analyzeTrace(trace, provenance, digestOptions, this.runner));
      },
      provenance,
      alongside,
    );
  }

  /**
   * {@link add} for a trace whose per-trace stage runs in `analyze` (or ran in a worker thread,
   * which `analyze` then returns or throws again): the session selection (by `ids.sessionId`,
   * asked only when sessions are selected), then `analyze` and `alongside` under the guard, then
   * the keeping. `analyze` is called only for a trace that is kept, so the counts, ordinals and
   * problems are those of `add`.
   */
  addAnalyzed(ids: TraceIds, analyze: () => SerializedAnalysis, provenance?: DigestProvenance, alongside?: (ordinal: number) => void): number | null {
    if (!this.admission.admit(ids)) return null;
    let analyzed;
    try {
      analyzed = analyze();
      alongside?.(this.kept.size);
    } catch (error) {
      // One trace that breaks the digest, the facts or a trace rule is that trace's problem: it
      // is left out (a copy of it may still stand) and the run goes on.
      this.admission.failed(ids.traceId);
      this.problem(internalRejection(provenanceOf(provenance ?? NO_PROVENANCE), 'analyze', error));
      return null;
    }
    const ref = this.spill.append(spilledText(provenance, analyzed.text, analyzed.findings));
    const ordinal = this.kept.push({
      traceId: analyzed.traceId,
      sessionId: analyzed.sessionId,
      requestTimeMs: analyzed.requestTimeMs,
      rootStartNs: analyzed.rootStartNs,
      ref,
      ordinal: this.kept.size,
    });
    if (analyzed.sightings.length > 0) this.sightings.append(`${ordinal}\t${JSON.stringify(analyzed.sightings)}`);
    return ordinal;
  }

  /**
   * Takes an input that is one page of a longer search (its `next_page_token`): its sessions may
   * lack turns, which the session stage says. Once per input; a second token of it is ignored.
   */
  page(source: string, token: string): void {
    if (!this.pages.has(source)) this.pages.set(source, { source, token });
  }

  /** A read's event handler that takes the page notes (see `page`) and passes every event on to `next`. */
  watch(next?: (event: FrameEvent) => void): (event: FrameEvent) => void {
    return (event) => {
      if (event.type === 'note' && event.note.kind === 'next-page-token') this.page(event.note.source, event.note.token ?? '');
      next?.(event);
    };
  }

  /** The session stage and the findings; call once, after the last `add`. */
  finish(): AnalyzeResult {
    return inMemory(this.finishStreamed());
  }

  /** As {@link finish}, with the findings left in the temporary file (read them before `close`). */
  finishStreamed(): AnalyzeResult<FindingList> {
    const { options } = this;
    const grouped = this.kept.group();
    // Report order: first time, then id.
    const sessions = this.kept.orderSessions(IN_REPORT_ORDER, (g) => [firstTimeOf(g.rows), g.id]);
    const visitor = new SessionVisitor(options.rules, this.catalog(grouped.copies), this.pages, (rejection) => this.problem(rejection));
    const pass = sessionPass({
      sessions,
      loose: grouped.loose,
      load: (row) => this.load(row),
      visitor,
      pages: this.pages,
      context: { meta: new Map<string, RuleMeta>(options.rules.map((r) => [r.module.meta.id, r.module.meta])), severityOverride: options.severityOverride ?? new Map() },
      spill: this.spill,
    });
    return {
      findings: pass.findings,
      sessions: pass.sessions,
      withoutSession: pass.withoutSessionTraceIds.length,
      withoutSessionTraceIds: pass.withoutSessionTraceIds,
      withoutSessionOrdinals: pass.withoutSessionOrdinals,
      withoutSessionTraces: pass.withoutSessionTraces,
      spool: () => spillSpool(this.spill),
      traces: this.admission.traces,
      duplicates: this.admission.duplicates + grouped.duplicates,
      outsideSelection: this.admission.outsideSelection,
      rules: options.rules.map((r) => r.module.meta.id),
      internal: this.internal,
    };
  }

  private problem(rejection: Rejection): void {
    this.internal.push(rejection);
    this.options.onInternal?.(rejection);
  }

  /** Deletes the temporary file; call when done (also after an error). */
  close(): void {
    this.spill.close();
  }

  /**
   * The versions of the documents retrieved anywhere in the dump, for the session stage: the
   * sightings of every trace that stands, in the order kept (the copies' left out: `copies` is
   * ascending, and read in step).
   */
  private catalog(copies: Iterable<number>): DocumentCatalog {
    const documents = new DocumentCatalog();
    const skip = copies[Symbol.iterator]();
    let next = skip.next();
    for (const line of this.sightings) {
      const tab = line.indexOf(TAB);
      const ordinal = Number(line.toString('latin1', 0, tab));
      while (!next.done && next.value < ordinal) next = skip.next();
      if (!next.done && next.value === ordinal) continue;
      for (const sighting of JSON.parse(line.toString('utf8', tab + 1)) as DocumentSighting[]) documents.add(sighting);
    }
    return documents;
  }

  /** Reads the digest, facts and trace findings of a kept trace back from the temporary file. */
  private load(row: KeptRow): LoadedTrace {
    const text = this.spill.read(row.ref);
    const first = text.indexOf('\n');
    const second = text.indexOf('\n', first + 1);
    const provenance = JSON.parse(text.slice(0, first)) as DigestProvenance | null;
    const { digest, facts } = JSON.parse(text.slice(first + 1, second)) as { digest: TraceDigest; facts: TurnFacts };
    digest.provenance = provenance;
    return { digest, facts, ordinal: row.ordinal, findings: JSON.parse(text.slice(second + 1)) as RawFinding[] };
  }
}

/**
 * What the temporary file holds of a trace: its provenance as this thread read it (a worker's
 * line range counts lines from its own start), the {@link SerializedAnalysis} text (whose digest
 * has a null provenance), and its trace visitors' raw findings, each JSON text on a line of its
 * own (JSON text never holds a newline).
 */
function spilledText(provenance: DigestProvenance | undefined, text: string, findings: readonly RawFinding[]): string {
  return `${JSON.stringify(provenance ?? null)}\n${text}\n${JSON.stringify(findings.map(storable))}`;
}
