import type { DigestOptions, TraceDigest } from '../model/digest.js';
import type { TurnFacts } from '../model/facts.js';
import { sessionIdOf } from '../model/session.js';
import { groupSessions, sessionView, type Session } from '../model/sessions.js';
import type { DumpInput, RuleMeta, SessionInput, Severity } from '../rules/api.js';
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
  const runner = new TraceRuleRunner(options.rules);
  const digestOptions = options.digest ?? {};
  const wanted = options.sessions && options.sessions.length > 0 ? new Set(options.sessions) : null;
  const facts = new Map<TraceDigest, TurnFacts>();
  const digests: TraceDigest[] = [];
  const raw: RawFinding[] = [];
  let traces = 0;
  let outsideSelection = 0;
  for await (const event of filteredTraces(inputs, options)) {
    traces++;
    if (wanted !== null) {
      const id = sessionIdOf(event.trace, digestOptions.sessionKeys);
      if (id === null || !wanted.has(id)) {
        outsideSelection++;
        continue;
      }
    }
    const { source, index, offset, length, line } = event.provenance;
    const analyzed = analyzeTrace(event.trace, { source, index, offset, length, line }, digestOptions, runner);
    digests.push(analyzed.digest);
    facts.set(analyzed.digest, analyzed.facts);
    for (const f of analyzed.findings) raw.push(f);
  }
  return finishAnalysis(digests, facts, raw, traces, outsideSelection, options);
}

/**
 * The session stage: group, run the session visitors, then word, locate, de-duplicate and sort
 * every finding. Separate from reading so that digests made elsewhere (workers, tests) finish the
 * same way.
 */
export function finishAnalysis(
  digests: readonly TraceDigest[],
  facts: ReadonlyMap<TraceDigest, TurnFacts>,
  traceFindings: readonly RawFinding[],
  traces: number,
  outsideSelection: number,
  options: Pick<AnalyzeOptions, 'rules' | 'severityOverride'>,
): AnalyzeResult {
  const groups = groupSessions(digests);
  const sessions = groups.sessions.map((s) => sessionInput(s, facts));
  const dump: DumpInput = { sessions, withoutSession: groups.withoutSession };
  const raw = [...traceFindings, ...runSessionRules(options.rules, dump)];
  const where = new Map<string, TraceLocation>();
  for (const s of sessions) for (const t of s.turns) if (!where.has(t.digest.traceId)) where.set(t.digest.traceId, { sessionId: s.id, turn: t.number });
  for (const d of groups.withoutSession) if (!where.has(d.traceId)) where.set(d.traceId, { sessionId: null, turn: null });
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
    traces,
    duplicates: groups.duplicates,
    outsideSelection,
    rules: options.rules.map((r) => r.module.meta.id),
  };
}

function sessionInput(session: Session, facts: ReadonlyMap<TraceDigest, TurnFacts>): SessionInput {
  const view = sessionView(session);
  return {
    ...view,
    id: session.id,
    turns: view.turns.map((t) => ({ ...t, facts: facts.get(t.digest) ?? EMPTY_FACTS })),
  };
}

const EMPTY_FACTS: TurnFacts = { userKey: null, answerKey: null, ioPath: null, assessmentsPath: '$.info.assessments', rootIo: null, modelCalls: [], documents: [], errors: [], tokens: null };
