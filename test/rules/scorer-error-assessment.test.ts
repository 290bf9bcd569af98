import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/scorer-error-assessment.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { REFUND_TURNS } from '../helpers/samples.js';
import { chatTurn, conversation, makeTrace, traceIdOf } from '../helpers/trace-builder.js';

/** samples/search-sess-refund-7f3a.json as `mlflow traces search --output json` wrote it. */
const refund = (JSON.parse(readFileSync(new URL('../../samples/search-sess-refund-7f3a.json', import.meta.url), 'utf8')) as { traces: Array<Record<string, unknown>> }).traces;

const rateLimited = { code: 'RATE_LIMIT_EXCEEDED', message: '429 Too Many Requests' };

ruleTester(rule, {
  valid: [
    {
      name: 'verdicts only, failing ones included (a failing verdict is a quality signal)',
      traces: conversation('s-ok', [
        { user: 'where is my order?', answer: 'it ships today', assessments: [{ name: 'correctness', value: false, rationale: 'wrong date' }] },
        { user: 'thanks', answer: 'you are welcome', assessments: [{ name: 'correctness', value: true }] },
      ]),
    },
    {
      name: 'an expectation alone is ground truth, not a scorer error',
      traces: [chatTurn({ key: 'exp', user: 'hours?', answer: '9 to 5', assessments: [{ name: 'expected_response', expectation: '9 to 5' }] })],
    },
    { name: 'no assessments at all', traces: [chatTurn({ key: 'none', user: 'hi', answer: 'hello' })] },
  ],
  invalid: [
    {
      name: 'samples/ sess-refund-7f3a: turn 4 relevance_to_query rate limited',
      traces: refund,
      errors: [
        {
          messageId: 'scorerError',
          severity: 'warn',
          sessionId: 'sess-refund-7f3a',
          traceId: REFUND_TURNS[3],
          spanId: null,
          turn: 4,
          path: '$.info.assessments[1]',
          message:
            'The per-turn scorer "relevance_to_query" failed with RATE_LIMIT_EXCEEDED: Judge call to openai:/gpt-4o-mini failed: 429 Too Many Requests (rate limit reached for requests per minute). Retry after 20s. This is a judge failure, not a quality signal: the turn has no "relevance_to_query" verdict.',
          evidenceKinds: ['scorerError'],
          suggestion: 'Fix the cause (RATE_LIMIT_EXCEEDED) and re-run the scorer on this trace; until then read the turn itself, not its missing verdict.',
        },
        // One failure over the dump: no total, the per-turn finding says it all.
      ],
    },
    {
      name: 'samples/ sess-refund-7f3a with totals from one failure (totals_min_failures 1)',
      traces: refund,
      options: { totals_min_failures: 1 },
      errors: [
        { messageId: 'scorerError', turn: 4 },
        {
          messageId: 'scorerTotals',
          severity: 'info',
          sessionId: null,
          traceId: null,
          turn: null,
          path: null,
          message: 'Scorer "relevance_to_query" failed 1 of 5 runs (20%) in 1 session; most common error RATE_LIMIT_EXCEEDED (1 of 1).',
          evidenceKinds: ['scorerError'],
        },
      ],
    },
    {
      name: 'a session whose every assessment is a scorer error has no quality signal',
      traces: conversation('s-blind', [
        {
          key: 'b1',
          user: 'can I return it?',
          answer: 'yes',
          assessments: [
            { name: 'correctness', error: rateLimited },
            { name: 'safety', error: { code: 'TIMEOUT', message: 'judge timed out' } },
          ],
        },
        {
          key: 'b2',
          user: 'how?',
          answer: 'use the form',
          assessments: [
            { name: 'correctness', error: rateLimited },
            { name: 'expected_response', expectation: 'use the form' },
          ],
        },
      ]),
      errors: [
        {
          messageId: 'noQualitySignal',
          severity: 'warn',
          sessionId: 's-blind',
          traceId: null,
          turn: null,
          path: null,
          message: 'Session s-blind has no quality signal: all 3 assessments are scorer errors (correctness, safety), so nothing says whether its 2 turns went well.',
          evidenceKinds: ['scorerError', 'scorerError', 'scorerError'],
        },
        // Two findings on one turn go in fingerprint order.
        {
          messageId: 'scorerError',
          traceId: traceIdOf({ key: 'b1' }),
          turn: 1,
          path: '$.info.assessments[1]',
          message: 'The per-turn scorer "safety" failed with TIMEOUT: judge timed out. This is a judge failure, not a quality signal: the turn has no "safety" verdict.',
        },
        { messageId: 'scorerError', traceId: traceIdOf({ key: 'b1' }), turn: 1, path: '$.info.assessments[0]' },
        { messageId: 'scorerError', traceId: traceIdOf({ key: 'b2' }), turn: 2, path: '$.info.assessments[0]' },
        // Two failures of correctness make a total; safety's one failure does not.
        { messageId: 'scorerTotals', message: 'Scorer "correctness" failed 2 of 2 runs (100%) in 1 session; most common error RATE_LIMIT_EXCEEDED (2 of 2).' },
      ],
    },
    {
      name: 'a scorer error a later valid assessment replaced is info (one failure: no total)',
      traces: [
        chatTurn({
          key: 'retried',
          session: 's-retry',
          user: 'is it covered?',
          answer: 'yes, 2-year warranty',
          assessments: [
            { name: 'correctness', id: 'a-first', error: rateLimited },
            { name: 'correctness', value: true, overrides: 'a-first' },
          ],
        }),
      ],
      errors: [
        {
          messageId: 'supersededScorerError',
          severity: 'info',
          sessionId: 's-retry',
          turn: 1,
          path: '$.info.assessments[0]',
          message: 'The per-turn scorer "correctness" failed with RATE_LIMIT_EXCEEDED: 429 Too Many Requests. A later assessment replaced this result, so nothing is missing; not a quality signal.',
          suggestion: null,
        },
      ],
    },
    {
      name: 'a failed session scorer without the session metadata is session-level by its name; a human verdict is not a run',
      traces: conversation('s-multi', [
        {
          key: 'm1',
          user: 'I want a refund',
          answer: 'sure',
          assessments: [
            { name: 'conversation_completeness', error: { code: 'SCORER_ERROR', message: 'boom' } },
            { name: 'conversation_completeness', value: 'no', source: 'HUMAN' },
          ],
        },
      ]),
      errors: [
        {
          messageId: 'scorerError',
          turn: 1,
          message:
            'The session-level scorer "conversation_completeness" failed with SCORER_ERROR: boom. This is a judge failure, not a quality signal: the session has no "conversation_completeness" verdict.',
        },
      ],
    },
    {
      name: 'a trace without a session: reported, counted apart in the totals',
      traces: [makeTrace({ key: 'loose', spans: [{ name: 'handle', inputs: 'q', outputs: 'a' }], assessments: [{ name: 'safety', error: { code: '', message: '' } }] })],
      errors: [
        {
          messageId: 'scorerError',
          sessionId: null,
          traceId: traceIdOf({ key: 'loose' }),
          turn: null,
          path: '$.info.assessments[0]',
          message: 'The per-turn scorer "safety" failed with no error code: no message. This is a judge failure, not a quality signal: the turn has no "safety" verdict.',
        },
      ],
    },
    {
      name: 'two failures of one scorer in two traces without a session make a total',
      traces: ['loose-1', 'loose-2'].map((key) =>
        makeTrace({ key, spans: [{ name: 'handle', inputs: 'q', outputs: 'a' }], assessments: [{ name: 'safety', error: { code: 'TIMEOUT', message: 'judge timed out' } }] }),
      ),
      errors: [
        { messageId: 'scorerError', traceId: traceIdOf({ key: 'loose-1' }) },
        { messageId: 'scorerError', traceId: traceIdOf({ key: 'loose-2' }) },
        {
          messageId: 'scorerTotals',
          message: 'Scorer "safety" failed 2 of 2 runs (100%) in 2 traces without a session; most common error TIMEOUT (2 of 2).',
          evidenceKinds: ['scorerError', 'scorerError'],
        },
      ],
    },
    {
      name: 'two failures of one scorer in one trace (span-level, one per chunk) make a total',
      traces: [
        chatTurn({
          key: 'chunks',
          session: 's-chunks',
          user: 'which plan fits me?',
          answer: 'the basic plan',
          assessments: [
            { name: 'retrieval_relevance', spanId: '4444444444444444', error: rateLimited },
            { name: 'retrieval_relevance', spanId: '5555555555555555', error: rateLimited },
            { name: 'retrieval_relevance', spanId: '6666666666666666', value: 'yes' },
          ],
        }),
      ],
      errors: [
        { messageId: 'scorerError', path: '$.info.assessments[0]' },
        { messageId: 'scorerError', path: '$.info.assessments[1]' },
        { messageId: 'scorerTotals', message: 'Scorer "retrieval_relevance" failed 2 of 3 runs (67%) in 1 session; most common error RATE_LIMIT_EXCEEDED (2 of 2).' },
      ],
    },
  ],
});

describe('scorer-error-assessment totals', () => {
  it('counts over the whole dump: failures per scorer across sessions, most common code, sessions affected', () => {
    const traces = [
      ...conversation('s-a', [
        { key: 'a1', user: 'first question here', answer: 'one', assessments: [{ name: 'relevance', error: rateLimited }] },
        { key: 'a2', user: 'second question here', answer: 'two', assessments: [{ name: 'relevance', value: 'yes' }] },
      ]),
      ...conversation('s-b', [
        { key: 'b1', user: 'third question here', answer: 'three', assessments: [{ name: 'relevance', error: { code: 'TIMEOUT', message: 't' } }] },
        { key: 'b2', user: 'fourth question here', answer: 'four', assessments: [{ name: 'relevance', error: rateLimited }] },
      ]),
    ];
    const totals = runRule(rule, traces).findings.filter((f) => f.messageId === 'scorerTotals');
    expect(totals.map((f) => f.message)).toEqual(['Scorer "relevance" failed 3 of 4 runs (75%) in 2 sessions; most common error RATE_LIMIT_EXCEEDED (2 of 3).']);
    expect(totals[0]!.evidence.map((e) => e.traceId)).toEqual([traceIdOf({ key: 'a1' }), traceIdOf({ key: 'b1' }), traceIdOf({ key: 'b2' })]);
  });

  it('a session with one usable verdict beside its scorer errors has a quality signal', () => {
    const traces = conversation('s-some', [
      { key: 'x1', user: 'first question here', answer: 'one', assessments: [{ name: 'relevance', error: rateLimited }] },
      { key: 'x2', user: 'second question here', answer: 'two', assessments: [{ name: 'correctness', value: false }] },
    ]);
    expect(runRule(rule, traces).findings.map((f) => f.messageId)).toEqual(['scorerError']);
  });
});
