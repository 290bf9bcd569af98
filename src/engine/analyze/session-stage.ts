import type { TraceDigest } from '../../model/digest-types.js';
import type { DocumentCatalog } from '../../model/documents.js';
import type { TurnFacts } from '../../model/facts.js';
import { makeSession, sessionView, turnTimeMs, type Session, type SessionSummary } from '../../model/sessions.js';
import type { DumpInput, PageInput, SessionInput, Turn } from '../../rules/api.js';
import { missingStart } from '../../rules/util/partial.js';
import type { SpillFile } from '../../ingest/spill.js';
import type { RawFinding } from './findings.js';
import type { SessionPartial } from './analyze.js';
import { TraceLocations } from './locations.js';
import { TurnColumns } from './turn-columns.js';
import { SessionColumns } from './session-columns.js';
import type { RowList } from '../../shared/columns.js';
import { IdIndex } from '../../shared/id-index.js';
import { RawFindingSpill } from './finding-spill.js';
import { DUMP_SOURCE, internalRejection, provenanceOf } from '../read/guard.js';
import type { Rejection } from '../read/read-events.js';
import { SessionRuleRunner, type ActiveRule } from './rule-runner.js';

/** A trace as the session stage takes it: its digest and facts, and its position among the traces analysed. */
export interface StagedTrace {
  digest: TraceDigest;
  facts: TurnFacts;
  ordinal: number;
}

/** What visiting one session made: its numbers, its turns in turn order (turn N at N - 1) and the session visitors' raw findings. */
export interface SessionVisit {
  summary: SessionSummary;
  turns: Array<{ traceId: string; ordinal: number; number: number }>;
  /** Set when turns before its first turn in the dump are missing (rules/util/partial.ts). */
  partial: SessionPartial | null;
  findings: RawFinding[];
}

/**
 * The session visitors of a run, one session at a time (its turns in turn order), each trace
 * without a session as a one-turn session, then the dump visitor; a rule that throws is reported
 * as a problem of each trace concerned. Keeps nothing of what it visited but the counts: the
 * caller keeps what it needs (`analyze` in its temporary file, `reduce` through
 * {@link SessionStage}).
 */
export class SessionVisitor {
  readonly runner: SessionRuleRunner;
  /** Sessions visited. */
  sessionCount = 0;
  /** Turns of those sessions. */
  turnCount = 0;

  constructor(
    rules: readonly ActiveRule[],
    private readonly documents: DocumentCatalog,
    private readonly pages: ReadonlyMap<string, PageInput>,
    private readonly problem: (rejection: Rejection) => void,
  ) {
    this.runner = new SessionRuleRunner(rules);
  }

  /** Visits one session (its traces in any order); callers visit sessions in report order. */
  visit(id: string, traces: readonly StagedTrace[]): SessionVisit {
    const facts = new Map<TraceDigest, TurnFacts>();
    const ordinals = new Map<TraceDigest, number>();
    for (const t of traces) {
      facts.set(t.digest, t.facts);
      ordinals.set(t.digest, t.ordinal);
    }
    const session = sessionInput(
      makeSession(
        id,
        traces.map((t) => t.digest),
      ),
      (digest) => facts.get(digest) ?? EMPTY_FACTS,
      this.documents,
      this.pages,
    );
    const failures = this.runner.visit(session);
    if (failures.length > 0) {
      // One problem per trace of the session, however many rules failed on it: the first
      // rule's error, and every failed rule named.
      const rules = failures.map((f) => f.ruleId);
      const which = rules.length === 1 ? `rule ${rules[0]!}` : `rules ${rules.join(', ')}`;
      for (const t of session.turns) {
        const problem = internalRejection(provenanceOf(t.digest.provenance ?? NO_PROVENANCE), 'session-rules', failures[0]!.error);
        problem.message = `${problem.message} (${which} on session ${JSON.stringify(id)}, turn ${t.number}; ${rules.length === 1 ? 'its' : 'their'} findings on this session are left out)`;
        this.problem(problem);
      }
    }
    const start = missingStart(session);
    this.sessionCount++;
    this.turnCount += session.turns.length;
    return {
      summary: session.session.summary,
      turns: session.turns.map((t) => ({ traceId: t.digest.traceId, ordinal: ordinals.get(t.digest)!, number: t.number })),
      partial: start === null ? null : { earlierMessages: start.carried?.messages ?? null, pagedSources: [...start.pagedSources] },
      findings: this.runner.drain(),
    };
  }

  /**
   * Visits a trace without a session as a one-turn session; returns the session visitors' raw
   * findings. Callers visit these traces in turn order (`compareTurns`), after the sessions.
   */
  visitLoose(trace: StagedTrace): RawFinding[] {
    const turn = turnOf(trace.digest, trace.facts);
    // A trace without a session is a conversation of one turn: the per-turn rules (a failed
    // trace, its errors, its I/O) must see it as they see any turn, or a single-turn app's
    // failures go unreported. Its findings have no session and no turn, so they sort after the
    // sessions, where the traces without a session are listed.
    const failures = this.runner.visit(sessionlessInput(turn, this.documents, this.pages));
    if (failures.length > 0) {
      const rules = failures.map((f) => f.ruleId);
      const problem = internalRejection(provenanceOf(turn.digest.provenance ?? NO_PROVENANCE), 'session-rules', failures[0]!.error);
      problem.message = `${problem.message} (${rules.length === 1 ? `rule ${rules[0]!}` : `rules ${rules.join(', ')}`} on a trace without a session; ${rules.length === 1 ? 'its' : 'their'} findings on this trace are left out)`;
      this.problem(problem);
    }
    return this.runner.drain();
  }

  /** Runs the dump visitor (after every session and trace without a session) and returns its raw findings. */
  exitDump(dump: DumpInput): RawFinding[] {
    const exit = this.runner.exit(dump);
    for (const failure of exit.failures) {
      const problem = internalRejection(provenanceOf(DUMP_PROVENANCE), 'dump-rules', failure.error);
      problem.message = `${problem.message} (rule ${failure.ruleId} on the whole dump; its dump-level findings are left out)`;
      this.problem(problem);
    }
    return exit.findings;
  }
}

/**
 * The session stage as `tracetriage reduce` runs it: a {@link SessionVisitor} over the sessions of
 * its part as they come, sorted, keeping what it visited in memory — each trace's location, the
 * sessions and their turns as columns, the raw findings in the temporary file — and saving the
 * dump-level state instead of running the dump visitor (docs/scale-out.md). (`analyze` keeps the
 * same in its temporary file: `session-pass.ts`.)
 */
export class SessionStage {
  readonly visitor: SessionVisitor;
  /** The session visitors' findings, taken after each session. */
  readonly raw: RawFindingSpill;
  /** Session and turn of each trace visited. */
  readonly where: TraceLocations;
  /** The sessions visited, in that order (see {@link SessionColumns}). */
  readonly sessions: SessionColumns;
  /** Every session's turns, and those of the traces without a session: trace ids and ordinals. */
  private readonly turns: TurnColumns;

  constructor(rules: readonly ActiveRule[], spill: SpillFile, documents: DocumentCatalog, pages: ReadonlyMap<string, PageInput>, problem: (rejection: Rejection) => void) {
    const ids = new IdIndex();
    this.visitor = new SessionVisitor(rules, documents, pages, problem);
    this.where = new TraceLocations(ids);
    this.turns = new TurnColumns(ids);
    this.sessions = new SessionColumns(this.turns);
    this.raw = new RawFindingSpill(spill);
  }

  get runner(): SessionRuleRunner {
    return this.visitor.runner;
  }

  /** Visits one session (its traces in any order), in the order of the part's lines. */
  visitSession(id: string, traces: readonly StagedTrace[]): void {
    const visit = this.visitor.visit(id, traces);
    for (const t of visit.turns) this.where.set(t.traceId, id, t.number);
    this.sessions.push(visit.summary, this.turns.add(visit.turns), visit.partial);
    this.raw.add(visit.findings);
  }

  /**
   * Visits the traces without a session, each as a one-turn session, in turn order (`compareTurns`).
   * Returns their trace ids and ordinals, in that order (read from columns at each pass).
   */
  visitSessionless(traces: Iterable<StagedTrace>): { traceIds: RowList<string>; ordinals: RowList<number> } {
    let start = -1;
    let count = 0;
    for (const t of traces) {
      this.where.set(t.digest.traceId, null, null);
      const row = this.turns.push(t.digest.traceId, t.ordinal);
      if (count++ === 0) start = row;
      this.raw.add(this.visitor.visitLoose(t));
    }
    return this.turns.rows(start, count);
  }
}

function sessionInput(session: Session, factsOf: (digest: TraceDigest) => TurnFacts, documents: DocumentCatalog, pages: ReadonlyMap<string, PageInput>): SessionInput {
  const view = sessionView(session);
  const paged = new Set<string>();
  for (const t of view.turns) {
    const source = t.digest.provenance?.source;
    if (source !== undefined && pages.has(source)) paged.add(source);
  }
  return {
    ...view,
    id: session.id,
    turns: view.turns.map((t) => ({ ...t, facts: factsOf(t.digest) })),
    documents,
    pagedSources: [...paged].sort(),
    sessionless: false,
  };
}

/** A trace without a session as the session visitors see it: a session of one turn, id `''`. */
function sessionlessInput(turn: Turn, documents: DocumentCatalog, pages: ReadonlyMap<string, PageInput>): SessionInput {
  return { ...sessionInput(makeSession('', [turn.digest]), () => turn.facts, documents, pages), sessionless: true };
}

/** A trace without a session as a turn of its own (number 1, no gap), for the dump visitor. */
export function turnOf(digest: TraceDigest, facts: TurnFacts): Turn {
  const { verdicts, scorerErrors } = digest.assessments;
  return { number: 1, digest, timeMs: turnTimeMs(digest), gapMs: null, verdicts, scorerErrors, facts };
}

/** Where a trace added without provenance (the programmatic API, tests) is said to be. */
export const NO_PROVENANCE = { source: '(no source)', index: 0, offset: 0, length: 0, line: 1 };
/** Where a failure of a dump-level rule is: no one trace, the dump as a whole. */
const DUMP_PROVENANCE = { source: DUMP_SOURCE, index: 0, offset: 0, length: 0, line: 1 };

const EMPTY_FACTS: TurnFacts = {
  userKey: null,
  answerKey: null,
  ioPath: null,
  assessmentsPath: '$.info.assessments',
  metadataPath: '$.info.trace_metadata',
  statePath: '$.info.state',
  rootIo: null,
  modelCalls: [],
  documents: [],
  errors: [],
  tokens: null,
};
