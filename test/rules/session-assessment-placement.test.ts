import { describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../src/engine/analyze/analyze.js';
import type { RuleModule } from '../../src/rules/api.js';
import rule from '../../src/rules/session-assessment-placement.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { conversation, traceIdOf } from '../helpers/trace-builder.js';

const two = (first: Parameters<typeof conversation>[1][number]['assessments'], second: Parameters<typeof conversation>[1][number]['assessments']) =>
  conversation('s-place', [
    { key: 'p1', user: 'I want to return my jacket', answer: 'Sure, what is the order number?', ...(first ? { assessments: first } : {}) },
    { key: 'p2', user: 'Order AC-1. Can I still?', answer: 'Yes.', ...(second ? { assessments: second } : {}) },
  ]);

ruleTester(rule, {
  valid: [
    {
      name: 'a session-level verdict on the first trace, with its metadata',
      traces: two([{ name: 'conversation_completeness', value: 'no', session: 's-place' }], [{ name: 'correctness', value: true }]),
    },
    {
      name: 'a failed session scorer on the first trace, with its metadata',
      traces: two([{ name: 'user_frustration', error: { code: 'SCORER_ERROR', message: 'x' }, session: 's-place' }], undefined),
    },
    { name: 'per-turn assessments on later turns are where they belong', traces: two([{ name: 'correctness', value: true }], [{ name: 'correctness', value: false }]) },
    { name: "a session scorer's successful result without the key was logged per turn: nothing to say", traces: two(undefined, [{ name: 'conversation_completeness', value: 'yes' }]) },
  ],
  invalid: [
    {
      name: 'a session-level verdict on turn 2',
      traces: two([{ name: 'correctness', value: true }], [{ name: 'conversation_completeness', value: 'no', session: 's-place', rationale: 'refund not done' }]),
      errors: [
        {
          messageId: 'notOnFirstTrace',
          severity: 'warn',
          sessionId: 's-place',
          traceId: traceIdOf({ key: 'p2' }),
          spanId: null,
          turn: 2,
          path: '$.info.assessments[0]',
          message: `The session-level assessment "conversation_completeness" is on turn 2, not on the session's first trace ${traceIdOf({ key: 'p1' })} where MLflow logs session-level assessments; MLflow's session view will not show it, and an earlier turn may be missing from this dump.`,
          evidenceKinds: ['sessionAssessment', 'firstTrace'],
          suggestion: `Check that the export holds the whole session (an earlier turn may have been filtered out or paged off); if the assessment was logged by hand, log it on trace ${traceIdOf({ key: 'p1' })} with metadata {"mlflow.trace.session": "s-place"}.`,
        },
      ],
    },
    {
      name: 'a failed multi-turn scorer without the metadata, on the first trace',
      traces: two([{ name: 'conversation_completeness', error: { code: 'SCORER_ERROR', message: 'judge crashed' } }], undefined),
      errors: [
        {
          messageId: 'missingSessionMetadata',
          severity: 'info',
          sessionId: 's-place',
          traceId: traceIdOf({ key: 'p1' }),
          turn: 1,
          path: '$.info.assessments[0]',
          message:
            'The failed scorer "conversation_completeness" on turn 1 has no mlflow.trace.session assessment metadata; it is counted as session-level only because "conversation_completeness" is a multi-turn scorer\'s name.',
          evidenceKinds: ['scorerError'],
        },
      ],
    },
    {
      name: 'a failed multi-turn scorer without the metadata on turn 2: both findings',
      traces: two(undefined, [
        { name: 'correctness', value: true },
        { name: 'user_frustration', error: { code: 'SCORER_ERROR', message: 'x' } },
      ]),
      errors: [
        { messageId: 'notOnFirstTrace', turn: 2, path: '$.info.assessments[1]', message: /^The session-level scorer error "user_frustration" is on turn 2,/ },
        { messageId: 'missingSessionMetadata', turn: 2, path: '$.info.assessments[1]' },
      ],
    },
  ],
});

describe('session-assessment-placement on samples/', () => {
  it('finds nothing: sess-refund-7f3a keeps conversation_completeness on turn 1 with its metadata', async () => {
    const { findings } = await analyzeInputs(['samples'], { rules: [{ module: rule as RuleModule, options: {} }] });
    expect(findings).toEqual([]);
  });
});
