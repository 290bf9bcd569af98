import type { TraceDigest } from '../../model/digest-types.js';
import type { DocumentCatalog } from '../../model/documents.js';
import type { TurnFacts } from '../../model/facts.js';
import { makeSession, sessionView, turnTimeMs, type Session } from '../../model/sessions.js';
import type { DumpInput, PageInput, SessionInput, Turn } from '../../rules/api.js';
import { missingStart } from '../../rules/util/partial.js';
import type { SpillFile } from '../../ingest/spill.js';
import type { RawFinding } from './findings.js';
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

/**
 * The session stage of `analyze`, one session at a time: the session visitors over each session
 * (its turns in turn order), each trace without a session as a one-turn session, then the dump
 * visitor. `analyze` feeds it every session once all traces are read; `tracetriage reduce` feeds
 * it the sessions of its part as they come, sorted, and saves the dump-level state instead of
 * running the dump visitor (docs/scale-out.md). Memory: the session being visited, the raw
 * findings in the temporary file, the sessions' numbers and one location per trace.
 */
export class SessionStage {
  readonly runner: SessionRuleRunner;
  /** The session visitors' findings, taken after each session. */
  readonly raw: RawFindingSpill;
  /** Session and turn of each trace visited. */
  readonly where: TraceLocations;
  /** The sessions visited, in that order (see {@link SessionColumns}). */
  readonly sessions: SessionColumns;
  turnCount = 0;
  /** Every session's turns, and those of the traces without a session: trace ids and ordinals. */
  private readonly turns: TurnColumns;

  constructor(
    rules: readonly ActiveRule[],
    spill: SpillFile,
    private readonly documents: DocumentCatalog,
    private readonly pages: ReadonlyMap<string, PageInput>,
    private readonly problem: (rejection: Rejection) => void,
    /** Where the trace ids are numbered for {@link where}: `analyze` shares the one of its copy check. */
    ids?: IdIndex,
  ) {
    const index = ids ?? new IdIndex();
    this.where = new TraceLocations(index);
    this.turns = new TurnColumns(index);
    this.sessions = new SessionColumns(this.turns);
    this.runner = new SessionRuleRunner(rules);
    this.raw = new RawFindingSpill(spill);
  }

  /** Visits one session (its traces in any order); callers visit sessions in report order. */
  visitSession(id: string, traces: readonly StagedTrace[]): void {
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
    for (const t of session.turns) this.where.set(t.digest.traceId, id, t.number);
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
    const turnStart = this.turns.add(session.turns.map((t) => ({ traceId: t.digest.traceId, ordinal: ordinals.get(t.digest)! })));
    this.sessions.push(session.session.summary, turnStart, start === null ? null : { earlierMessages: start.carried?.messages ?? null, pagedSources: [...start.pagedSources] });
    this.turnCount += session.turns.length;
    this.raw.add(this.runner.drain());
  }

  /**
   * Visits the traces without a session, each as a one-turn session, one at a time: `traces`
   * come in turn order (`compareTurns`) and may be read back as the iteration reaches them.
   * Returns their trace ids and ordinals, in that order (read from columns at each pass).
   */
  visitSessionless(traces: Iterable<StagedTrace>): { traceIds: RowList<string>; ordinals: RowList<number> } {
    let start = -1;
    let count = 0;
    for (const t of traces) {
      const turn = turnOf(t.digest, t.facts);
      this.where.set(turn.digest.traceId, null, null);
      const row = this.turns.push(turn.digest.traceId, t.ordinal);
      if (count++ === 0) start = row;
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
      this.raw.add(this.runner.drain());
    }
    return this.turns.rows(start, count);
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
