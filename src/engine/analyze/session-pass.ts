import type { SpillFile } from '../../ingest/spill.js';
import { SpillLog } from '../../ingest/spill-log.js';
import { mapRows, type RowList } from '../../shared/columns.js';
import type { DumpInput, PageInput, TurnList } from '../../rules/api.js';
import type { AnalyzedSession } from './analyze.js';
import { FindingSorter, type SpilledFindings } from './finding-spill.js';
import { finishFinding, type Finding, type FinishContext, type RawFinding, type TraceLocation } from './findings.js';
import type { KeptGroup, KeptRow } from './kept-rows.js';
import { StreamedLooseTraces } from './loose-traces.js';
import { turnOf, type SessionVisit, type SessionVisitor, type StagedTrace } from './session-stage.js';

/** A kept trace read back for the session stage: its digest and facts, and its trace visitors' raw findings. */
export interface LoadedTrace extends StagedTrace {
  findings: RawFinding[];
}

/** What {@link sessionPass} needs. */
export interface SessionPassInput {
  /** The sessions in report order, each with its kept traces. */
  sessions: Iterable<KeptGroup<KeptRow>>;
  /** The traces without a session, in turn order. */
  loose: RowList<KeptRow>;
  /** Reads a kept trace back from the temporary file. */
  load: (row: KeptRow) => LoadedTrace;
  visitor: SessionVisitor;
  pages: ReadonlyMap<string, PageInput>;
  context: Pick<FinishContext, 'meta' | 'severityOverride'>;
  spill: SpillFile;
}

/** What {@link sessionPass} made; every list is read from the temporary file at each pass. */
export interface SessionPassResult {
  findings: SpilledFindings;
  sessions: RowList<AnalyzedSession>;
  withoutSessionTraceIds: RowList<string>;
  withoutSessionOrdinals: RowList<number>;
  withoutSessionTraces: StreamedLooseTraces;
}

/** Where a trace without a session is: no session, no turn. */
const LOOSE: TraceLocation = { sessionId: null, turn: null };

/**
 * The session stage of `analyze`, fed from its temporary file: the sessions in report order, each
 * read back whole and visited ({@link SessionVisitor}), then the traces without a session in turn
 * order, one at a time, then the dump visitor. Each trace's raw findings (its trace visitors')
 * and each session's are finished as the session is visited: located by that session's turns and
 * ranked by its place in the report order, then sorted into the file ({@link FindingSorter}),
 * each finding about a trace without a session with that trace's place in their list. What one
 * session cannot locate (a finding naming a trace of another session, and the dump visitor's
 * findings) waits for one pass over the sessions and traces visited, which looks up only what
 * those findings name. The sessions visited go to the file as they are made. Memory: the session
 * being visited, one run of each sort, and the findings that wait; nothing per trace or session.
 */
export function sessionPass(input: SessionPassInput): SessionPassResult {
  const { sessions, loose, load, visitor, spill } = input;
  const sorter = new FindingSorter(spill);
  const visited = new SpillLog(spill);
  const late: RawFinding[] = [];
  const local = new LocalFinisher(input.context, sorter, late);

  let rank = 0;
  for (const { id, rows } of sessions) {
    const traces = rows.map(load);
    const visit = visitor.visit(id, traces);
    // Trace ids are unique once copies are dropped, but for the empty id, which locates the last
    // trace visited with it: that one is known only at the end.
    const turns = new Map<string, number>();
    for (const t of visit.turns) if (t.traceId !== '') turns.set(t.traceId, t.number);
    const locate = (traceId: string): TraceLocation | undefined => {
      const turn = turns.get(traceId);
      return turn === undefined ? undefined : { sessionId: id, turn };
    };
    for (const t of traces) local.finish(t.findings, locate, id, rank, () => undefined);
    local.finish(visit.findings, locate, id, rank, () => undefined);
    visited.append(JSON.stringify(analyzedSession(visit)));
    rank++;
  }

  const sessionCount = rank;
  let place = 0;
  let firstEmpty = -1;
  for (const row of loose) {
    const trace = load(row);
    const at = place++;
    const traceId = trace.digest.traceId;
    if (traceId === '' && firstEmpty < 0) firstEmpty = at;
    const own = traceId === '' ? firstEmpty : at;
    // The traces without a session are visited last, so the empty id, asked here, is one of theirs.
    const locate = (id: string): TraceLocation | undefined => (id === traceId ? LOOSE : undefined);
    const placeOf = (f: Finding): number | undefined => (f.traceId === traceId ? own : undefined);
    local.finish(trace.findings, locate, null, sessionCount, placeOf);
    local.finish(visitor.visitLoose(trace), locate, null, sessionCount, placeOf);
  }

  const withoutSession: TurnList = { length: loose.length, [Symbol.iterator]: () => turnsOf(loose, load) };
  const dump: DumpInput = { sessionCount, turnCount: visitor.turnCount, withoutSession, pages: [...input.pages.values()] };
  late.push(...visitor.exitDump(dump));
  finishLate(late, input.context, sorter, visited.parsed<AnalyzedSession>(), loose, sessionCount);

  const findings = sorter.finish();
  const traceIds = mapRows(loose, (r) => r.traceId);
  return {
    findings,
    sessions: { length: visited.length, [Symbol.iterator]: () => visited.parsed<AnalyzedSession>() },
    withoutSessionTraceIds: traceIds,
    withoutSessionOrdinals: mapRows(loose, (r) => r.ordinal),
    // Their findings' keys hold their places; an id listed twice (only the empty one can be) takes its first.
    withoutSessionTraces: new StreamedLooseTraces(findings, traceIds, {
      placeOf: () => -1,
      firstOf: (traceId, at) => (traceId === '' ? firstEmpty : at),
    }),
  };
}

/**
 * Finishes raw findings where they are made, when everything they name is at hand: a finding that
 * names a trace `locate` does not know, or lands in another session than the one visited, waits
 * in `late`, raw, for {@link finishLate}.
 */
class LocalFinisher {
  private missed = false;
  private at: (traceId: string) => TraceLocation | undefined = () => undefined;
  private readonly context: FinishContext;

  constructor(
    context: Pick<FinishContext, 'meta' | 'severityOverride'>,
    private readonly sorter: FindingSorter,
    private readonly late: RawFinding[],
  ) {
    this.context = {
      ...context,
      locate: (traceId) => {
        const where = this.at(traceId);
        if (where === undefined) this.missed = true;
        return where;
      },
      // Not asked while finishing: the rank is given with each finding.
      sessionRank: () => 0,
    };
  }

  finish(raws: readonly RawFinding[], locate: (traceId: string) => TraceLocation | undefined, sessionId: string | null, rank: number, placeOf: (f: Finding) => number | undefined): void {
    this.at = locate;
    for (const raw of raws) {
      this.missed = false;
      const f = finishFinding(raw, this.context);
      if (this.missed || f.sessionId !== sessionId) {
        this.late.push(raw);
        continue;
      }
      // About a trace without a session (no session, a trace): its place, or later.
      if (f.sessionId === null && f.traceId !== null) {
        const place = placeOf(f);
        if (place === undefined) this.late.push(raw);
        else this.sorter.add(f, rank, place);
      } else this.sorter.add(f, rank);
    }
  }
}

/**
 * Finishes the findings that waited: one pass over the sessions visited (report order) and the
 * traces without a session (turn order) finds where each trace they name is (a trace listed twice,
 * as the empty id may be, is where it was visited last, as when every trace's place was kept) and
 * the rank of each session they name; memory holds only those.
 */
function finishLate(
  late: readonly RawFinding[],
  base: Pick<FinishContext, 'meta' | 'severityOverride'>,
  sorter: FindingSorter,
  sessions: Iterable<AnalyzedSession>,
  loose: Iterable<KeptRow>,
  sessionCount: number,
): void {
  if (late.length === 0) return;
  const traces = new Set<string>();
  const sessionIds = new Set<string>();
  for (const { descriptor: d } of late) {
    if (d.traceId) traces.add(d.traceId);
    if (d.sessionId) sessionIds.add(d.sessionId);
    for (const e of d.evidence ?? []) {
      const id = e.traceId === undefined ? d.traceId : e.traceId;
      if (id !== undefined && id !== null) traces.add(id);
    }
  }
  const where = new Map<string, TraceLocation>();
  const ranks = new Map<string, number>();
  const places = new Map<string, number>();
  let rank = 0;
  for (const s of sessions) {
    if (sessionIds.has(s.sessionId) && !ranks.has(s.sessionId)) ranks.set(s.sessionId, rank);
    let turn = 0;
    for (const traceId of s.turnTraceIds) {
      turn++;
      if (!traces.has(traceId)) continue;
      where.set(traceId, { sessionId: s.sessionId, turn });
      if (!ranks.has(s.sessionId)) ranks.set(s.sessionId, rank);
    }
    rank++;
  }
  let place = 0;
  for (const row of loose) {
    const at = place++;
    if (!traces.has(row.traceId)) continue;
    where.set(row.traceId, LOOSE);
    if (!places.has(row.traceId)) places.set(row.traceId, at);
  }
  const sessionRank = (id: string | null): number => (id === null ? sessionCount : (ranks.get(id) ?? sessionCount));
  const context: FinishContext = { ...base, locate: (traceId) => where.get(traceId), sessionRank };
  for (const raw of late) {
    const f = finishFinding(raw, context);
    sorter.add(f, sessionRank(f.sessionId), f.sessionId === null && f.traceId !== null ? places.get(f.traceId) : undefined);
  }
}

/** A session visited, as the formats read it (the fields in the order the result always had them). */
function analyzedSession({ summary: s, turns, partial }: SessionVisit): AnalyzedSession {
  return {
    sessionId: s.sessionId,
    user: s.user,
    experiments: s.experiments,
    turns: s.turns,
    firstTimeMs: s.firstTimeMs,
    lastTimeMs: s.lastTimeMs,
    durationMs: s.durationMs,
    turnsWithErrors: s.turnsWithErrors,
    failingAssessments: s.failingAssessments,
    scorerErrors: s.scorerErrors,
    turnTraceIds: turns.map((t) => t.traceId),
    turnOrdinals: turns.map((t) => t.ordinal),
    partial,
  };
}

function* turnsOf(rows: Iterable<KeptRow>, load: (row: KeptRow) => LoadedTrace): Generator<ReturnType<typeof turnOf>> {
  for (const row of rows) {
    const t = load(row);
    yield turnOf(t.digest, t.facts);
  }
}
