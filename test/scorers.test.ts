import { describe, expect, it } from 'vitest';
import {
  BUILTIN_SCORERS,
  builtinScorer,
  isSessionScorer,
  polarityOf,
  ruleFor,
  type Polarity,
  type PolarityOverrides,
} from '../src/model/scorers.js';

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
    pass: ['none', 'resolved', 'no_frustration', 'frustration_resolved', 'not_frustrated', 'None'],
    fail: ['unresolved', 'frustration_not_resolved', 'frustrated'],
    // yes / no / booleans could mean "frustration found" or "check passed": never guessed.
    unknown: ['yes', 'no', true, false, 0, 'frustration'],
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

  it.each(CASES.map((c) => [c.name, SESSION_SCORERS.includes(c.name)] as const))(
    '%s is a session scorer: %s',
    (name, session) => {
      expect(isSessionScorer(name)).toBe(session);
    },
  );

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
    // Replaced labels are gone; the rest of the row (booleans: false) stays.
    ['user_frustration', 'none', 'unknown'],
    ['user_frustration', true, 'unknown'],
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
