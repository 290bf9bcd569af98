import type { DigestOptions, DigestProvenance, TraceDigest } from '../model/digest.js';
import type { TurnFacts } from '../model/facts.js';
import { sessionIdOf } from '../model/session.js';
import { groupSessions, sessionView, turnTimeMs, type Session } from '../model/sessions.js';
import type { Trace } from '../model/types.js';
import type { DumpInput, RuleMeta, SessionInput, Severity, Turn } from '../rules/api.js';
import { analyzeTrace } from './analyze-trace.js';
import { filteredTraces, type FilteredOptions } from './filtered.js';
import { finishFindings, type Finding, type RawFinding, type TraceLocation } from './findings.js';
import { runSessionRules, TraceRuleRunner, type ActiveRule } from './rule-runner.js';

/** Options of {@link analyzeInputs}. */
export interface AnalyzeOptions extends FilteredOptions {
  digest?: Omit<DigestOptions, 'provenance'>;
  /** The rules to run, options resolved (see `activeRules`). */
  rules: readonly ActiveRule[];
  /** Severities the config sets per rule, over the rules' defaults. */
  severityOverride?: ReadonlyMap<string, Severity>;
  /** Only these sessions (ids compare exactly); traces of others are dropped once their session is known. */
  sessions?: readonly string[];
}

/** What `analyze` found, and what it read. */
export interface AnalyzeResult {
  findings: Finding[];
  /** The sessions analysed, in report order (first time, then id). */
  sessions: Session[];
  /** Traces without a session (analysed by the trace rules; no session rules). */
  withoutSession: TraceDigest[];
  /** Traces read (copies included). */
  traces: number;
  /** Copies of a trace already read, left out. */
  duplicates: number;
  /** Traces of other sessions left out by `sessions`. */
  outsideSelection: number;
  /** Ids of the rules that ran, in table order. */
  rules: string[];
}

/**
 * Runs the rules over the inputs. Each trace is digested, its facts taken and the trace visitors
 * run while it is in hand, then it is dropped; once everything is read, sessions are formed and
 * the session visitors run over digests and facts. Memory holds one small digest and its facts
 * per trace, never payloads.
 */
export async function analyzeInputs(inputs: readonly string[], options: AnalyzeOptions): Promise<AnalyzeResult> {
  const collector = new AnalysisCollector(options);
  for await (const event of filteredTraces(inputs, options)) {
    const { source, index, offset, length, line } = event.provenance;
    collector.add(event.trace, { source, index, offset, length, line });
  }
  return collector.finish();
}

/**
 * The two stages of `analyze` without the reading: `add` each trace as it is read (session
 * selection, copies of a trace already seen, then digest, facts and trace rules), `finish` once
 * (sessions, session rules, findings worded, located, de-duplicated and sorted). The CLI's reader
 * and the rule tester feed it the same way.
 */
export class AnalysisCollector {
  private readonly runner: TraceRuleRunner;
  private readonly wanted: ReadonlySet<string> | null;
  private readonly facts = new Map<TraceDigest, TurnFacts>();
  private readonly digests: TraceDigest[] = [];
  private readonly raw: RawFinding[] = [];
  private readonly seen = new Set<string>();
  private traces = 0;
  private duplicates = 0;
  private outsideSelection = 0;

  constructor(private readonly options: Pick<AnalyzeOptions, 'rules' | 'severityOverride' | 'digest' | 'sessions'>) {
    this.runner = new TraceRuleRunner(options.rules);
    this.wanted = options.sessions && options.sessions.length > 0 ? new Set(options.sessions) : null;
  }

  /** Analyses one trace, unless it belongs to a session not asked for or is a copy of one already read. */
  add(trace: Trace, provenance?: DigestProvenance): void {
    this.traces++;
    const digestOptions = this.options.digest ?? {};
    if (this.wanted !== null) {
      const id = sessionIdOf(trace, digestOptions.sessionKeys);
      if (id === null || !this.wanted.has(id)) {
        this.outsideSelection++;
        return;
      }
    }
    // A copy (the same export passed twice, a `get` file beside its search export) is one trace:
    // its findings would repeat the first copy's, or contradict them if the copies differ.
    if (trace.traceId !== '') {
      if (this.seen.has(trace.traceId)) {
        this.duplicates++;
        return;
      }
      this.seen.add(trace.traceId);
    }
    const analyzed = analyzeTrace(trace, provenance, digestOptions, this.runner);
    this.digests.push(analyzed.digest);
    this.facts.set(analyzed.digest, analyzed.facts);
    for (const f of analyzed.findings) this.raw.push(f);
  }

  /** The session stage and the findings; call once, after the last `add`. */
  finish(): AnalyzeResult {
    const { options } = this;
    const groups = groupSessions(this.digests);
    const sessions = groups.sessions.map((s) => sessionInput(s, this.facts));
    const withoutSession = groups.withoutSession.map((d) => turnOf(d, this.facts));
    const dump: DumpInput = { sessions, withoutSession };
    const raw = [...this.raw, ...runSessionRules(options.rules, dump)];
    const where = new Map<string, TraceLocation>();
    for (const s of sessions) for (const t of s.turns) where.set(t.digest.traceId, { sessionId: s.id, turn: t.number });
    for (const d of groups.withoutSession) where.set(d.traceId, { sessionId: null, turn: null });
    const rank = new Map(sessions.map((s, i) => [s.id, i]));
    const meta = new Map<string, RuleMeta>(options.rules.map((r) => [r.module.meta.id, r.module.meta]));
    const findings = finishFindings(raw, {
      meta,
      severityOverride: options.severityOverride ?? new Map(),
      locate: (traceId) => where.get(traceId),
      // Sessions in report order, then traces without a session, then findings about the dump.
      sessionRank: (id) => (id === null ? sessions.length : (rank.get(id) ?? sessions.length)),
    });
    return {
      findings,
      sessions: groups.sessions,
      withoutSession: groups.withoutSession,
      traces: this.traces,
      duplicates: this.duplicates + groups.duplicates,
      outsideSelection: this.outsideSelection,
      rules: options.rules.map((r) => r.module.meta.id),
    };
  }
}

function sessionInput(session: Session, facts: ReadonlyMap<TraceDigest, TurnFacts>): SessionInput {
  const view = sessionView(session);
  return {
    ...view,
    id: session.id,
    turns: view.turns.map((t) => ({ ...t, facts: facts.get(t.digest) ?? EMPTY_FACTS })),
  };
}

/** A trace without a session as a turn of its own (number 1, no gap), for the dump visitor. */
function turnOf(digest: TraceDigest, facts: ReadonlyMap<TraceDigest, TurnFacts>): Turn {
  const { verdicts, scorerErrors } = digest.assessments;
  return { number: 1, digest, timeMs: turnTimeMs(digest), gapMs: null, verdicts, scorerErrors, facts: facts.get(digest) ?? EMPTY_FACTS };
}

const EMPTY_FACTS: TurnFacts = { userKey: null, answerKey: null, ioPath: null, assessmentsPath: '$.info.assessments', metadataPath: '$.info.trace_metadata', statePath: '$.info.state', rootIo: null, modelCalls: [], documents: [], errors: [], tokens: null };
