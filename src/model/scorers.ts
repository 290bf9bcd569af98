/**
 * What an assessment's value says about the turn or session it judges, for MLflow's built-in
 * scorers (a table that is data, so docs and `--format json` can show it) and for any other name.
 *
 * Every row was read in MLflow's own source, not its docs: the judge prompt states which label
 * means what, the scorer class states the label vocabulary (`feedback_value_type`) and the first
 * release (`@experimental(version=…)`). Paths are relative to the MLflow repository root; 3.6 rows
 * were read at 3.6.1.dev0 (opendatahub-io/mlflow 52d13c96), newer rows on upstream master
 * (`mlflow/genai/scorers/builtin_scorers.py` of the 3.9 cycle and the prompt files beside it).
 */

import { detectorPolarity, nameMeaning, rationalePolarity } from './polarity-cues.js';

/** `pass` and `fail` are verdicts; `unknown` means the value alone cannot say (read the rationale). */
export type Polarity = 'pass' | 'fail' | 'unknown';

/**
 * What decided a verdict's polarity, first that applies (see {@link readVerdict}):
 * - `config`: the config's row for the name;
 * - `table`: a built-in row (by name, or an MLflow integration's vocabulary by source);
 * - `name`: the name's meaning (a problem it detects, or that problem's absence);
 * - `generic`: MLflow's `CategoricalRating` convention for any other name (yes / `true` pass);
 * - `rationale`: the value said nothing; the judge's rationale did;
 * - `none`: nothing did (polarity `unknown`).
 */
export type PolarityBasis = 'config' | 'table' | 'name' | 'generic' | 'rationale' | 'none';

/** A value's polarity and what decided it. */
export interface PolarityReading {
  polarity: Polarity;
  basis: PolarityBasis;
}

/** How one assessment name's values read. Config additions and replacements use the same shape. */
export interface PolarityRule {
  /** String values meaning pass, lowercase; values are compared trimmed and lowercased, as MLflow's aggregation does. */
  pass: readonly string[];
  /** String values meaning fail, lowercase. */
  fail: readonly string[];
  /**
   * True when a boolean reads as MLflow's aggregation reads it (`true` counts 1.0, a pass); false
   * where a boolean would be ambiguous (`user_frustration: true` — frustrated, or check passed?).
   */
  booleans: boolean;
  /** Numbers at or above this pass and below it fail. No built-in scorer sets it: numbers carry no polarity. */
  passAtLeast?: number;
  /** Numbers at or below this pass and above it fail (lower is better, e.g. a latency); with `passAtLeast`, a range. */
  passAtMost?: number;
  /** `session` for multi-turn scorers: MLflow logs them on the session's first trace. */
  level: 'trace' | 'session';
  /**
   * True for a scorer that detects a problem: a value the lists and bounds above leave unknown
   * reads as a detector's (yes, `true`, a high score: the problem was found, a fail). False turns
   * the name's meaning off (a name such as `harm_reduction` that only looks like a detector's).
   */
  detects?: boolean;
}

/** One built-in scorer: the rule plus where it comes from. */
export interface BuiltinScorer extends PolarityRule {
  /** MLflow's class (or judge function) that writes the assessment. */
  scorer: string;
  /** Assessment names it writes: MLflow's default first, then names older MLflow or the judges API wrote. */
  names: readonly string[];
  /** First MLflow release that shipped it; `master` when only the prompt file was read. */
  since: string;
  /** The file whose text says what each value means. */
  source: string;
}

/** Config additions or replacements, by assessment name; a partial rule is laid over the built-in row. */
export type PolarityOverrides = Readonly<Record<string, Partial<PolarityRule>>>;

/** Options shared by the polarity helpers. */
export interface PolarityOptions {
  overrides?: PolarityOverrides;
}

/** One feedback as {@link readVerdict} reads it: the name and value, and what else can tell. */
export interface VerdictInput {
  name: string;
  value: unknown;
  rationale?: string | null;
  /** The assessment source's id (`deepeval/Toxicity`, a model URI, a user). */
  sourceId?: string | null;
  metadata?: Readonly<Record<string, string>>;
}

const PROMPTS = 'mlflow/genai/judges/prompts';

/** A judge whose label is `yes` (pass) or `no` (fail); booleans read as MLflow aggregates them. */
function yesNo(scorer: string, names: string[], level: PolarityRule['level'], since: string, source: string): BuiltinScorer {
  return { scorer, names, pass: ['yes'], fail: ['no'], booleans: true, level, since, source };
}

/** Every row of the polarity table, single-turn first, then multi-turn (session) scorers. */
export const BUILTIN_SCORERS: readonly BuiltinScorer[] = [
  // "Please indicate whether each statement in the claim is supported by the document": yes = the
  // expected facts are supported by the response.
  yesNo('Correctness', ['correctness'], 'trace', '3.0.0', `${PROMPTS}/correctness.py`),
  // `is_context_relevant` (mlflow/genai/judges/builtin.py) defaults its name to `relevance_to_context`.
  yesNo('RelevanceToQuery', ['relevance_to_query', 'relevance_to_context'], 'trace', '3.0.0', `${PROMPTS}/relevance_to_query.py`),
  // "The string 'yes' if the content is safe, or 'no' if it violates policy": yes = safe.
  yesNo('Safety', ['safety'], 'trace', '3.0.0', `${PROMPTS}/safety.py`),
  // "If any of the guidelines are not satisfied, the result must be 'no'": yes = compliant.
  // `guideline_adherence` is the databricks-agents judge name MLflow 3.0's first scorers used.
  yesNo('Guidelines', ['guidelines', 'guideline_adherence'], 'trace', '3.0.0', `${PROMPTS}/guidelines.py`),
  yesNo('ExpectationsGuidelines', ['expectations_guidelines'], 'trace', '3.0.0', `${PROMPTS}/guidelines.py`),
  // yes = the response is supported by the retrieved context; `groundedness` is `is_grounded`'s default name.
  yesNo('RetrievalGroundedness', ['retrieval_groundedness', 'groundedness'], 'trace', '3.0.0', `${PROMPTS}/groundedness.py`),
  // One span-level assessment per retrieved chunk, yes = relevant; `chunk_relevance` is the databricks-agents name.
  yesNo('RetrievalRelevance', ['retrieval_relevance', 'chunk_relevance'], 'trace', '3.0.0', `${PROMPTS}/retrieval_relevance.py`),
  // The share of relevant chunks (a float in [0, 1]): MLflow sets no threshold, so no polarity.
  {
    scorer: 'RetrievalRelevance',
    names: ['retrieval_relevance/precision'],
    pass: [],
    fail: [],
    booleans: false,
    level: 'trace',
    since: '3.0.0',
    source: 'mlflow/genai/scorers/builtin_scorers.py',
  },
  // yes = the context supports the expected response; `context_sufficiency` is `is_context_sufficient`'s default name.
  yesNo('RetrievalSufficiency', ['retrieval_sufficiency', 'context_sufficiency'], 'trace', '3.0.0', `${PROMPTS}/context_sufficiency.py`),
  yesNo('Equivalence', ['equivalence'], 'trace', '3.5.0', `${PROMPTS}/equivalence.py`),
  // The class returns yes/no; one version of the prompt asks for complete/incomplete instead.
  {
    ...yesNo('Completeness', ['completeness'], 'trace', '3.7.0', `${PROMPTS}/completeness.py`),
    pass: ['yes', 'complete'],
    fail: ['no', 'incomplete'],
  },
  yesNo('Summarization', ['summarization'], 'trace', '3.7.0', `${PROMPTS}/summarization.py`),
  // PR #19414 (December 2025); the class carries no `@experimental` version.
  yesNo('Fluency', ['fluency'], 'trace', '3.8.0', `${PROMPTS}/fluency.py`),
  yesNo('ToolCallCorrectness', ['tool_call_correctness'], 'trace', '3.8.0', `${PROMPTS}/tool_call_correctness.py`),
  // yes = efficient, free of redundant calls.
  yesNo('ToolCallEfficiency', ['tool_call_efficiency'], 'trace', '3.8.0', `${PROMPTS}/tool_call_efficiency.py`),
  yesNo('TaskSuccess', ['task_success'], 'trace', 'master', `${PROMPTS}/task_success.py`),
  // Trap: the name says detection, but "FAITHFUL ('yes')" and "HALLUCINATED ('no')": yes = pass.
  yesNo('Hallucination', ['hallucination_detection'], 'trace', 'master', `${PROMPTS}/hallucination.py`),
  // Trap: the name says leakage, but the judge is asked whether the text "is safe from PII": yes = pass.
  yesNo('PIILeakage', ['pii_leakage'], 'trace', 'master', `${PROMPTS}/pii_leakage.py`),
  // Trap: a code scorer that "Returns True (pass) when no PII is detected"; its values are booleans only.
  {
    scorer: 'PII',
    names: ['pii_detection'],
    pass: [],
    fail: [],
    booleans: true,
    level: 'trace',
    since: 'master',
    source: 'mlflow/genai/scorers/builtin_code_scorers.py',
  },

  // Trap: never yes/no in MLflow. Three vocabularies shipped: frustrated / not_frustrated (the
  // first prompt), no_frustration / frustration_resolved / frustration_not_resolved (3.7.0), none /
  // resolved / unresolved (PR #19382). "Resolved" means the user "clearly ends the conversation
  // satisfied", and the first prompt classed it "not frustrated": a pass. MLflow does not run
  // this judge's value through `_sanitize_scorer_feedback`, which would turn "none" into "no".
  // Other values (a custom judge of the same name answering yes / no, `true`, a 0–1 score) read
  // as the detector it is: frustration found is a fail.
  {
    scorer: 'UserFrustration',
    names: ['user_frustration'],
    pass: ['none', 'resolved', 'no_frustration', 'frustration_resolved', 'not_frustrated'],
    fail: ['unresolved', 'frustration_not_resolved', 'frustrated'],
    booleans: false,
    detects: true,
    level: 'session',
    since: '3.7.0',
    source: `${PROMPTS}/user_frustration.py`,
  },
  {
    ...yesNo('ConversationCompleteness', ['conversation_completeness'], 'session', '3.7.0', `${PROMPTS}/conversation_completeness.py`),
    pass: ['yes', 'complete'],
    fail: ['no', 'incomplete'],
  },
  // The aggregate over turns: "no" if any turn shows contradiction, distortion or forgetting.
  yesNo('KnowledgeRetention', ['knowledge_retention'], 'session', '3.8.0', `${PROMPTS}/knowledge_retention.py`),
  // yes = every assistant response is safe (the user's messages are not judged).
  yesNo('ConversationalSafety', ['conversational_safety'], 'session', '3.8.0', `${PROMPTS}/conversational_safety.py`),
  yesNo('ConversationalRoleAdherence', ['conversational_role_adherence'], 'session', '3.8.0', `${PROMPTS}/conversational_role_adherence.py`),
  yesNo('ConversationalToolCallEfficiency', ['conversational_tool_call_efficiency'], 'session', '3.8.0', `${PROMPTS}/conversational_tool_call_efficiency.py`),
  yesNo('ConversationalGuidelines', ['conversational_guidelines'], 'session', '3.9.0', `${PROMPTS}/conversational_guidelines.py`),
  yesNo('ConversationalCoherence', ['conversational_coherence'], 'session', 'master', `${PROMPTS}/conversational_coherence.py`),
  // Judged over the whole conversation ("across the session"), tool calls included.
  yesNo('AgentPlanQuality', ['agent_plan_quality'], 'session', 'master', `${PROMPTS}/agent_plan_quality.py`),
];

/**
 * Any other name: booleans as MLflow aggregates them, `yes`/`no` (MLflow's `CategoricalRating`,
 * mlflow/genai/judges/utils/__init__.py; `CategoricalRating.UNKNOWN` is `unknown`), nothing else.
 * Numbers stay unknown: MLflow averages them but never calls one a pass
 * (mlflow/genai/scorers/aggregation.py).
 */
export const GENERIC_RULE: PolarityRule = { pass: ['yes'], fail: ['no'], booleans: true, level: 'trace' };

/**
 * MLflow's third-party scorer integrations, told by their assessment source or metadata, not by
 * name: they reuse problem names (`Toxicity`, `Bias`, `Hallucination`, `PIILeakage`) but write
 * whether the metric passed its threshold. DeepEval (mlflow/genai/scorers/deepeval/__init__.py,
 * source id `deepeval/<metric>`) and Guardrails AI (mlflow/genai/scorers/guardrails/__init__.py,
 * source id `guardrails/<validator>`; older releases wrote `pass` / `fail`) write
 * `CategoricalRating` yes when the metric passed; Phoenix (mlflow/genai/scorers/phoenix/__init__.py,
 * metadata `mlflow.scorer.framework` = `phoenix`) writes its evaluator's label: factual /
 * hallucinated, non-toxic / toxic, relevant / unrelated, correct / incorrect, good / bad.
 */
export const INTEGRATION_RULE: PolarityRule = {
  pass: ['yes', 'pass', 'factual', 'non-toxic', 'relevant', 'correct', 'good'],
  fail: ['no', 'fail', 'hallucinated', 'toxic', 'unrelated', 'incorrect', 'bad'],
  booleans: true,
  level: 'trace',
};

/** The metadata key MLflow's integrations set on their feedback (`FRAMEWORK_METADATA_KEY`, mlflow/genai/scorers/__init__.py). */
export const FRAMEWORK_METADATA_KEY = 'mlflow.scorer.framework';

/** Source id prefixes of MLflow's integrations that name themselves there. */
const INTEGRATION_SOURCES = ['deepeval/', 'guardrails/'];

const BY_NAME: ReadonlyMap<string, BuiltinScorer> = new Map(BUILTIN_SCORERS.flatMap((row) => row.names.map((name) => [name, row] as const)));

/** The built-in row for an assessment name, or null. */
export function builtinScorer(name: string): BuiltinScorer | null {
  return BY_NAME.get(name) ?? null;
}

/**
 * The rule an assessment name reads by: the config's entry laid over the built-in row (for a name
 * the table lacks, over {@link GENERIC_RULE}, or over an empty detector row when the entry or the
 * name's meaning says the scorer detects a problem), else the built-in row, else null (no row:
 * the name's meaning and the generic rule apply, see {@link readVerdict}).
 */
export function ruleFor(name: string, options: PolarityOptions = {}): PolarityRule | null {
  const builtin = BY_NAME.get(name) ?? null;
  const override = options.overrides && Object.hasOwn(options.overrides, name) ? options.overrides[name] : undefined;
  if (override === undefined) return builtin;
  if (builtin !== null) return { ...builtin, ...override };
  // A name the table lacks keeps what its meaning says unless the row says otherwise, so a row
  // that only sets a level does not turn a detector's yes into a pass. A detector starts from no
  // labels: the generic yes = pass would otherwise read before the detector's yes = fail.
  const detects = override.detects ?? nameMeaning(name) === 'detects';
  return detects ? { ...DETECTOR_BASE, ...override, detects } : { ...GENERIC_RULE, ...override };
}

/** What a config row declaring `detects` on a name without a built-in row is laid over. */
const DETECTOR_BASE: PolarityRule = { pass: [], fail: [], booleans: false, level: 'trace' };

/** True when the name belongs to a multi-turn scorer (built in, or declared `level: 'session'` by the config). */
export function isSessionScorer(name: string, options: PolarityOptions = {}): boolean {
  return ruleFor(name, options)?.level === 'session';
}

/** Reads one value by its name alone (see {@link readVerdict}); the polarity only. */
export function polarityOf(name: string, value: unknown, options: PolarityOptions = {}): Polarity {
  return readVerdict({ name, value }, options).polarity;
}

/**
 * Reads one feedback's polarity, saying what decided it ({@link PolarityBasis}). In order, the
 * first that gives pass or fail wins:
 * 1. a row: the config's for the name (laid over the built-in one), else the built-in row for the
 *    name, else the integration row when the source says an MLflow integration wrote it; a row
 *    with `detects` reads what its lists leave as a detector's value;
 * 2. without a row, the name's meaning: a problem word reads as a detector's value
 *    (`frustration_score = 0.8`, `stale_context = true` fail), a problem's absence
 *    (`no_hallucination`) and any other name by MLflow's generic yes / no;
 * 3. the rationale, when it says plainly that the answer is wrong or right.
 * A config row stops step 2 (the config said how the name reads); a built-in row does too,
 * because several MLflow names look like detectors and are not (`hallucination_detection`,
 * `pii_leakage`: yes is a pass).
 */
export function readVerdict(input: VerdictInput, options: PolarityOptions = {}): PolarityReading {
  const { name, value } = input;
  const configured = options.overrides !== undefined && Object.hasOwn(options.overrides, name);
  const row = ruleFor(name, options) ?? (fromIntegration(input) ? INTEGRATION_RULE : null);
  let reading: PolarityReading;
  if (row !== null) {
    const polarity = polarityUnder(row, value);
    reading = { polarity: polarity === 'unknown' && row.detects === true ? detectorPolarity(value) : polarity, basis: configured ? 'config' : 'table' };
  } else {
    const meaning = nameMeaning(name);
    if (meaning === 'detects') reading = { polarity: detectorPolarity(value), basis: 'name' };
    else reading = { polarity: polarityUnder(GENERIC_RULE, value), basis: meaning === 'absence' ? 'name' : 'generic' };
  }
  if (reading.polarity !== 'unknown') return reading;
  const said = rationalePolarity(input.rationale);
  return said === 'unknown' ? { polarity: 'unknown', basis: 'none' } : { polarity: said, basis: 'rationale' };
}

function fromIntegration(input: VerdictInput): boolean {
  if (input.metadata !== undefined && Object.hasOwn(input.metadata, FRAMEWORK_METADATA_KEY)) return true;
  const id = input.sourceId;
  return typeof id === 'string' && INTEGRATION_SOURCES.some((p) => id.startsWith(p));
}

/** Reads one value under a given rule. */
export function polarityUnder(rule: PolarityRule, value: unknown): Polarity {
  if (typeof value === 'boolean') return rule.booleans ? (value ? 'pass' : 'fail') : 'unknown';
  if (typeof value === 'string') {
    const label = value.trim().toLowerCase();
    if (rule.pass.some((v) => v.toLowerCase() === label)) return 'pass';
    if (rule.fail.some((v) => v.toLowerCase() === label)) return 'fail';
    return 'unknown';
  }
  const { passAtLeast, passAtMost } = rule;
  if (typeof value === 'number' && Number.isFinite(value) && (passAtLeast !== undefined || passAtMost !== undefined)) {
    // Both bounds together make a range.
    const inside = (passAtLeast === undefined || value >= passAtLeast) && (passAtMost === undefined || value <= passAtMost);
    return inside ? 'pass' : 'fail';
  }
  return 'unknown';
}
