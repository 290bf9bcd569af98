import { isSessionScorer, readVerdict, type Polarity, type PolarityBasis, type PolarityOptions } from './scorers.js';
import type { Assessment, AssessmentError } from './types.js';

/**
 * Triage of a trace's assessments, in the order that keeps each step honest
 * (peers-and-io-conventions.md §0.2):
 *
 * 1. Scorer errors are set aside: a judge that failed is not a trace that failed.
 * 2. Session-level versus per-turn: an assessment whose metadata carries `mlflow.trace.session`
 *    is session-level; MLflow writes that key on every feedback a session scorer returns
 *    (mlflow/genai/evaluation/session_utils.py). Before MLflow PR #20988 (February 2026) the
 *    error feedback of a failed session scorer lacked it, so a scorer error without the key is
 *    session-level when its name is a multi-turn scorer's ({@link isSessionScorer}). The name
 *    rule is for errors only: a successful result without the key was logged per turn.
 * 3. Superseded: `valid: false`, or overridden by another assessment in the file (`overrides`
 *    holds the id it replaces; MLflow's stores mark the replaced one invalid,
 *    mlflow/store/tracking/sqlalchemy_store.py). Chains are followed to their start.
 * 4. Human versus judge: among effective feedback with the same name, target span and level, a
 *    HUMAN verdict whose polarity differs from an LLM_JUDGE or CODE one wins; both stay listed.
 *    So does a HUMAN verdict that replaced a judge's through `overrides` (MLflow's
 *    `override_feedback`) with the other polarity: the judge's is marked as outvoted, not merely
 *    superseded, because a judge that people correct is a judge to calibrate.
 * 5. Polarity of every remaining value ({@link readVerdict}: table row, name meaning, rationale),
 *    with what decided it; the rationale always beside it.
 *
 * Every entry keeps `index`, its position in `info.assessments`, for JSONPaths.
 */

/** The metadata key of session-level assessments. */
export const SESSION_METADATA_KEY = 'mlflow.trace.session';

/** Options of the triage: the config's polarity additions and replacements. */
export type TriageOptions = PolarityOptions;

/** Whether an assessment judges the whole session or the turn (the trace) it sits on. */
export type AssessmentLevel = 'session' | 'turn';

/** What decided the level: the metadata key, a failed multi-turn scorer's name, or neither. */
export type LevelBasis = 'metadata' | 'scorer-name' | 'default';

/** An assessment by position and id; `index` is null when the id is not in the file. */
export interface AssessmentRef {
  index: number | null;
  assessmentId: string | null;
}

/** A scorer that failed, shown apart from the verdicts. */
export interface ScorerErrorEntry {
  index: number;
  assessment: Assessment;
  error: AssessmentError;
  level: AssessmentLevel;
  levelBasis: LevelBasis;
  /** The session named in the assessment's metadata, if any. */
  sessionId: string | null;
  /** Set when another assessment (a human's, usually) overrides this error. */
  supersededBy?: AssessmentRef;
}

/** One feedback with what it says and whether it still counts. */
export interface Verdict {
  index: number;
  assessment: Assessment;
  level: AssessmentLevel;
  levelBasis: LevelBasis;
  sessionId: string | null;
  polarity: Polarity;
  /** What decided the polarity: a table row, the config, the name's meaning, the rationale… */
  polarityBasis: PolarityBasis;
  /** Kept beside the value, always: a value alone can mislead. */
  rationale: string | null;
  source: { type: string; id: string | null };
  /** False when superseded or outvoted by a human. */
  effective: boolean;
  ineffective?: 'superseded' | 'human-disagrees';
  /** The newest assessment that overrides this one. */
  supersededBy?: AssessmentRef;
  /** The human verdict that disagrees with this judge's and wins. */
  overriddenByHuman?: AssessmentRef;
  /** For an assessment that overrides another: the chain, oldest first, ending with this one. */
  chain?: AssessmentRef[];
}

/** A human and a judge that judged the same thing and disagree; the human wins. */
export interface Disagreement {
  name: string;
  spanId: string | null;
  level: AssessmentLevel;
  human: number;
  judge: number;
  humanPolarity: Polarity;
  judgePolarity: Polarity;
  /** `same-target`: both stand side by side; `overrides`: the human's replaced the judge's. */
  via: 'same-target' | 'overrides';
}

/** Tallies for summaries; pass / fail / unknown count effective verdicts only. */
export interface TriageCounts {
  scorerErrors: number;
  pass: number;
  fail: number;
  unknown: number;
  superseded: number;
  disagreements: number;
}

/** The triage of one trace's assessments; lists hold indices into `info.assessments`. */
export interface AssessmentTriage {
  scorerErrors: ScorerErrorEntry[];
  /** Session-level assessments, scorer errors excluded (they are in `scorerErrors` with their level). */
  sessionLevel: number[];
  /** Per-turn assessments, scorer errors excluded. */
  perTurn: number[];
  /** Expectations (ground truth such as `expected_response`): context, never verdicts. */
  expectations: number[];
  superseded: number[];
  disagreements: Disagreement[];
  /** Every feedback that is not a scorer error, in file order. */
  verdicts: Verdict[];
  counts: TriageCounts;
}

const JUDGES = new Set(['LLM_JUDGE', 'CODE']);

/** Triage of one trace's assessments (see the steps above). */
export function triageAssessments(assessments: readonly Assessment[], options: TriageOptions = {}): AssessmentTriage {
  const chains = overrideGraph(assessments);
  const scorerErrors: ScorerErrorEntry[] = [];
  const sessionLevel: number[] = [];
  const perTurn: number[] = [];
  const expectations: number[] = [];
  const verdicts: Verdict[] = [];

  for (const a of assessments) {
    const sessionId = a.metadata[SESSION_METADATA_KEY] || null;
    const supersededBy = chains.supersededBy(a);
    if (a.error) {
      const byName = sessionId === null && isSessionScorer(a.name, options);
      scorerErrors.push({
        index: a.index,
        assessment: a,
        error: a.error,
        level: sessionId !== null || byName ? 'session' : 'turn',
        levelBasis: sessionId !== null ? 'metadata' : byName ? 'scorer-name' : 'default',
        sessionId,
        ...(supersededBy ? { supersededBy } : {}),
      });
      continue;
    }
    (sessionId !== null ? sessionLevel : perTurn).push(a.index);
    if (a.kind === 'expectation') {
      expectations.push(a.index);
      continue;
    }
    const superseded = !a.valid || supersededBy !== null;
    const chain = chains.chainOf(a);
    verdicts.push({
      index: a.index,
      assessment: a,
      level: sessionId !== null ? 'session' : 'turn',
      levelBasis: sessionId !== null ? 'metadata' : 'default',
      sessionId,
      ...polarityFields(a, options),
      rationale: a.rationale,
      source: { type: a.sourceType, id: a.sourceId },
      effective: !superseded,
      ...(superseded ? { ineffective: 'superseded' as const } : {}),
      ...(supersededBy ? { supersededBy } : {}),
      ...(chain ? { chain } : {}),
    });
  }

  const disagreements = [...humanVersusJudge(verdicts), ...humanOverrides(verdicts)].sort((a, b) => a.judge - b.judge);
  const effective = verdicts.filter((v) => v.effective);
  return {
    scorerErrors,
    sessionLevel,
    perTurn,
    expectations,
    superseded: verdicts.filter(replaced).map((v) => v.index),
    disagreements,
    verdicts,
    counts: {
      scorerErrors: scorerErrors.length,
      pass: effective.filter((v) => v.polarity === 'pass').length,
      fail: effective.filter((v) => v.polarity === 'fail').length,
      unknown: effective.filter((v) => v.polarity === 'unknown').length,
      superseded: verdicts.filter(replaced).length,
      disagreements: disagreements.length,
    },
  };
}

/** Replaced by a later assessment, or marked invalid: whatever else made it not count. */
function replaced(v: Verdict): boolean {
  return !v.assessment.valid || v.supersededBy !== undefined;
}

function polarityFields(a: Assessment, options: TriageOptions): { polarity: Polarity; polarityBasis: PolarityBasis } {
  const r = readVerdict({ name: a.name, value: a.value, rationale: a.rationale, sourceId: a.sourceId, metadata: a.metadata }, options);
  return { polarity: r.polarity, polarityBasis: r.basis };
}

/**
 * Judges a human replaced through `overrides` with the other polarity. The replacement is followed
 * to its newest end (a human's correction may itself be corrected); when that end is an effective
 * HUMAN verdict of known polarity and the judge's known polarity differs, the judge is marked
 * outvoted by that human. A replacement of the same polarity, or by another judge, stays a plain
 * supersession.
 */
function humanOverrides(verdicts: Verdict[]): Disagreement[] {
  const byIndex = new Map(verdicts.map((v) => [v.index, v]));
  const out: Disagreement[] = [];
  for (const judge of verdicts) {
    if (!JUDGES.has(judge.source.type) || judge.polarity === 'unknown' || judge.supersededBy === undefined) continue;
    let end: Verdict | undefined;
    const seen = new Set<number>([judge.index]);
    for (let ref: AssessmentRef | undefined = judge.supersededBy; ref !== undefined; ref = end.supersededBy) {
      if (ref.index === null || seen.has(ref.index)) break;
      seen.add(ref.index);
      const next = byIndex.get(ref.index);
      if (next === undefined) break;
      end = next;
    }
    if (end === undefined || !end.effective || end.source.type !== 'HUMAN' || end.polarity === 'unknown' || end.polarity === judge.polarity) continue;
    out.push(outvote(judge, end, 'overrides'));
  }
  return out;
}

/**
 * Marks a judge outvoted by a human of the other polarity and says so. The disagreement is named
 * after the judge's target (name, span, level): through `overrides` the human may have been
 * logged under another name; on the same target the two are the same.
 */
function outvote(judge: Verdict, human: Verdict, via: Disagreement['via']): Disagreement {
  judge.ineffective = 'human-disagrees';
  judge.overriddenByHuman = { index: human.index, assessmentId: human.assessment.assessmentId };
  return {
    name: judge.assessment.name,
    spanId: judge.assessment.spanId,
    level: judge.level,
    human: human.index,
    judge: judge.index,
    humanPolarity: human.polarity,
    judgePolarity: judge.polarity,
    via,
  };
}

/** Who overrides whom, by assessment id. */
function overrideGraph(assessments: readonly Assessment[]): {
  supersededBy(a: Assessment): AssessmentRef | null;
  chainOf(a: Assessment): AssessmentRef[] | null;
} {
  const byId = new Map<string, Assessment>();
  const overriders = new Map<string, Assessment[]>();
  for (const a of assessments) {
    if (a.assessmentId !== null && !byId.has(a.assessmentId)) byId.set(a.assessmentId, a);
    if (a.overrides !== null && a.overrides !== a.assessmentId) {
      const list = overriders.get(a.overrides) ?? [];
      list.push(a);
      overriders.set(a.overrides, list);
    }
  }
  const ref = (id: string): AssessmentRef => ({ index: byId.get(id)?.index ?? null, assessmentId: id });
  return {
    supersededBy(a) {
      const list = a.assessmentId === null ? undefined : overriders.get(a.assessmentId);
      if (!list) return null;
      // Several overriders of one assessment: the newest replaced it last.
      const newest = list.reduce((best, b) => (newerThan(b, best) ? b : best));
      return { index: newest.index, assessmentId: newest.assessmentId };
    },
    chainOf(a) {
      if (a.overrides === null || a.overrides === a.assessmentId) return null;
      const chain: AssessmentRef[] = [{ index: a.index, assessmentId: a.assessmentId }];
      const seen = new Set<string>(a.assessmentId === null ? [] : [a.assessmentId]);
      // A cycle (A overrides B overrides A) is cut where it closes.
      for (let id: string | null = a.overrides; id !== null && !seen.has(id); id = byId.get(id)?.overrides ?? null) {
        seen.add(id);
        chain.push(ref(id));
      }
      return chain.reverse();
    },
  };
}

function newerThan(a: Assessment, b: Assessment): boolean {
  const ta = a.lastUpdateTimeMs ?? a.createTimeMs ?? -Infinity;
  const tb = b.lastUpdateTimeMs ?? b.createTimeMs ?? -Infinity;
  return ta !== tb ? ta > tb : a.index > b.index;
}

/**
 * Marks judges outvoted by a human. The newest effective HUMAN verdict of a group (same name,
 * span, level and session) is the human's; any LLM_JUDGE or CODE verdict of the group with the
 * other known polarity loses. Unknown polarities never disagree: nothing says they differ.
 * `SOURCE_TYPE_UNSPECIFIED` is neither human nor judge.
 */
function humanVersusJudge(verdicts: Verdict[]): Disagreement[] {
  const groups = new Map<string, Verdict[]>();
  for (const v of verdicts) {
    if (!v.effective) continue;
    const key = JSON.stringify([v.assessment.name, v.assessment.spanId, v.level, v.sessionId]);
    const group = groups.get(key);
    if (group) group.push(v);
    else groups.set(key, [v]);
  }
  const out: Disagreement[] = [];
  for (const group of groups.values()) {
    const humans = group.filter((v) => v.source.type === 'HUMAN');
    if (humans.length === 0) continue;
    const human = humans.reduce((best, v) => (newerThan(v.assessment, best.assessment) ? v : best));
    if (human.polarity === 'unknown') continue;
    for (const judge of group) {
      if (!JUDGES.has(judge.source.type) || judge.polarity === 'unknown' || judge.polarity === human.polarity) continue;
      judge.effective = false;
      out.push(outvote(judge, human, 'same-target'));
    }
  }
  return out;
}

/** The assessments of one turn of a session, in turn order. */
export interface TurnAssessments {
  traceId: string;
  assessments: readonly Assessment[];
}

/** A session-level entry with the turn (position in the given order) and trace that hold it. */
export interface Located<T> {
  turn: number;
  traceId: string;
  entry: T;
}

/** The triage of a whole session: each turn's, plus the session-level entries gathered. */
export interface SessionTriage {
  turns: Array<{ traceId: string; triage: AssessmentTriage }>;
  /** Session-level verdicts of every turn (MLflow logs them on the first one). */
  sessionVerdicts: Array<Located<Verdict>>;
  /** Session-level scorer errors of every turn. */
  sessionScorerErrors: Array<Located<ScorerErrorEntry>>;
  /** The turns' counts summed. */
  counts: TriageCounts;
}

/**
 * Triage of a session's turns, given in turn order. Session-level assessments normally sit on
 * the first trace (MLflow picks the earliest `request_time`, session_utils.py), but they are
 * gathered from every turn, each with its turn, so one logged elsewhere is not lost.
 */
export function triageSession(turns: readonly TurnAssessments[], options: TriageOptions = {}): SessionTriage {
  const triaged = turns.map((t) => ({ traceId: t.traceId, triage: triageAssessments(t.assessments, options) }));
  const counts: TriageCounts = { scorerErrors: 0, pass: 0, fail: 0, unknown: 0, superseded: 0, disagreements: 0 };
  const sessionVerdicts: Array<Located<Verdict>> = [];
  const sessionScorerErrors: Array<Located<ScorerErrorEntry>> = [];
  triaged.forEach(({ traceId, triage }, turn) => {
    for (const key of Object.keys(counts) as Array<keyof TriageCounts>) counts[key] += triage.counts[key];
    for (const entry of triage.verdicts) if (entry.level === 'session') sessionVerdicts.push({ turn, traceId, entry });
    for (const entry of triage.scorerErrors) if (entry.level === 'session') sessionScorerErrors.push({ turn, traceId, entry });
  });
  return { turns: triaged, sessionVerdicts, sessionScorerErrors, counts };
}
