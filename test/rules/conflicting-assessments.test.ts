import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/conflicting-assessments.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { chatTurn, traceIdOf } from '../helpers/trace-builder.js';

const turn = (key: string, assessments: Parameters<typeof chatTurn>[0]['assessments']) =>
  chatTurn({ key, session: 's-judges', user: 'can I return my jacket after 45 days?', answer: 'Yes, within 60 days.', ...(assessments ? { assessments } : {}) });

ruleTester(rule, {
  valid: [
    {
      name: 'a human who agrees with the judge',
      traces: [
        turn('agree', [
          { name: 'correctness', value: false, rationale: 'policy says 30 days' },
          { name: 'correctness', value: false, source: 'HUMAN' },
        ]),
      ],
    },
    {
      name: 'a human value of unknown polarity (a number) neither overrules nor lets judges be compared',
      traces: [
        turn('numeric', [
          { name: 'helpfulness', value: false },
          { name: 'helpfulness', value: true, sourceId: 'anthropic:/claude' },
          { name: 'helpfulness', value: 2.0, source: 'HUMAN' },
        ]),
      ],
    },
    {
      name: 'same name on different spans judges different things',
      traces: [
        turn('spans', [
          { name: 'relevance', value: 'no', spanId: '1111111111111111' },
          { name: 'relevance', value: 'yes', spanId: '2222222222222222' },
        ]),
      ],
    },
    {
      name: 'a superseded judge verdict no longer disagrees',
      traces: [
        turn('superseded', [
          { name: 'correctness', value: true, valid: false },
          { name: 'correctness', value: false },
        ]),
      ],
    },
    {
      name: 'a human override (MLflow overrides) of the same polarity confirms the judge: no calibration signal',
      traces: [
        turn('confirmed', [
          { id: 'a-judge-1', name: 'correctness', value: false, valid: false },
          { name: 'correctness', value: 'no', source: 'HUMAN', overrides: 'a-judge-1' },
        ]),
      ],
    },
    {
      name: 'a judge replaced through overrides by another judge is superseded, not overruled',
      traces: [
        turn('rejudged', [
          { id: 'a-judge-2', name: 'correctness', value: false, valid: false },
          { name: 'correctness', value: true, overrides: 'a-judge-2' },
        ]),
      ],
    },
    {
      name: 'different names never conflict',
      traces: [
        turn('names', [
          { name: 'correctness', value: false },
          { name: 'relevance_to_query', value: 'yes' },
        ]),
      ],
    },
  ],
  invalid: [
    {
      name: 'a human overrules an LLM judge',
      traces: [
        turn('overruled', [
          { name: 'correctness', value: true, rationale: 'The answer matches the refund policy.' },
          { name: 'correctness', value: false, source: 'HUMAN', rationale: 'Policy is 30 days since 2024; the bot quoted the 2023 version.' },
        ]),
      ],
      errors: [
        {
          messageId: 'humanOverridesJudge',
          severity: 'warn',
          sessionId: 's-judges',
          traceId: traceIdOf({ key: 'overruled' }),
          spanId: null,
          turn: 1,
          path: '$.info.assessments[0]',
          message:
            'The per-turn verdict "correctness" = true by LLM judge openai:/gpt-4o-mini ($.info.assessments[0]) is overruled by human qa@example.com, who says false ($.info.assessments[1]). Rationales: judge "The answer matches the refund policy."; human "Policy is 30 days since 2024; the bot quoted the 2023 version.". The human\'s verdict counts.',
          evidenceKinds: ['judgeVerdict', 'humanVerdict'],
          suggestion: /^Calibrate the "correctness" judge/,
        },
      ],
    },
    {
      name: 'a human override (MLflow overrides) of the other polarity: stale_context on a retriever span',
      traces: [
        turn('override', [
          { id: 'a-stale-judge', name: 'stale_context', value: false, spanId: '3333333333333333', valid: false, rationale: 'The retrieved policy is current.' },
          { name: 'stale_context', value: true, spanId: '3333333333333333', source: 'HUMAN', overrides: 'a-stale-judge', rationale: 'refund-policy-2024 replaced this 2023 document.' },
        ]),
      ],
      errors: [
        {
          messageId: 'humanOverridesJudge',
          traceId: traceIdOf({ key: 'override' }),
          spanId: '3333333333333333',
          turn: 1,
          path: '$.info.assessments[0]',
          message:
            'The per-turn verdict "stale_context" = false by LLM judge openai:/gpt-4o-mini ($.info.assessments[0]) is overruled by human qa@example.com, who says true ($.info.assessments[1]). Rationales: judge "The retrieved policy is current."; human "refund-policy-2024 replaced this 2023 document.". The human\'s verdict counts.',
          evidenceKinds: ['judgeVerdict', 'humanVerdict'],
          suggestion: /^Calibrate the "stale_context" judge/,
        },
      ],
    },
    {
      name: 'a human disagrees with a frustration judge (a detector: "yes" is the fail)',
      traces: [
        turn('frustration', [
          { name: 'frustration_score', value: 0.9, session: 's-judges', rationale: 'The user repeats the question angrily.' },
          { name: 'frustration_score', value: 'no', session: 's-judges', source: 'HUMAN', rationale: 'Terse, not angry.' },
        ]),
      ],
      errors: [{ messageId: 'humanOverridesJudge', turn: 1, path: '$.info.assessments[0]', message: /^The session-level verdict "frustration_score" = 0\.9 by LLM judge .* who says "no"/ }],
    },
    {
      name: 'two judges contradict each other and no human settles it',
      traces: [
        turn('split', [
          { name: 'relevance_to_query', value: 'no', rationale: 'Talks about shipping.' },
          { name: 'relevance_to_query', value: 'yes', sourceId: 'anthropic:/claude-sonnet' },
        ]),
      ],
      errors: [
        {
          messageId: 'judgesDisagree',
          severity: 'info',
          traceId: traceIdOf({ key: 'split' }),
          turn: 1,
          path: '$.info.assessments[0]',
          message:
            'Judges disagree on the per-turn verdict "relevance_to_query": LLM judge openai:/gpt-4o-mini says "no" ("Talks about shipping.") but LLM judge anthropic:/claude-sonnet says "yes" (no rationale); no human verdict settles it.',
          evidenceKinds: ['failVerdict', 'passVerdict'],
        },
      ],
    },
    {
      name: 'a session-level judge overruled by a human, on a span-less session assessment',
      traces: [
        turn('session-level', [
          { name: 'conversation_completeness', value: 'yes', session: 's-judges', rationale: 'All questions answered.' },
          { name: 'conversation_completeness', value: 'no', session: 's-judges', source: 'HUMAN' },
        ]),
      ],
      errors: [
        {
          messageId: 'humanOverridesJudge',
          turn: 1,
          message:
            'The session-level verdict "conversation_completeness" = "yes" by LLM judge openai:/gpt-4o-mini ($.info.assessments[0]) is overruled by human qa@example.com, who says "no" ($.info.assessments[1]). Rationales: judge "All questions answered."; human no rationale. The human\'s verdict counts.',
        },
      ],
    },
  ],
});

describe('conflicting-assessments on samples/', () => {
  it('reports nothing on sess-refund-7f3a (its human helpfulness has no judge twin)', () => {
    const refund = (JSON.parse(readFileSync(new URL('../../samples/search-sess-refund-7f3a.json', import.meta.url), 'utf8')) as { traces: Array<Record<string, unknown>> }).traces;
    expect(runRule(rule, refund).findings).toEqual([]);
  });
});
