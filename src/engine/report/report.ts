import type { ErrorSpanDigest, TraceDigest } from '../../model/digest-types.js';
import { SpillFile, type SpillRef } from '../../ingest/spill.js';
import { makeSession, sessionView } from '../../model/sessions.js';
import type { Severity } from '../../rules/api.js';
import { verdictLabel } from '../../rules/util/failures.js';
import { compareSeverity, worse } from '../../shared/severity.js';
import { cut } from '../../shared/text.js';
import { AnalysisCollector, type AnalyzedSession, type AnalyzeOptions, type AnalyzeResult } from '../analyze/analyze.js';
import type { FindingList } from '../analyze/finding-spill.js';
import { FindingCursor } from '../../shared/finding-cursor.js';
import { SessionLines } from './session-lines.js';
import { SpillRecords } from '../../ingest/spill-log.js';
import { readAnalysis } from '../analyze/analyze-task.js';
import type { ParallelOptions } from '../read/trace-task.js';
import type { ReportTrace } from './report-trace.js';
import type { Finding } from '../analyze/findings.js';
import { MAX_DETAILED_TURNS, OTHER_SESSIONS_KEPT, OUTSIDE_KEPT, type ReportData, type ReportSession, type ReportTurn, type SessionLine, type TurnStatus } from './data.js';

/** Options of {@link reportInputs}: the analysis's, and how many sessions to show turn by turn. */
export interface ReportOptions extends AnalyzeOptions, ParallelOptions {
  /** Sessions shown turn by turn; the others get one line each. */
  maxSessions: number;
  /** The config file read, or null (shown in the summary). */
  config: string | null;
  /** Records rejected while reading, asked once reading is done (the CLI's problem reporter counts them). */
  rejected: () => number;
  /**
   * `shown`: `findings` keeps only what the formats may show (see `ReportData.unlistedFindings`),
   * and the others stay in the analysis's temporary file, so memory does not grow with them;
   * `all` (the default): every finding.
   */
  findings?: 'all' | 'shown';
}

/**
 * Reads the inputs once: the analysis runs as in `analyze`, and beside it each analysed trace's
 * report digest (excerpts up to {@link REPORT_TEXT_CHARS}) and waterfall go to a temporary file,
 * with where each is and whether its turn failed (`ReportTraces`), and so does each session's
 * overview line. Once the findings are known the most
 * telling sessions are chosen (root causes first, then the worst severity, then failed turns,
 * then report order; `--session` picks them instead) and only theirs are read back, so memory
 * and output are bounded by `maxSessions`, not by the dump.
 */
export async function reportInputs(inputs: readonly string[], options: ReportOptions): Promise<ReportData & { otherSessions: SessionLine[] }> {
  return reportInputsStreamed(inputs, options, (data) => ({ ...data, otherSessions: [...data.otherSessions] }));
}

/**
 * {@link reportInputs} with the other sessions' lines left in the temporary file: `use` gets them
 * as a list read back at each pass (memory does not grow with the sessions), and must be done with
 * them when its promise settles; the file is deleted then.
 */
export async function reportInputsStreamed<T>(inputs: readonly string[], options: ReportOptions, use: (data: ReportData) => T | Promise<T>): Promise<T> {
  const { onEvent } = options;
  const collector = new AnalysisCollector(onEvent ? { ...options, onInternal: (rejection) => onEvent({ type: 'rejected', rejection }) } : options);
  const spill = new SpillFile('tracetriage-report-');
  // Read by ordinal in session order, which is not the order the traces came in: a file of their
  // own keeps the records dense, so the block cache holds many per block read.
  const index = new SpillFile('tracetriage-report-index-');
  try {
    // By the collector's ordinal, not the trace id: traces without an id each keep their own record.
    const traces = new ReportTraces(index);
    await readAnalysis(inputs, options, collector, (ordinal, kept) => traces.keep(ordinal, spill.append(JSON.stringify(kept)), turnFailed(kept.digest)));
    const result = collector.finishStreamed();
    const { tally, turnCount, lines, chosen } = sessionLines(result, traces, spill, options.sessions ?? [], options.maxSessions);
    const chosenIds = new Set(chosen.map((c) => c.line.id));
    const { findings, bySession, unlisted, unlistedOutside } = keptFindings(result.findings, chosenIds, options.findings ?? 'all');
    const sessions = chosen.map(({ line, ordinals: turnOrdinals }) => {
      const findings = bySession.get(line.id) ?? [];
      const ordinals = [...turnOrdinals];
      const detailed = detailedTurns(ordinals, findings, traces);
      // A turn past the bound is read back and cut to what the strip and the table show at once.
      const turns = ordinals.map((ordinal, i) => {
        const trace = JSON.parse(spill.read(traces.ref(ordinal))) as ReportTrace;
        return detailed.has(i + 1) ? trace : outline(trace);
      });
      return reportSession(line, turns, findings, detailed);
    });
    const chosenRows = new Set(chosen.map((c) => c.row));
    let failedWithoutSession = 0;
    for (const o of result.withoutSessionOrdinals) if (traces.failed(o)) failedWithoutSession++;
    return await use({
      inputs: [...inputs],
      sessionFilter: [...(options.sessions ?? [])],
      summary: {
        traces: result.traces,
        sessions: result.sessions.length,
        turns: turnCount,
        tracesWithoutSession: result.withoutSession,
        failedWithoutSession,
        duplicates: result.duplicates,
        outsideSelection: result.outsideSelection,
        findings: tally.findings,
        bySeverity: tally.bySeverity,
        rootCauses: tally.rootCauses,
        rules: result.rules,
        rejected: options.rejected(),
        config: options.config,
      },
      sessions,
      // Read from the temporary file as each pass reaches them, in report order.
      otherSessions: {
        length: lines.length - chosenRows.size,
        *[Symbol.iterator]() {
          let r = 0;
          for (const line of lines) if (!chosenRows.has(r++)) yield line;
        },
      },
      findings,
      ...(unlisted === null ? {} : { unlistedFindings: unlisted, unlistedOutside }),
    });
  } finally {
    spill.close();
    index.close();
    collector.close();
  }
}

/**
 * What the report keeps of each analysed trace until the sessions are chosen, by the collector's
 * ordinal: where its report digest is, and whether its turn failed. Records of 17 bytes in a
 * temporary file of their own ({@link SpillRecords}), read back through its block cache (8 MiB:
 * the records of about 490,000 traces): nothing per trace in memory.
 */
class ReportTraces {
  private readonly records: SpillRecords;

  constructor(spill: SpillFile) {
    this.records = new SpillRecords(spill, 17);
  }

  /** Keeps a trace; the collector gives ordinals 0, 1, … in order, each once. */
  keep(ordinal: number, ref: SpillRef, failed: boolean): void {
    if (ordinal !== this.records.length) throw new Error(`report digest of trace ${ordinal} kept after ${this.records.length}`);
    this.records.push((record) => {
      record.writeDoubleLE(ref.offset, 0);
      record.writeDoubleLE(ref.length, 8);
      record[16] = failed ? 1 : 0;
    });
  }

  ref(ordinal: number): SpillRef {
    const record = this.records.at(ordinal);
    return { offset: record.readDoubleLE(0), length: record.readDoubleLE(8) };
  }

  /** The turn of the trace at `ordinal` failed (see {@link turnFailed}). */
  failed(ordinal: number): boolean {
    return this.records.at(ordinal)[16] === 1;
  }
}

/** A turn failed: trace state ERROR, a failed span, or an effective per-turn verdict that fails (a scorer error is not one). */
function turnFailed(d: TraceDigest): boolean {
  // A recovered error (a retry that worked, in a turn that answered) is no failure of the turn.
  return d.state === 'ERROR' || d.errorSpanCount > d.recoveredErrorCount || d.assessments.verdicts.some((v) => v.level === 'turn' && v.effective && v.polarity === 'fail');
}

/**
 * One pass over the sessions, their findings read in step (`FindingCursor`): each session's line
 * (kept in the temporary file), the findings and turns counted, and the sessions to show turn by turn with
 * their turns' ordinals. Nothing else is held per session.
 */
function sessionLines(result: AnalyzeResult<FindingList>, traces: Pick<ReportTraces, 'failed'>, spill: SpillFile, wanted: readonly string[], max: number) {
  const tally = { findings: 0, bySeverity: { error: 0, warn: 0, info: 0 }, rootCauses: 0 };
  const count = (f: Finding): void => {
    tally.findings++;
    tally.bySeverity[f.severity]++;
    if (f.role === 'rootCause') tally.rootCauses++;
  };
  const lines = new SessionLines(spill);
  const chooser = new SessionChooser(wanted, max);
  let turnCount = 0;
  const cursor = new FindingCursor(result.findings);
  for (const s of result.sessions) {
    turnCount += s.turns;
    const own = cursor.take(s.sessionId);
    own.forEach(count);
    const line = sessionLine(s, own, traces);
    chooser.offer(line, lines.length, s.turnOrdinals);
    lines.push(line);
  }
  for (const f of cursor.rest()) count(f);
  return { tally, turnCount, lines, chosen: chooser.chosen() };
}

/**
 * The findings the report holds: every one (`all`), or (`shown`) those of the chosen sessions,
 * of the first {@link OTHER_SESSIONS_KEPT} other sessions with findings, and the first
 * {@link OUTSIDE_KEPT} of each kind outside the sessions, with the rest counted. The chosen
 * sessions' findings by session. The other sessions are counted as they change: a session's
 * findings come together (`AnalyzeResult.findings`).
 */
function keptFindings(all: Iterable<Finding>, chosen: ReadonlySet<string>, mode: 'all' | 'shown') {
  const findings: Finding[] = [];
  const bySession = new Map<string, Finding[]>();
  let others = 0;
  let last: string | null = null;
  let order = 0;
  const unlisted = { sessions: 0, findings: 0 };
  const outside = { traces: 0, dump: 0 };
  const unlistedOutside = { traces: 0, dump: 0 };
  for (const f of all) {
    const id = f.sessionId;
    if (id === null && mode === 'shown') {
      const kind = f.traceId === null ? 'dump' : 'traces';
      if (outside[kind] >= OUTSIDE_KEPT) {
        unlistedOutside[kind]++;
        continue;
      }
      outside[kind]++;
    }
    if (id !== null && chosen.has(id)) {
      const list = bySession.get(id);
      if (list) list.push(f);
      else bySession.set(id, [f]);
    } else if (id !== null && mode === 'shown') {
      if (id !== last) {
        last = id;
        order = others++;
        if (order >= OTHER_SESSIONS_KEPT) unlisted.sessions++;
      }
      if (order >= OTHER_SESSIONS_KEPT) {
        unlisted.findings++;
        continue;
      }
    }
    findings.push(f);
  }
  return { findings, bySession, unlisted: mode === 'shown' ? unlisted : null, unlistedOutside };
}

function sessionLine(s: AnalyzedSession, findings: readonly Finding[], traces: Pick<ReportTraces, 'failed'>): SessionLine {
  let worst: Severity | null = null;
  // Each turn once (few per session).
  const roots: number[] = [];
  for (const f of findings) {
    worst = worse(worst, f.severity);
    if (f.role === 'rootCause' && f.turn !== null && !roots.includes(f.turn)) roots.push(f.turn);
  }
  roots.sort((a, b) => a - b);
  return {
    id: s.sessionId,
    user: s.user,
    experiments: s.experiments,
    turns: s.turns,
    findings: findings.length,
    worst,
    rootCauseTurns: roots,
    failedTurns: count(s.turnOrdinals, (ordinal) => traces.failed(ordinal)),
    firstTimeMs: s.firstTimeMs,
    durationMs: s.durationMs,
  };
}

/**
 * The sessions shown turn by turn, offered one at a time in report order: those asked for with
 * `--session` (in report order), else the most telling — a root cause, then the worst finding,
 * then more failed turns — up to `max`, ties in report order. Holds at most about `2 × max`.
 */
export class SessionChooser {
  private readonly wanted: ReadonlySet<string> | null;
  /** The candidates, each with its turns' ordinals as given (a view of the columns: read only for the sessions chosen). */
  private held: Array<{ line: SessionLine; row: number; ordinals: Iterable<number> }> = [];

  constructor(
    wanted: readonly string[],
    private readonly max: number,
  ) {
    this.wanted = wanted.length > 0 ? new Set(wanted) : null;
  }

  offer(line: SessionLine, row: number, ordinals: Iterable<number>): void {
    if (this.wanted !== null) {
      if (this.held.length < this.max && this.wanted.has(line.id)) this.held.push({ line, row, ordinals });
      return;
    }
    this.held.push({ line, row, ordinals });
    if (this.held.length >= 2 * this.max) this.held = this.sorted().slice(0, this.max);
  }

  chosen(): Array<{ line: SessionLine; row: number; ordinals: Iterable<number> }> {
    return this.wanted !== null ? this.held : this.sorted().slice(0, this.max);
  }

  private sorted() {
    const rooted = (l: SessionLine): number => (l.rootCauseTurns.length > 0 ? 1 : 0);
    return this.held.sort((a, b) => rooted(b.line) - rooted(a.line) || compareSeverity(a.line.worst, b.line.worst) || b.line.failedTurns - a.line.failedTurns || a.row - b.row);
  }
}

/**
 * The turn numbers shown in detail: all of them up to {@link MAX_DETAILED_TURNS}; past it, the
 * turns that did not pass first (root causes, inherited, failed), then the rest from turn 1.
 */
function detailedTurns(ordinals: readonly number[], findings: readonly Finding[], traces: Pick<ReportTraces, 'failed'>): Set<number> {
  const numbers = ordinals.map((_, i) => i + 1);
  if (numbers.length <= MAX_DETAILED_TURNS) return new Set(numbers);
  const notPassed = new Set(findings.filter((f) => (f.role === 'rootCause' || f.role === 'inherited') && f.turn !== null).map((f) => f.turn!));
  ordinals.forEach((ordinal, i) => traces.failed(ordinal) && notPassed.add(i + 1));
  const first = numbers.filter((n) => notPassed.has(n));
  const rest = numbers.filter((n) => !notPassed.has(n));
  return new Set([...first, ...rest].slice(0, MAX_DETAILED_TURNS));
}

/**
 * What a turn not shown in detail keeps: ids, times, state and what its failure line is read
 * from (per-turn failing verdicts, the first error span), without texts, other assessments or
 * its waterfall.
 */
function outline(trace: ReportTrace): ReportTrace {
  const d = trace.digest;
  const failing = d.assessments.verdicts.filter((v) => v.level !== 'turn' || (v.effective && v.polarity === 'fail'));
  return {
    digest: {
      ...d,
      turn: { ...d.turn, wrapperChain: [], texts: { userText: '', answerText: '', toolCalls: [], cut: false } },
      errors: d.errors.slice(0, 1),
      assessments: { ...d.assessments, verdicts: failing, scorerErrors: d.assessments.scorerErrors.filter((e) => e.level !== 'turn'), expectations: [] },
    },
    waterfall: { totalMs: trace.waterfall.totalMs, spans: [], omitted: trace.waterfall.spans.length + trace.waterfall.omitted },
  };
}

function reportSession(line: SessionLine, traces: readonly ReportTrace[], findings: readonly Finding[], detailed: ReadonlySet<number>): ReportSession {
  // The turns come in turn order already, and makeSession's sort is stable with the same
  // comparator: turn i of the view is traces[i] (trace ids need not be unique, or present).
  const view = sessionView(
    makeSession(
      line.id,
      traces.map((t) => t.digest),
    ),
  );
  const roots = new Set(line.rootCauseTurns);
  const inherited = new Set(findings.filter((f) => f.role === 'inherited' && f.turn !== null).map((f) => f.turn!));
  const turnList = view.turns.map((t, i): ReportTurn => {
    const d = t.digest;
    const failure = failureLine(d);
    const status: TurnStatus = roots.has(t.number) ? 'root-cause' : inherited.has(t.number) ? 'inherited' : failure !== null ? 'failed' : 'passed';
    return {
      number: t.number,
      traceId: d.traceId,
      status,
      detailed: detailed.has(t.number),
      failure,
      state: d.state,
      timeMs: t.timeMs,
      gapMs: t.gapMs,
      durationMs: d.durationMs,
      userText: d.turn.texts.userText,
      answerText: d.turn.texts.answerText,
      toolCalls: d.turn.texts.toolCalls,
      textsCut: d.turn.texts.cut,
      io: { spanId: d.turn.spanId, name: d.turn.spanName, selection: d.turn.selection, wrapperChain: d.turn.wrapperChain },
      verdicts: detailed.has(t.number) ? t.verdicts : [],
      scorerErrors: t.scorerErrors,
      assessmentsOmitted: d.assessments.omitted,
      errors: detailed.has(t.number) ? d.errors : [],
      errorSpanCount: d.errorSpanCount,
      waterfall: traces[i]!.waterfall,
    };
  });
  return {
    ...line,
    sessionVerdicts: view.sessionVerdicts.map((v) => ({ turn: v.turn, traceId: v.traceId, verdict: v.entry })),
    sessionScorerErrors: view.sessionScorerErrors.map((e) => ({ turn: e.turn, traceId: e.traceId, error: e.entry })),
    turnList,
  };
}

/** Why a turn failed, in one line: failing per-turn verdicts, then error spans, then the trace state; null when it did not. */
function failureLine(d: TraceDigest): string | null {
  if (!turnFailed(d)) return null;
  const parts = d.assessments.verdicts.filter((v) => v.level === 'turn' && v.effective && v.polarity === 'fail').map(verdictLabel);
  const firstError = d.errors.find((e) => !e.recovered);
  const failedSpans = d.errorSpanCount - d.recoveredErrorCount;
  if (firstError !== undefined) parts.push(errorText(firstError) + (failedSpans > 1 ? ` (+${failedSpans - 1} more failed span${failedSpans > 2 ? 's' : ''})` : ''));
  else if (d.state === 'ERROR') parts.push('trace state ERROR');
  return parts.join('; ');
}

/** An error span's message in a session line: enough to recognise it, the report has the rest. */
const ERROR_CHARS = 160;

function errorText(e: ErrorSpanDigest): string {
  const what = e.exception ? [e.exception.type, e.exception.message].filter((x) => x !== null && x !== '').join(': ') : e.statusMessage;
  const short = cut(what, ERROR_CHARS);
  return short === '' ? `span ${e.name} failed` : `span ${e.name} failed: ${short}`;
}

function count<T>(items: Iterable<T>, test: (item: T) => boolean): number {
  let n = 0;
  for (const item of items) if (test(item)) n++;
  return n;
}
