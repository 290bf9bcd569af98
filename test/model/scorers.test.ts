import { describe, expect, it } from 'vitest';
import { BUILTIN_SCORERS, builtinScorer, isSessionScorer, polarityOf, readVerdict, ruleFor, type Polarity, type PolarityBasis, type PolarityOverrides } from '../../src/model/scorers.js';
import { nameMeaning, nameWords } from '../../src/model/polarity-cues.js';

// Each line was written from the MLflow judge prompt or scorer class named in the table's
// `source`, not derived from the table: pass / fail labels, then values that must stay unknown.
interface Case {
  name: string;
  pass: unknown[];
  fail: unknown[];
  unknown: unknown[];
}

const yesNo = (name: string): Case => ({
  name,
  pass: ['yes', 'Yes', ' YES ', true],
  fail: ['no', 'No', false],
  unknown: ['unknown', 'maybe', 4.0, 1, null, { result: 'yes' }, ['yes']],
});

const CASES: Case[] = [
  yesNo('correctness'),
  yesNo('relevance_to_query'),
  yesNo('relevance_to_context'),
  yesNo('safety'),
  yesNo('guidelines'),
  yesNo('guideline_adherence'),
  yesNo('expectations_guidelines'),
  yesNo('retrieval_groundedness'),
  yesNo('groundedness'),
  yesNo('retrieval_relevance'),
  yesNo('chunk_relevance'),
  { name: 'retrieval_relevance/precision', pass: [], fail: [], unknown: [0.5, 1.0, 0, 'yes', 'no', true, false] },
  yesNo('retrieval_sufficiency'),
  yesNo('context_sufficiency'),
  yesNo('equivalence'),
  { ...yesNo('completeness'), pass: ['yes', 'complete', true], fail: ['no', 'incomplete', false] },
  yesNo('summarization'),
  yesNo('fluency'),
  yesNo('tool_call_correctness'),
  yesNo('tool_call_efficiency'),
  yesNo('task_success'),
  // The name says detection; "yes" is FAITHFUL.
  yesNo('hallucination_detection'),
  // The name says leakage; "yes" is safe from PII.
  yesNo('pii_leakage'),
  // A code scorer: True when no PII was found; strings are not its values.
  { name: 'pii_detection', pass: [true], fail: [false], unknown: ['yes', 'no', 'none', 1] },
  {
    name: 'user_frustration',
    // MLflow's labels, then what a custom judge of the same name writes, read as the detector it
    // is: no frustration found is a pass, frustration found (yes, true, a high score) a fail.
    pass: ['none', 'resolved', 'no_frustration', 'frustration_resolved', 'not_frustrated', 'None', 'no', false, 0, 0.2, 'low'],
    fail: ['unresolved', 'frustration_not_resolved', 'frustrated', 'yes', true, 0.8, 4, 'high'],
    unknown: ['frustration', 0.5, 3, 9, 'medium'],
  },
  { ...yesNo('conversation_completeness'), pass: ['yes', 'complete', true], fail: ['no', 'incomplete', false] },
  yesNo('knowledge_retention'),
  yesNo('conversational_safety'),
  yesNo('conversational_role_adherence'),
  yesNo('conversational_tool_call_efficiency'),
  yesNo('conversational_guidelines'),
  yesNo('conversational_coherence'),
  yesNo('agent_plan_quality'),
];

const SESSION_SCORERS = [
  'user_frustration',
  'conversation_completeness',
  'knowledge_retention',
  'conversational_safety',
  'conversational_role_adherence',
  'conversational_tool_call_efficiency',
  'conversational_guidelines',
  'conversational_coherence',
  'agent_plan_quality',
];

const rows = (cases: Case[]): Array<[string, unknown, Polarity]> =>
  cases.flatMap((c) => [
    ...c.pass.map((v): [string, unknown, Polarity] => [c.name, v, 'pass']),
    ...c.fail.map((v): [string, unknown, Polarity] => [c.name, v, 'fail']),
    ...c.unknown.map((v): [string, unknown, Polarity] => [c.name, v, 'unknown']),
  ]);

describe('the built-in polarity table', () => {
  it.each(rows(CASES))('%s = %j reads %s', (name, value, expected) => {
    expect(polarityOf(name, value)).toBe(expected);
  });

  it('has a case above for every name it holds, and no name twice', () => {
    const names = BUILTIN_SCORERS.flatMap((row) => row.names);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(CASES.map((c) => c.name).sort());
  });

  it('cites an MLflow source file and a release on every row', () => {
    for (const row of BUILTIN_SCORERS) {
      expect(row.source).toMatch(/^mlflow\/genai\/(judges\/prompts|scorers)\/[a-z_]+\.py$/);
      expect(row.since).toMatch(/^(3\.\d+\.\d+|master)$/);
    }
  });

  it.each(CASES.map((c) => [c.name, SESSION_SCORERS.includes(c.name)] as const))('%s is a session scorer: %s', (name, session) => {
    expect(isSessionScorer(name)).toBe(session);
  });

  it('finds rows by any of their names', () => {
    expect(builtinScorer('groundedness')?.scorer).toBe('RetrievalGroundedness');
    expect(builtinScorer('safety')?.source).toBe('mlflow/genai/judges/prompts/safety.py');
    expect(builtinScorer('user_frustration')?.since).toBe('3.7.0');
    expect(builtinScorer('helpfulness')).toBeNull();
  });
});

describe('names outside the table', () => {
  it.each<[unknown, Polarity]>([
    [true, 'pass'],
    [false, 'fail'],
    ['yes', 'pass'],
    ['no', 'fail'],
    [' Yes\n', 'pass'],
    ['NO', 'fail'],
    ['unknown', 'unknown'],
    ['pass', 'unknown'],
    ['good', 'unknown'],
    ['', 'unknown'],
    [4.0, 'unknown'],
    [0, 'unknown'],
    [1, 'unknown'],
    [Number.NaN, 'unknown'],
    [null, 'unknown'],
    [undefined, 'unknown'],
    [{ score: 5 }, 'unknown'],
    [['yes'], 'unknown'],
  ])('helpfulness = %j reads %s', (value, expected) => {
    expect(polarityOf('helpfulness', value)).toBe(expected);
  });

  it('has no rule and is not a session scorer', () => {
    expect(ruleFor('helpfulness')).toBeNull();
    expect(isSessionScorer('helpfulness')).toBe(false);
    expect(isSessionScorer('')).toBe(false);
  });
});

describe('config overrides', () => {
  const overrides: PolarityOverrides = {
    helpfulness: { passAtLeast: 3 },
    latency_seconds: { passAtMost: 2 },
    rating: { passAtLeast: 1, passAtMost: 5 },
    // A custom judge that reuses a built-in name with the opposite labels.
    user_frustration: { pass: ['no'], fail: ['yes'] },
    tone: { pass: ['polite'], fail: ['rude'], booleans: false },
    my_session_judge: { level: 'session' },
    safety: { level: 'trace' },
  };

  it.each<[string, unknown, Polarity]>([
    ['helpfulness', 4.0, 'pass'],
    ['helpfulness', 3, 'pass'],
    ['helpfulness', 2.5, 'fail'],
    ['helpfulness', Number.POSITIVE_INFINITY, 'unknown'],
    // A new name starts from the generic rule: yes / no and booleans still read.
    ['helpfulness', 'yes', 'pass'],
    ['helpfulness', false, 'fail'],
    ['latency_seconds', 1.2, 'pass'],
    ['latency_seconds', 2.01, 'fail'],
    ['rating', 0, 'fail'],
    ['rating', 5, 'pass'],
    ['rating', 6, 'fail'],
    ['user_frustration', 'yes', 'fail'],
    ['user_frustration', 'no', 'pass'],
    // Replaced labels are gone; the rest of the row (a detector: `detects`) stays.
    ['user_frustration', 'none', 'pass'],
    ['user_frustration', true, 'fail'],
    ['tone', 'Polite', 'pass'],
    ['tone', 'rude', 'fail'],
    ['tone', 'yes', 'unknown'],
    ['tone', true, 'unknown'],
    ['safety', 'no', 'fail'],
  ])('%s = %j reads %s', (name, value, expected) => {
    expect(polarityOf(name, value, { overrides })).toBe(expected);
  });

  it('declares levels', () => {
    expect(isSessionScorer('my_session_judge', { overrides })).toBe(true);
    expect(isSessionScorer('user_frustration', { overrides })).toBe(true);
    expect(isSessionScorer('helpfulness', { overrides })).toBe(false);
  });

  it('lays a partial entry over the built-in row', () => {
    expect(ruleFor('safety', { overrides })).toEqual({
      ...builtinScorer('safety'),
      level: 'trace',
    });
    expect(ruleFor('helpfulness', { overrides })).toEqual({
      pass: ['yes'],
      fail: ['no'],
      booleans: true,
      level: 'trace',
      passAtLeast: 3,
    });
  });

  it('looks up own keys only', () => {
    expect(ruleFor('constructor', { overrides: {} })).toBeNull();
    expect(ruleFor('toString', { overrides })).toBeNull();
  });
});

describe('readVerdict: what decides polarity, and which basis says so', () => {
  interface Row {
    name: string;
    value: unknown;
    rationale?: string;
    sourceId?: string;
    metadata?: Record<string, string>;
    overrides?: PolarityOverrides;
    polarity: Polarity;
    basis: PolarityBasis;
  }
  const phoenix = { 'mlflow.scorer.framework': 'phoenix' };
  const ROWS: Row[] = [
    // Detectors by name: frustration (numbers on 0–1 and 1–5, yes / no, booleans).
    { name: 'frustration_score', value: 0.8, polarity: 'fail', basis: 'name' },
    { name: 'frustration_score', value: 0.2, polarity: 'pass', basis: 'name' },
    { name: 'frustration_score', value: 1, polarity: 'fail', basis: 'name' },
    { name: 'frustration_score', value: 0, polarity: 'pass', basis: 'name' },
    { name: 'frustration_score', value: 0.5, polarity: 'unknown', basis: 'none' },
    { name: 'frustration_score', value: 4, polarity: 'fail', basis: 'name' },
    { name: 'frustration_score', value: 2, polarity: 'pass', basis: 'name' },
    { name: 'frustration_score', value: 3, polarity: 'unknown', basis: 'none' },
    { name: 'frustration_score', value: 7, polarity: 'unknown', basis: 'none' },
    { name: 'frustration', value: 'yes', polarity: 'fail', basis: 'name' },
    { name: 'UserFrustrated', value: false, polarity: 'pass', basis: 'name' },
    { name: 'user_frustration', value: 'yes', polarity: 'fail', basis: 'table' },
    { name: 'user_frustration', value: 'resolved', polarity: 'pass', basis: 'table' },
    // Staleness.
    { name: 'stale_context', value: true, polarity: 'fail', basis: 'name' },
    { name: 'stale_context', value: false, polarity: 'pass', basis: 'name' },
    { name: 'StaleContext', value: 'Yes', polarity: 'fail', basis: 'name' },
    { name: 'staleness', value: 0.9, polarity: 'fail', basis: 'name' },
    { name: 'outdated_source', value: 'no', polarity: 'pass', basis: 'name' },
    // Toxicity, leaks, hallucination, harm, jailbreak, injection, bias.
    { name: 'toxicity', value: 'yes', polarity: 'fail', basis: 'name' },
    { name: 'toxicity', value: 'no', polarity: 'pass', basis: 'name' },
    { name: 'is_toxic', value: true, polarity: 'fail', basis: 'name' },
    { name: 'toxicity_score', value: 0.05, polarity: 'pass', basis: 'name' },
    { name: 'pii_leak', value: 'yes', polarity: 'fail', basis: 'name' },
    { name: 'leak', value: true, polarity: 'fail', basis: 'name' },
    { name: 'hallucination', value: 'yes', polarity: 'fail', basis: 'name' },
    { name: 'hallucination_rate', value: 0.1, polarity: 'pass', basis: 'name' },
    { name: 'harmful', value: 'no', polarity: 'pass', basis: 'name' },
    { name: 'jailbreak', value: 'detected', polarity: 'fail', basis: 'name' },
    { name: 'prompt_injection', value: true, polarity: 'fail', basis: 'name' },
    { name: 'prompt-injection', value: 'none', polarity: 'pass', basis: 'name' },
    { name: 'bias', value: 'high', polarity: 'fail', basis: 'name' },
    { name: 'bias', value: 'maybe', polarity: 'unknown', basis: 'none' },
    // A problem's absence reads as MLflow's generic yes = pass.
    { name: 'no_hallucination', value: 'yes', polarity: 'pass', basis: 'name' },
    { name: 'non_toxic', value: true, polarity: 'pass', basis: 'name' },
    { name: 'pii_free', value: 'no', polarity: 'fail', basis: 'name' },
    { name: 'hallucination_free', value: 0.9, polarity: 'unknown', basis: 'none' },
    // So does a check for it, or its all-clear: MLflow's convention for a check that passed.
    { name: 'toxicity_check', value: 'yes', polarity: 'pass', basis: 'name' },
    { name: 'pii_safe', value: false, polarity: 'fail', basis: 'name' },
    { name: 'stale_ok', value: true, polarity: 'pass', basis: 'name' },
    // Whole words only: these are not problem words.
    { name: 'harmlessness', value: 'yes', polarity: 'pass', basis: 'generic' },
    { name: 'stalemate_check', value: 'yes', polarity: 'pass', basis: 'generic' },
    { name: 'helpfulness', value: 'no', polarity: 'fail', basis: 'generic' },
    // MLflow's traps stay as the table has them: the names look like detectors, yes is a pass.
    { name: 'hallucination_detection', value: 'yes', polarity: 'pass', basis: 'table' },
    { name: 'pii_leakage', value: 'yes', polarity: 'pass', basis: 'table' },
    { name: 'pii_detection', value: true, polarity: 'pass', basis: 'table' },
    { name: 'pii_detection', value: 'yes', polarity: 'unknown', basis: 'none' },
    // MLflow's integrations write whether the metric passed, whatever the name says.
    { name: 'Toxicity', value: 'yes', sourceId: 'deepeval/Toxicity', polarity: 'pass', basis: 'table' },
    { name: 'Bias', value: 'no', sourceId: 'deepeval/Bias', polarity: 'fail', basis: 'table' },
    { name: 'ToxicLanguage', value: 'no', sourceId: 'guardrails/ToxicLanguage', polarity: 'fail', basis: 'table' },
    { name: 'DetectPII', value: 'pass', sourceId: 'guardrails/DetectPII', polarity: 'pass', basis: 'table' },
    { name: 'Toxicity', value: 'toxic', metadata: phoenix, polarity: 'fail', basis: 'table' },
    { name: 'Hallucination', value: 'factual', metadata: phoenix, polarity: 'pass', basis: 'table' },
    // The same name without an integration's source is read by its meaning.
    { name: 'Toxicity', value: 'yes', sourceId: 'openai:/gpt-4o', polarity: 'fail', basis: 'name' },
    // The rationale, when nothing else decides (conservative: one side only).
    { name: 'answer_check', value: 'partial', rationale: 'The answer is incorrect: the policy allows 30 days, not 60.', polarity: 'fail', basis: 'rationale' },
    { name: 'answer_check', value: 0.4, rationale: 'The response is correct and cites the 2024 policy.', polarity: 'pass', basis: 'rationale' },
    { name: 'answer_check', value: 2, rationale: 'The claim is not supported by the retrieved context.', polarity: 'fail', basis: 'rationale' },
    { name: 'answer_check', value: 'partial', rationale: "The user's premise is wrong, but the answer is correct.", polarity: 'unknown', basis: 'none' },
    { name: 'answer_check', value: 'partial', rationale: 'The answer is not incorrect, only terse.', polarity: 'unknown', basis: 'none' },
    { name: 'correctness', value: 0.3, rationale: 'The answer was wrong about the window.', polarity: 'fail', basis: 'rationale' },
    // No signal anywhere: unknown.
    { name: 'helpfulness', value: 4, rationale: 'Helpful and friendly.', polarity: 'unknown', basis: 'none' },
    { name: 'quality_label', value: 'medium', polarity: 'unknown', basis: 'none' },
    // The config decides first; a detector can be declared or turned off there.
    { name: 'tone', value: 'polite', overrides: { tone: { pass: ['polite'] } }, polarity: 'pass', basis: 'config' },
    { name: 'guard_flag', value: 'yes', overrides: { guard_flag: { detects: true } }, polarity: 'fail', basis: 'config' },
    { name: 'guard_flag', value: 0.9, overrides: { guard_flag: { detects: true } }, polarity: 'fail', basis: 'config' },
    { name: 'harm_reduction', value: 'yes', polarity: 'fail', basis: 'name' },
    { name: 'harm_reduction', value: 'yes', overrides: { harm_reduction: { detects: false } }, polarity: 'pass', basis: 'config' },
    { name: 'toxicity', value: 'yes', overrides: { toxicity: { level: 'session' } }, polarity: 'fail', basis: 'config' },
    { name: 'toxicity', value: 'yes', overrides: { toxicity: { pass: ['yes'] } }, polarity: 'pass', basis: 'config' },
    { name: 'tone', value: 'meh', rationale: 'The answer is wrong.', overrides: { tone: { pass: ['polite'] } }, polarity: 'fail', basis: 'rationale' },
  ];

  it.each(ROWS)('$name = $value reads $polarity by $basis', ({ name, value, rationale, sourceId, metadata, overrides, polarity, basis }) => {
    const input = { name, value, ...(rationale === undefined ? {} : { rationale }), ...(sourceId === undefined ? {} : { sourceId }), ...(metadata === undefined ? {} : { metadata }) };
    expect(readVerdict(input, overrides === undefined ? {} : { overrides })).toEqual({ polarity, basis });
  });
});

describe('name words and meaning', () => {
  it.each<[string, string[], ReturnType<typeof nameMeaning>]>([
    ['UserFrustration', ['user', 'frustration'], 'detects'],
    ['PIILeakage', ['pii', 'leakage'], 'detects'],
    ['prompt-injection/score', ['prompt', 'injection', 'score'], 'detects'],
    ['no_hallucination', ['no', 'hallucination'], 'absence'],
    ['ToxicityCheck', ['toxicity', 'check'], 'absence'],
    ['helpfulness', ['helpfulness'], null],
    ['', [], null],
  ])('%s', (name, words, meaning) => {
    expect(nameWords(name)).toEqual(words);
    expect(nameMeaning(name)).toBe(meaning);
  });
});
