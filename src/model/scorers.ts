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

/** `pass` and `fail` are verdicts; `unknown` means the value alone cannot say (read the rationale). */
export type Polarity = 'pass' | 'fail' | 'unknown';

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

  // Trap: never yes/no. Three vocabularies shipped: frustrated / not_frustrated (the first prompt),
  // no_frustration / frustration_resolved / frustration_not_resolved (3.7.0), none / resolved /
  // unresolved (PR #19382). "Resolved" means the user "clearly ends the conversation satisfied",
  // and the first prompt classed it "not frustrated": a pass. A yes, a no or a boolean stays
  // unknown: it could mean "frustration found" or "check passed". MLflow does not run this
  // judge's value through `_sanitize_scorer_feedback`, which would turn "none" into "no".
  {
    scorer: 'UserFrustration',
    names: ['user_frustration'],
    pass: ['none', 'resolved', 'no_frustration', 'frustration_resolved', 'not_frustrated'],
    fail: ['unresolved', 'frustration_not_resolved', 'frustrated'],
    booleans: false,
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

const BY_NAME: ReadonlyMap<string, BuiltinScorer> = new Map(
  BUILTIN_SCORERS.flatMap((row) => row.names.map((name) => [name, row] as const)),
);

/** The built-in row for an assessment name, or null. */
export function builtinScorer(name: string): BuiltinScorer | null {
  return BY_NAME.get(name) ?? null;
}

/**
 * The rule an assessment name reads by: the config's entry laid over the built-in row (over
 * {@link GENERIC_RULE} for a name the table lacks), else the built-in row, else null (no rule: the
 * generic one applies).
 */
export function ruleFor(name: string, options: PolarityOptions = {}): PolarityRule | null {
  const builtin = BY_NAME.get(name) ?? null;
  const override = options.overrides && Object.hasOwn(options.overrides, name) ? options.overrides[name] : undefined;
  if (override === undefined) return builtin;
  return { ...(builtin ?? GENERIC_RULE), ...override };
}

/** True when the name belongs to a multi-turn scorer (built in, or declared `level: 'session'` by the config). */
export function isSessionScorer(name: string, options: PolarityOptions = {}): boolean {
  return ruleFor(name, options)?.level === 'session';
}

/** Reads one value under the rule for its name; see {@link GENERIC_RULE} for names without one. */
export function polarityOf(name: string, value: unknown, options: PolarityOptions = {}): Polarity {
  return polarityUnder(ruleFor(name, options) ?? GENERIC_RULE, value);
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
