// A trace's assessments as its digest keeps them: triaged, each list bounded, the counts and the
// per-scorer tallies over all of them.
import { compactJson, cutText } from './messages.js';
import { triageAssessments, type Verdict } from './triage.js';
import type { Trace } from './types.js';
import {
  cutName,
  MAX_ASSESSMENTS,
  NOTE_CHARS,
  VALUE_CHARS,
  type AssessmentCounts,
  type AssessmentsDigest,
  type DigestOptions,
  type ExpectationDigest,
  type ScorerCount,
  type ScorerErrorDigest,
  type VerdictDigest,
} from './digest-types.js';

/** The digest's {@link AssessmentsDigest} of a trace: `digestTrace` keeps it whole, `sessionTurnOf` its counts. */
export function assessmentsDigest(trace: Trace, options: Pick<DigestOptions, 'overrides' | 'noteChars'>): AssessmentsDigest {
  const triage = triageAssessments(trace.assessments, options.overrides ? { overrides: options.overrides } : {});
  const noteChars = options.noteChars ?? NOTE_CHARS;
  // Each list is bounded on its own: a trace of thousands of verdicts must not leave its scorer
  // errors unlisted (each is a finding of its own), nor the reverse; counts come from the whole
  // triage below.
  const take = <T>(list: readonly T[]): readonly T[] => list.slice(0, MAX_ASSESSMENTS);
  const scorerErrors = take(triage.scorerErrors).map(
    (e): ScorerErrorDigest => ({
      index: e.index,
      name: cutName(e.assessment.name),
      level: e.level,
      levelBasis: e.levelBasis,
      code: cutName(e.error.code),
      message: e.error.message === null ? null : cutText(e.error.message, noteChars),
      spanId: e.assessment.spanId,
      superseded: e.supersededBy !== undefined,
    }),
  );
  const verdicts = boundedVerdicts(triage.verdicts).map(
    (v): VerdictDigest => ({
      index: v.index,
      name: cutName(v.assessment.name),
      level: v.level,
      levelBasis: v.levelBasis,
      polarity: v.polarity,
      polarityBasis: v.polarityBasis,
      value: compactJson(v.assessment.value, VALUE_CHARS),
      rationale: v.rationale === null ? null : cutText(v.rationale, noteChars),
      sourceType: cutName(v.source.type),
      sourceId: cutName(v.source.id),
      spanId: v.assessment.spanId,
      effective: v.effective,
      ineffective: v.ineffective ?? null,
      overriddenByHuman: v.overriddenByHuman?.index ?? null,
    }),
  );
  // By index through a map: a find per expectation was quadratic on a trace of thousands of assessments.
  const byIndex = new Map(trace.assessments.map((a) => [a.index, a]));
  const expectations = take(triage.expectations.map((i) => byIndex.get(i)!)).map(
    (a): ExpectationDigest => ({ index: a.index, name: cutName(a.name), value: compactJson(a.value, VALUE_CHARS), sourceType: cutName(a.sourceType) }),
  );
  const total = triage.verdicts.length + triage.scorerErrors.length + triage.expectations.length;
  const listed = verdicts.length + scorerErrors.length + expectations.length;
  const counts: AssessmentCounts = {
    feedback: triage.verdicts.length,
    expectations: triage.expectations.length,
    scorerErrors: triage.scorerErrors.length,
    scorerErrorsSuperseded: triage.scorerErrors.filter((e) => e.supersededBy !== undefined).length,
    superseded: triage.counts.superseded,
    pass: triage.counts.pass,
    fail: triage.counts.fail,
    unknown: triage.counts.unknown,
  };
  return {
    verdicts,
    scorerErrors,
    expectations,
    omitted: total - listed,
    failing: triage.counts.fail,
    counts,
    scorers: scorerCounts(triage),
  };
}

/**
 * At most {@link MAX_ASSESSMENTS} verdicts, in file order, the effective failing ones first to be
 * kept: the turn's failure line and the rules read the failing verdicts from this list.
 */
function boundedVerdicts(all: readonly Verdict[]): readonly Verdict[] {
  if (all.length <= MAX_ASSESSMENTS) return all;
  const failing = (v: Verdict): boolean => v.effective && v.polarity === 'fail';
  const keep = new Set(all.filter(failing).slice(0, MAX_ASSESSMENTS));
  for (const v of all) {
    if (keep.size >= MAX_ASSESSMENTS) break;
    keep.add(v);
  }
  return all.filter((v) => keep.has(v));
}

/** Per-name runs and failures over the whole triage. */
function scorerCounts(triage: ReturnType<typeof triageAssessments>): ScorerCount[] {
  const byName = new Map<string, { count: ScorerCount; codes: Map<string | null, number> }>();
  const entry = (raw: string): { count: ScorerCount; codes: Map<string | null, number> } => {
    const key = cutName(raw);
    let c = byName.get(key);
    if (c === undefined) {
      c = { count: { name: key, runs: 0, failures: 0, replaced: 0, codes: [] }, codes: new Map() };
      byName.set(key, c);
    }
    return c;
  };
  // Codes through a map: a search per error was quadratic on a trace of thousands of distinct codes.
  for (const e of triage.scorerErrors) {
    const { count, codes } = entry(e.assessment.name);
    count.failures++;
    if (e.supersededBy !== undefined) count.replaced++;
    const code = cutName(e.error.code);
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  for (const v of triage.verdicts) if (v.source.type !== 'HUMAN') entry(v.assessment.name).count.runs++;
  return [...byName.values()].map(({ count, codes }) => ({ ...count, codes: [...codes].map(([code, n]) => ({ code, count: n })) }));
}
