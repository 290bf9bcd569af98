import type { CompiledFilter } from '../../query/filter/compile.js';
import type { Severity } from '../../rules/api.js';
import { atLeast } from '../../shared/severity.js';
import type { AnalyzeOptions, AnalyzeResult } from './analyze.js';
import { digestOptionsOf, type TriageConfig } from '../config.js';
import { partialDump, type CommandOutcome } from '../outcome.js';
import { selectRules } from './rule-set.js';
import type { FindingList } from './finding-spill.js';
import { mapRows } from '../../shared/columns.js';

// What `analyze` and `report` make of a request and of a result, built once for the CLI and the API.

/** What an analysis is asked for besides its inputs: rules (ids), sessions (ids), a compiled filter. */
export interface AnalysisRequest {
  rules?: readonly string[] | undefined;
  sessions?: readonly string[] | undefined;
  filter: CompiledFilter | null;
}

/**
 * What the engine takes for an analysis besides the reading hooks: the config's rule settings then
 * `rules` (an unknown id throws `UnknownRuleError`), the config's digest keys, the filter, the sessions.
 */
export function analysisSelection(config: TriageConfig, request: AnalysisRequest): Pick<AnalyzeOptions, 'rules' | 'severityOverride' | 'digest' | 'filter' | 'sessions'> {
  const selection = selectRules(config.rules, request.rules ?? []);
  return {
    rules: selection.rules,
    severityOverride: selection.severityOverride,
    digest: digestOptionsOf(config),
    filter: request.filter,
    ...(request.sessions ? { sessions: request.sessions.map(String) } : {}),
  };
}

/**
 * What every `analyze` output shows of a result: the findings, each session's numbers, the
 * counts, and whether a finding reached `failOn`.
 */
export function analysisFacts<List extends FindingList>(result: AnalyzeResult<List>, failOn: Severity | 'none') {
  return {
    findings: result.findings,
    // Made as each pass of a format reaches them, from the session stage's columns.
    sessions: mapRows(result.sessions, (s) => ({ id: s.sessionId, turns: s.turns, user: s.user, turnTraceIds: s.turnTraceIds, partial: s.partial })),
    tracesWithoutSession: result.withoutSession,
    withoutSessionTraceIds: result.withoutSessionTraceIds,
    ...(result.withoutSessionTraces === undefined ? {} : { withoutSessionTraces: result.withoutSessionTraces }),
    ...(result.spool === undefined ? {} : { spool: result.spool }),
    traces: result.traces,
    duplicates: result.duplicates,
    outsideSelection: result.outsideSelection,
    rules: result.rules,
    failOn,
    failed: failOn !== 'none' && someAtLeast(result.findings, failOn),
  };
}

/** `analyze`'s part of the exit status: sessions asked for and absent, `failOn` reached, a partial dump. */
export function analysisOutcome(result: AnalyzeResult<FindingList>, facts: { failOn: Severity | 'none'; failed: boolean }, sessionsAsked: readonly string[] | undefined): CommandOutcome {
  return {
    missing: sessionsAsked && result.sessions.length === 0 ? noSession(sessionsAsked) : null,
    failOn: facts.failOn === 'none' ? null : { level: facts.failOn, failed: facts.failed },
    partial: partialDump(result.findings),
  };
}

function someAtLeast(findings: FindingList, level: Severity): boolean {
  for (const f of findings) if (atLeast(f.severity, level)) return true;
  return false;
}

/** `report`'s part of the exit status: only sessions asked for and absent (a report is not a gate). */
export function reportOutcome(sessionsInReport: number, sessionsAsked: readonly string[] | undefined): CommandOutcome {
  return { missing: sessionsAsked !== undefined && sessionsInReport === 0 ? noSession(sessionsAsked) : null };
}

/** Why the run is not clean when no session asked for is in the inputs. */
export function noSession(ids: readonly string[]): string {
  const list = ids.map((s) => JSON.stringify(s)).join(', ');
  return ids.length === 1 ? `session ${list} is not in the inputs` : `none of the sessions ${list} is in the inputs`;
}
