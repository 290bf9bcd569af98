import { describe, expect, it } from 'vitest';
import { normalizeAssessment } from '../../src/model/assessment.js';
import type { Polarity } from '../../src/model/scorers.js';
import { triageAssessments, triageSession, type AssessmentTriage } from '../../src/model/triage.js';
import type { Assessment } from '../../src/model/types.js';
import { fixtureJson, fixtureTraces, traceOf } from '../helpers/fixture-traces.js';

// Assessments are built from raw dicts in the shapes MLflow writes (mlflow-trace-formats.md §3:
// 3.x proto names; §2.3: 2.x dataclass names with a top-level `error`), then normalized.

type Raw = Record<string, unknown>;

const JUDGE = { source_type: 'LLM_JUDGE', source_id: 'openai:/gpt-4o-mini' };
const HUMAN = { source_type: 'HUMAN', source_id: 'alice@example.com' };
const CODE = { source_type: 'CODE', source_id: 'my_scorer' };
const SESSION = { 'mlflow.trace.session': 'session-123' };
const RATE_LIMIT = { error_code: 'RATE_LIMIT_EXCEEDED', error_message: 'judge rate limited' };

let clock = 0;
/** A feedback; ids `a-<n>` and create times follow the order of the calls. */
function feedback(id: string, name: string, value: unknown, extra: Raw = {}): Raw {
  clock += 1000;
  return {
    assessment_id: id,
    assessment_name: name,
    trace_id: 'tr-1',
    source: JUDGE,
    create_time_ms: clock,
    feedback: { value },
    valid: true,
    ...extra,
  };
}

const build = (raws: Raw[]): Assessment[] => raws.map((raw, i) => normalizeAssessment(raw, i));

/** What the case tables compare: every list, verdicts reduced to their triage fields. */
interface View {
  errors: Array<[index: number, level: string, basis: string, supersededBy?: number | null]>;
  session: number[];
  turn: number[];
  expectations: number[];
  superseded: number[];
  disagreements: Array<[human: number, judge: number, human: Polarity, judge: Polarity]>;
  verdicts: Array<[index: number, polarity: Polarity, status: string, chain?: Array<number | null>]>;
}

function view(t: AssessmentTriage): View {
  return {
    errors: t.scorerErrors.map((e) => (e.supersededBy ? [e.index, e.level, e.levelBasis, e.supersededBy.index] : [e.index, e.level, e.levelBasis])),
    session: t.sessionLevel,
    turn: t.perTurn,
    expectations: t.expectations,
    superseded: t.superseded,
    disagreements: t.disagreements.map((d) => [d.human, d.judge, d.humanPolarity, d.judgePolarity]),
    verdicts: t.verdicts.map((v) => {
      const status = v.effective ? 'effective' : v.ineffective === 'human-disagrees' ? `human ${v.overriddenByHuman?.index}` : `superseded${v.supersededBy ? ` by ${v.supersededBy.index}` : ''}`;
      return v.chain ? [v.index, v.polarity, status, v.chain.map((r) => r.index)] : [v.index, v.polarity, status];
    }),
  };
}

const none: View = { errors: [], session: [], turn: [], expectations: [], superseded: [], disagreements: [], verdicts: [] };

const CASES: Array<{ name: string; raws: Raw[]; expected: Partial<View> }> = [
  {
    name: 'scorer error (feedback.error) is set aside, not a verdict',
    raws: [feedback('a-1', 'safety', null, { feedback: { value: null, error: RATE_LIMIT } })],
    expected: { errors: [[0, 'turn', 'default']] },
  },
  {
    name: 'scorer error (legacy top-level error, 2.x dataclass names)',
    raws: [{ name: 'correctness', source: JUDGE, create_time_ms: 1, feedback: { value: null }, error: RATE_LIMIT }],
    expected: { errors: [[0, 'turn', 'default']] },
  },
  {
    name: 'session-level by metadata',
    raws: [feedback('a-1', 'user_frustration', 'unresolved', { metadata: SESSION, rationale: 'Still angry at the end.' }), feedback('a-2', 'correctness', 'yes')],
    expected: {
      session: [0],
      turn: [1],
      verdicts: [
        [0, 'fail', 'effective'],
        [1, 'pass', 'effective'],
      ],
    },
  },
  {
    name: 'failed session scorer with the metadata key',
    raws: [feedback('a-1', 'user_frustration', null, { feedback: { value: null, error: RATE_LIMIT }, metadata: SESSION })],
    expected: { errors: [[0, 'session', 'metadata']] },
  },
  {
    name: 'legacy failed session scorer without the key (before MLflow PR #20988) is recognised by name',
    raws: [
      feedback('a-1', 'conversation_completeness', null, {
        source: { source_type: 'CODE', source_id: 'conversation_completeness' },
        feedback: { value: null, error: { error_code: 'SCORER_ERROR', error_message: 'boom' } },
      }),
      feedback('a-2', 'safety', null, { feedback: { value: null, error: RATE_LIMIT } }),
    ],
    expected: {
      errors: [
        [0, 'session', 'scorer-name'],
        [1, 'turn', 'default'],
      ],
    },
  },
  {
    name: 'a successful multi-turn result without the key stays per turn (the name rule is for errors)',
    raws: [feedback('a-1', 'user_frustration', 'none')],
    expected: { turn: [0], verdicts: [[0, 'pass', 'effective']] },
  },
  {
    name: 'superseded (valid: false) with no overrider in the file',
    raws: [feedback('a-1', 'correctness', 'no', { valid: false })],
    expected: { turn: [0], superseded: [0], verdicts: [[0, 'fail', 'superseded']] },
  },
  {
    name: 'override chain of 2: a human correction of the other polarity outvotes the judge (replaced and calibrated)',
    raws: [feedback('a-1', 'correctness', 'no', { valid: false }), feedback('a-2', 'correctness', 'yes', { source: HUMAN, overrides: 'a-1' })],
    expected: {
      turn: [0, 1],
      superseded: [0],
      disagreements: [[1, 0, 'pass', 'fail']],
      verdicts: [
        [0, 'fail', 'human 1'],
        [1, 'pass', 'effective', [0, 1]],
      ],
    },
  },
  {
    name: 'override chain of 3, written out of order; the middle link stayed valid: true',
    raws: [
      feedback('a-3', 'relevance_to_query', 'yes', { source: HUMAN, overrides: 'a-2' }),
      feedback('a-1', 'relevance_to_query', 'no', { valid: false }),
      feedback('a-2', 'relevance_to_query', 'no', { source: HUMAN, overrides: 'a-1' }),
    ],
    // The judge (1) said no; the first human (2) agreed, the newest (0) says yes: the newest
    // end of the chain speaks for the humans, so the judge is outvoted by 0.
    expected: {
      turn: [0, 1, 2],
      superseded: [1, 2],
      disagreements: [[0, 1, 'pass', 'fail']],
      verdicts: [
        [0, 'pass', 'effective', [1, 2, 0]],
        [1, 'fail', 'human 0'],
        [2, 'fail', 'superseded by 0', [1, 2]],
      ],
    },
  },
  {
    name: 'an override whose original is not in the file keeps the link, without an index',
    raws: [feedback('a-9', 'safety', 'yes', { source: HUMAN, overrides: 'a-missing' })],
    expected: { turn: [0], verdicts: [[0, 'pass', 'effective', [null, 0]]] },
  },
  {
    name: 'two overriders of one assessment: the newest supersedes it',
    raws: [
      feedback('a-1', 'safety', 'no', { valid: false }),
      feedback('a-2', 'safety', 'yes', { source: HUMAN, overrides: 'a-1' }),
      feedback('a-3', 'safety', 'yes', { source: HUMAN, overrides: 'a-1' }),
    ],
    expected: {
      turn: [0, 1, 2],
      superseded: [0],
      disagreements: [[2, 0, 'pass', 'fail']],
      verdicts: [
        [0, 'fail', 'human 2'],
        [1, 'pass', 'effective', [0, 1]],
        [2, 'pass', 'effective', [0, 2]],
      ],
    },
  },
  {
    name: 'an override cycle ends (both superseded, chains cut where they close)',
    raws: [feedback('a-1', 'safety', 'yes', { overrides: 'a-2' }), feedback('a-2', 'safety', 'no', { overrides: 'a-1' })],
    expected: {
      turn: [0, 1],
      superseded: [0, 1],
      verdicts: [
        [0, 'pass', 'superseded by 1', [1, 0]],
        [1, 'fail', 'superseded by 0', [0, 1]],
      ],
    },
  },
  {
    name: 'a human override of a scorer error',
    raws: [
      feedback('a-1', 'safety', null, { feedback: { value: null, error: RATE_LIMIT }, valid: false }),
      feedback('a-2', 'safety', 'yes', { source: HUMAN, overrides: 'a-1', rationale: 'Checked by hand.' }),
    ],
    expected: { errors: [[0, 'turn', 'default', 1]], turn: [1], verdicts: [[1, 'pass', 'effective', [0, 1]]] },
  },
  {
    name: 'human and judge disagree: both kept, the human wins',
    raws: [feedback('a-1', 'correctness', 'no', { rationale: 'The answer misses a fact.' }), feedback('a-2', 'correctness', true, { source: HUMAN, rationale: 'It is right.' })],
    expected: {
      turn: [0, 1],
      disagreements: [[1, 0, 'pass', 'fail']],
      verdicts: [
        [0, 'fail', 'human 1'],
        [1, 'pass', 'effective'],
      ],
    },
  },
  {
    name: 'human and judge agree (yes and true are both a pass)',
    raws: [feedback('a-1', 'correctness', 'yes'), feedback('a-2', 'correctness', true, { source: HUMAN })],
    expected: {
      turn: [0, 1],
      verdicts: [
        [0, 'pass', 'effective'],
        [1, 'pass', 'effective'],
      ],
    },
  },
  {
    name: 'a CODE scorer loses to a human too; the newest human speaks for the humans',
    raws: [feedback('a-1', 'is_polite', false, { source: CODE }), feedback('a-2', 'is_polite', false, { source: HUMAN }), feedback('a-3', 'is_polite', true, { source: HUMAN })],
    expected: {
      turn: [0, 1, 2],
      disagreements: [[2, 0, 'pass', 'fail']],
      verdicts: [
        [0, 'fail', 'human 2'],
        [1, 'fail', 'effective'],
        [2, 'pass', 'effective'],
      ],
    },
  },
  {
    name: 'no disagreement across targets: another span, another level, another name',
    raws: [
      feedback('a-1', 'correctness', 'no', { span_id: '5b558896d43fb57c' }),
      feedback('a-2', 'correctness', 'yes', { source: HUMAN }),
      feedback('a-3', 'correctness', 'no', { metadata: SESSION }),
      feedback('a-4', 'relevance_to_query', 'no'),
    ],
    expected: {
      session: [2],
      turn: [0, 1, 3],
      verdicts: [
        [0, 'fail', 'effective'],
        [1, 'pass', 'effective'],
        [2, 'fail', 'effective'],
        [3, 'fail', 'effective'],
      ],
    },
  },
  {
    name: 'no disagreement when either polarity is unknown, or the other source is unspecified',
    raws: [
      feedback('a-1', 'helpfulness', 2.0),
      feedback('a-2', 'helpfulness', 5.0, { source: HUMAN }),
      feedback('a-3', 'safety', 'no', { source: { source_type: 'SOURCE_TYPE_UNSPECIFIED' } }),
      feedback('a-4', 'safety', 'yes', { source: HUMAN }),
    ],
    expected: {
      turn: [0, 1, 2, 3],
      verdicts: [
        [0, 'unknown', 'effective'],
        [1, 'unknown', 'effective'],
        [2, 'fail', 'effective'],
        [3, 'pass', 'effective'],
      ],
    },
  },
  {
    name: 'a judge a human replaced with the same polarity is superseded, not outvoted',
    raws: [feedback('a-1', 'safety', 'no', { valid: false }), feedback('a-2', 'safety', 'no', { source: HUMAN, overrides: 'a-1', rationale: 'Unsafe indeed.' })],
    expected: {
      turn: [0, 1],
      superseded: [0],
      verdicts: [
        [0, 'fail', 'superseded by 1'],
        [1, 'fail', 'effective', [0, 1]],
      ],
    },
  },
  {
    name: 'a judge replaced by another judge is superseded, not outvoted',
    raws: [feedback('a-1', 'safety', 'no', { valid: false }), feedback('a-2', 'safety', 'yes', { overrides: 'a-1' })],
    expected: {
      turn: [0, 1],
      superseded: [0],
      verdicts: [
        [0, 'fail', 'superseded by 1'],
        [1, 'pass', 'effective', [0, 1]],
      ],
    },
  },
  {
    name: 'a human replacement of unknown polarity outvotes nobody',
    raws: [feedback('a-1', 'safety', 'no', { valid: false }), feedback('a-2', 'safety', 'it depends', { source: HUMAN, overrides: 'a-1' })],
    expected: {
      turn: [0, 1],
      superseded: [0],
      verdicts: [
        [0, 'fail', 'superseded by 1'],
        [1, 'unknown', 'effective', [0, 1]],
      ],
    },
  },
  {
    name: 'a human override of a CODE scorer with the other polarity outvotes it too',
    raws: [feedback('a-1', 'is_polite', false, { source: CODE, valid: false }), feedback('a-2', 'is_polite', true, { source: HUMAN, overrides: 'a-1' })],
    expected: {
      turn: [0, 1],
      superseded: [0],
      disagreements: [[1, 0, 'pass', 'fail']],
      verdicts: [
        [0, 'fail', 'human 1'],
        [1, 'pass', 'effective', [0, 1]],
      ],
    },
  },
  {
    name: 'expectations are context, not verdicts',
    raws: [
      { assessment_id: 'a-1', assessment_name: 'expected_response', source: HUMAN, expectation: { value: 'yes' } },
      {
        assessment_name: 'expected_facts',
        source: HUMAN,
        expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: '["sunny"]' } },
      },
    ],
    expected: { turn: [0, 1], expectations: [0, 1] },
  },
  {
    name: 'non-string values: bool, number, dict, list, null under the generic rule',
    raws: [
      feedback('a-1', 'thumbs_up', true),
      feedback('a-2', 'thumbs_up', false),
      feedback('a-3', 'score', 4.0),
      feedback('a-4', 'details', { verdict: 'yes' }),
      feedback('a-5', 'tags', ['yes']),
      feedback('a-6', 'empty', null),
    ],
    expected: {
      turn: [0, 1, 2, 3, 4, 5],
      verdicts: [
        [0, 'pass', 'effective'],
        [1, 'fail', 'effective'],
        [2, 'unknown', 'effective'],
        [3, 'unknown', 'effective'],
        [4, 'unknown', 'effective'],
        [5, 'unknown', 'effective'],
      ],
    },
  },
  {
    name: 'built-in scorer values (the traps): user_frustration "no" is no frustration, hallucination_detection "no" a hallucination',
    raws: [
      feedback('a-1', 'user_frustration', 'no', { metadata: SESSION }),
      feedback('a-2', 'user_frustration', 'resolved', { metadata: SESSION }),
      feedback('a-3', 'safety', 'yes'),
      feedback('a-4', 'hallucination_detection', 'no'),
      feedback('a-5', 'retrieval_relevance/precision', 0.5, { span_id: '5b558896d43fb57c' }),
      feedback('a-6', 'equivalence', 'unknown'),
    ],
    expected: {
      session: [0, 1],
      turn: [2, 3, 4, 5],
      verdicts: [
        [0, 'pass', 'effective'],
        [1, 'pass', 'effective'],
        [2, 'pass', 'effective'],
        [3, 'fail', 'effective'],
        [4, 'unknown', 'effective'],
        [5, 'unknown', 'effective'],
      ],
    },
  },
];

describe('triageAssessments: cases', () => {
  it.each(CASES)('$name', ({ raws, expected }) => {
    expect(view(triageAssessments(build(raws)))).toEqual({ ...none, ...expected });
  });

  it('keeps the rationale, source and level detail on every verdict', () => {
    const triage = triageAssessments(
      build([
        feedback('a-1', 'correctness', 'no', { rationale: 'Misses a fact.' }),
        feedback('a-2', 'correctness', 'yes', { source: HUMAN, rationale: 'It is right.' }),
        feedback('a-3', 'user_frustration', 'none', { metadata: SESSION }),
      ]),
    );
    expect(
      triage.verdicts.map(({ index, rationale, source, level, levelBasis, sessionId, overriddenByHuman }) => ({
        index,
        rationale,
        source,
        level,
        levelBasis,
        sessionId,
        overriddenByHuman,
      })),
    ).toEqual([
      {
        index: 0,
        rationale: 'Misses a fact.',
        source: { type: 'LLM_JUDGE', id: 'openai:/gpt-4o-mini' },
        level: 'turn',
        levelBasis: 'default',
        sessionId: null,
        overriddenByHuman: { index: 1, assessmentId: 'a-2' },
      },
      {
        index: 1,
        rationale: 'It is right.',
        source: { type: 'HUMAN', id: 'alice@example.com' },
        level: 'turn',
        levelBasis: 'default',
        sessionId: null,
        overriddenByHuman: undefined,
      },
      {
        index: 2,
        rationale: null,
        source: { type: 'LLM_JUDGE', id: 'openai:/gpt-4o-mini' },
        level: 'session',
        levelBasis: 'metadata',
        sessionId: 'session-123',
        overriddenByHuman: undefined,
      },
    ]);
    expect(triage.counts).toEqual({ scorerErrors: 0, pass: 2, fail: 0, unknown: 0, superseded: 0, disagreements: 1 });
    expect(triage.disagreements).toEqual([{ name: 'correctness', spanId: null, level: 'turn', human: 1, judge: 0, humanPolarity: 'pass', judgePolarity: 'fail', via: 'same-target' }]);
  });

  it('reads the config: a custom session scorer failing without the key, a numeric threshold', () => {
    const options = { overrides: { my_conversation_judge: { level: 'session' as const }, helpfulness: { passAtLeast: 3 } } };
    const triage = triageAssessments(
      build([
        feedback('a-1', 'my_conversation_judge', null, { feedback: { value: null, error: RATE_LIMIT } }),
        feedback('a-2', 'helpfulness', 2.0, { source: HUMAN }),
        feedback('a-3', 'helpfulness', 4.0),
      ]),
      options,
    );
    expect(view(triage)).toEqual({
      ...none,
      errors: [[0, 'session', 'scorer-name']],
      turn: [1, 2],
      disagreements: [[1, 2, 'fail', 'pass']],
      verdicts: [
        [1, 'fail', 'effective'],
        [2, 'pass', 'human 1'],
      ],
    });
  });
});

describe('triageAssessments: upstream fixtures', () => {
  // Hand-derived from the files: three feedbacks and two expectations each, in a different order
  // per version; the safety judge failed (RATE_LIMIT_EXCEEDED), correctness passed (a boolean),
  // helpfulness is a human's 1-5 rating on the agent span (a number: no polarity). No assessment
  // carries `mlflow.trace.session` (the trace's own metadata does): all are per turn.
  const FIXTURES: Array<{ file: string; helpfulness: number; helpfulnessSpan: string; safety: number; correctness: number; expectations: number[] }> = [
    { file: 'v3.4_trace_ok_assessments_session.json', helpfulness: 1, helpfulnessSpan: '6296ba507c750845', safety: 3, correctness: 4, expectations: [0, 2] },
    { file: 'v3.5.0-equivalent_trace_ok_assessments_session.json', helpfulness: 0, helpfulnessSpan: 'dce709f6e50f8b85', safety: 1, correctness: 3, expectations: [2, 4] },
    { file: 'v3.6_trace_ok_assessments_session.json', helpfulness: 0, helpfulnessSpan: '5b558896d43fb57c', safety: 2, correctness: 4, expectations: [1, 3] },
  ];

  it.each(FIXTURES)('$file', async ({ file, helpfulness, helpfulnessSpan, safety, correctness, expectations }) => {
    const [trace] = await fixtureTraces(file, 'record');
    const triage = triageAssessments(trace!.assessments);
    const perTurn = [helpfulness, correctness, ...expectations].sort((a, b) => a - b);
    expect(view(triage)).toEqual({
      ...none,
      errors: [[safety, 'turn', 'default']],
      turn: perTurn,
      expectations,
      verdicts: [
        [helpfulness, 'unknown', 'effective'],
        [correctness, 'pass', 'effective'],
      ].sort((a, b) => (a[0] as number) - (b[0] as number)),
    });
    expect(triage.scorerErrors[0]!.assessment.name).toBe('safety');
    expect(triage.scorerErrors[0]!.error).toEqual({ code: 'RATE_LIMIT_EXCEEDED', message: 'judge rate limited', stackTrace: null });
    const byIndex = new Map(triage.verdicts.map((v) => [v.index, v]));
    expect(byIndex.get(helpfulness)).toMatchObject({
      assessment: { name: 'helpfulness', value: 4, spanId: helpfulnessSpan, metadata: { rubric: '1-5' } },
      rationale: null,
      source: { type: 'HUMAN', id: 'alice@example.com' },
    });
    expect(byIndex.get(correctness)).toMatchObject({
      assessment: { name: 'correctness', value: true },
      rationale: 'Matches the tool output.',
      source: { type: 'LLM_JUDGE', id: 'openai:/gpt-4o-mini' },
    });
    expect(triage.counts).toEqual({ scorerErrors: 1, pass: 1, fail: 0, unknown: 1, superseded: 0, disagreements: 0 });
  });

  it('v3.6 CLI --extract-fields output: placeholders are skipped, positions kept', async () => {
    const [trace] = await fixtureTraces('v3.6_cli_traces_search_extract_fields.json', 'read');
    expect(view(triageAssessments(trace!.assessments))).toEqual({
      ...none,
      turn: [0, 4],
      verdicts: [
        [0, 'unknown', 'effective'],
        [4, 'pass', 'effective'],
      ],
    });
  });

  it('v3.6 with session-level results added the way MLflow 3.7+ logs them on the first trace', () => {
    const record = fixtureJson('v3.6_trace_ok_assessments_session.json');
    const info = record.info as { assessments: Raw[]; trace_id: string };
    info.assessments.push(
      feedback('a-s1', 'user_frustration', 'resolved', { metadata: SESSION, rationale: 'Annoyed at first, thanked at the end.' }),
      // A failed session scorer from before PR #20988: no session key.
      feedback('a-s2', 'knowledge_retention', null, {
        source: { source_type: 'CODE', source_id: 'knowledge_retention' },
        feedback: { value: null, error: { error_code: 'SCORER_ERROR', error_message: 'timeout' } },
      }),
      feedback('a-s3', 'conversation_completeness', 'no', { metadata: SESSION }),
    );
    const triage = triageAssessments(traceOf(record).assessments);
    expect(view(triage)).toEqual({
      ...none,
      errors: [
        [2, 'turn', 'default'],
        [6, 'session', 'scorer-name'],
      ],
      session: [5, 7],
      turn: [0, 1, 3, 4],
      expectations: [1, 3],
      verdicts: [
        [0, 'unknown', 'effective'],
        [4, 'pass', 'effective'],
        [5, 'pass', 'effective'],
        [7, 'fail', 'effective'],
      ],
    });
  });
});

describe('triageSession', () => {
  it('gathers session-level entries from every turn, with the turn that holds them', () => {
    const first = build([
      feedback('a-1', 'user_frustration', 'unresolved', { metadata: SESSION, rationale: 'Gave up.' }),
      feedback('a-2', 'conversational_safety', null, { feedback: { value: null, error: RATE_LIMIT } }),
      feedback('a-3', 'correctness', 'yes'),
    ]);
    const second = build([feedback('a-4', 'safety', 'no'), feedback('a-5', 'knowledge_retention', 'yes', { metadata: SESSION })]);
    const third = build([]);
    const session = triageSession([
      { traceId: 'tr-1', assessments: first },
      { traceId: 'tr-2', assessments: second },
      { traceId: 'tr-3', assessments: third },
    ]);
    expect(session.turns.map((t) => [t.traceId, view(t.triage)])).toEqual([
      [
        'tr-1',
        {
          ...none,
          errors: [[1, 'session', 'scorer-name']],
          session: [0],
          turn: [2],
          verdicts: [
            [0, 'fail', 'effective'],
            [2, 'pass', 'effective'],
          ],
        },
      ],
      [
        'tr-2',
        {
          ...none,
          session: [1],
          turn: [0],
          verdicts: [
            [0, 'fail', 'effective'],
            [1, 'pass', 'effective'],
          ],
        },
      ],
      ['tr-3', none],
    ]);
    expect(session.sessionVerdicts.map((s) => [s.turn, s.traceId, s.entry.assessment.name, s.entry.polarity, s.entry.rationale])).toEqual([
      [0, 'tr-1', 'user_frustration', 'fail', 'Gave up.'],
      [1, 'tr-2', 'knowledge_retention', 'pass', null],
    ]);
    expect(session.sessionScorerErrors.map((s) => [s.turn, s.traceId, s.entry.assessment.name, s.entry.error.code])).toEqual([[0, 'tr-1', 'conversational_safety', 'RATE_LIMIT_EXCEEDED']]);
    expect(session.counts).toEqual({ scorerErrors: 1, pass: 2, fail: 2, unknown: 0, superseded: 0, disagreements: 0 });
  });

  it('an empty session', () => {
    expect(triageSession([])).toEqual({
      turns: [],
      sessionVerdicts: [],
      sessionScorerErrors: [],
      counts: { scorerErrors: 0, pass: 0, fail: 0, unknown: 0, superseded: 0, disagreements: 0 },
    });
  });
});

describe('triageAssessments: polarity basis and human overrides', () => {
  it('says what decided each polarity (table, name, generic, rationale, none, config)', () => {
    const triage = triageAssessments(
      build([
        feedback('a-1', 'correctness', 'no'),
        feedback('a-2', 'user_frustration', 'yes', { metadata: SESSION }),
        feedback('a-3', 'frustration_score', 0.9, { metadata: SESSION }),
        feedback('a-4', 'stale_context', true, { span_id: '5b558896d43fb57c' }),
        feedback('a-5', 'thumbs_up', true, { source: HUMAN }),
        feedback('a-6', 'answer_check', 'partial', { rationale: 'The answer is incorrect about the refund window.' }),
        feedback('a-7', 'helpfulness', 4.0, { source: HUMAN }),
        feedback('a-8', 'tone', 'rude'),
      ]),
      { overrides: { tone: { fail: ['rude'] } } },
    );
    expect(triage.verdicts.map((v) => [v.assessment.name, v.polarity, v.polarityBasis])).toEqual([
      ['correctness', 'fail', 'table'],
      ['user_frustration', 'fail', 'table'],
      ['frustration_score', 'fail', 'name'],
      ['stale_context', 'fail', 'name'],
      ['thumbs_up', 'pass', 'generic'],
      ['answer_check', 'fail', 'rationale'],
      ['helpfulness', 'unknown', 'none'],
      ['tone', 'fail', 'config'],
    ]);
    expect(triage.counts).toEqual({ scorerErrors: 0, pass: 1, fail: 6, unknown: 1, superseded: 0, disagreements: 0 });
  });

  it('a human override (MLflow override_feedback) of the other polarity is a disagreement via overrides', () => {
    const triage = triageAssessments(
      build([
        feedback('a-1', 'stale_context', false, { valid: false, span_id: '5b558896d43fb57c', rationale: 'The document is current.' }),
        feedback('a-2', 'stale_context', true, { source: HUMAN, overrides: 'a-1', span_id: '5b558896d43fb57c', rationale: 'A 2024 version exists.' }),
      ]),
    );
    expect(triage.disagreements).toEqual([{ name: 'stale_context', spanId: '5b558896d43fb57c', level: 'turn', human: 1, judge: 0, humanPolarity: 'fail', judgePolarity: 'pass', via: 'overrides' }]);
    const [judge, human] = triage.verdicts;
    expect([judge?.effective, judge?.ineffective, judge?.overriddenByHuman, judge?.supersededBy]).toEqual([
      false,
      'human-disagrees',
      { index: 1, assessmentId: 'a-2' },
      { index: 1, assessmentId: 'a-2' },
    ]);
    expect([human?.effective, human?.polarity]).toEqual([true, 'fail']);
    expect(triage.counts).toEqual({ scorerErrors: 0, pass: 0, fail: 1, unknown: 0, superseded: 1, disagreements: 1 });
  });
});
