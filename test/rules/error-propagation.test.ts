import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../src/engine/analyze/analyze.js';
import type { Finding } from '../../src/engine/analyze/findings.js';
import type { RuleModule } from '../../src/rules/api.js';
import rule from '../../src/rules/error-propagation.js';
import { correctionMatcher, DEFAULT_CORRECTION_PHRASES } from '../../src/rules/util/propagation.js';
import { REPO_ROOT } from '../helpers/make-inputs.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { REFUND_TURNS } from '../helpers/samples.js';
import { chatTurn, conversation, spanIdOf, traceIdOf, type AssessmentSpec } from '../helpers/trace-builder.js';

const SAMPLES = join(REPO_ROOT, 'samples');
const module = rule as unknown as RuleModule;

const pass: AssessmentSpec[] = [{ name: 'correctness', value: true }];
const wrong = (rationale: string): AssessmentSpec[] => [{ name: 'correctness', value: false, rationale }];
const tid = (session: string, turn: number): string => traceIdOf({ key: `${session}/turn-${turn}` });
const sid = (session: string, turn: number, span: string): string => spanIdOf(`${session}/turn-${turn}`, { name: span });
const timeout = (req: string, secs: number) => ({ name: 'lookup_order', type: 'TimeoutError', message: `order service timed out after ${secs}s (request ${req})` });

/** The records of samples/search-sess-refund-7f3a.json, as `mlflow traces search --output json` wrote them. */
const refundRecords = (JSON.parse(readFileSync(join(SAMPLES, 'search-sess-refund-7f3a.json'), 'utf8')) as { traces: Array<Record<string, unknown>> }).traces;

ruleTester(module, {
  valid: [
    {
      name: 'every turn passes (each sends the earlier answers back as history)',
      traces: conversation('s-ok', [
        { user: 'Where is my order AC-1 right now?', answer: 'Your order AC-1 shipped yesterday and arrives Friday.', assessments: pass },
        { user: 'Can I change the delivery address?', answer: 'Yes, you can change it in your account until it ships.', assessments: pass },
      ]),
    },
    {
      name: 'only scorer errors: the judge failed, not the turn',
      traces: conversation('s-scorer', [
        {
          user: 'Where is my order AC-1 right now?',
          answer: 'Your order AC-1 shipped yesterday and arrives Friday.',
          assessments: [{ name: 'correctness', error: { code: 'RATE_LIMIT_EXCEEDED', message: '429 Too Many Requests' } }],
        },
        {
          user: 'Can I change the delivery address?',
          answer: 'Yes, you can change it in your account until it ships.',
          assessments: [{ name: 'conversation_completeness', session: 's-scorer', error: { code: 'TIMEOUT', message: 'judge timed out' } }],
        },
      ]),
    },
    {
      name: 'a failing judge that was superseded (valid: false)',
      traces: conversation('s-superseded', [
        { user: 'How long is the warranty on the bag?', answer: 'The bag has a two-year warranty from the purchase date.', assessments: [{ name: 'correctness', value: false, valid: false }] },
        { user: 'Does it cover the zipper as well?', answer: 'Yes, zippers are covered by the warranty as a defect.', assessments: pass },
      ]),
    },
    {
      name: 'a failing judge overruled by a human who says it passes',
      traces: conversation('s-human', [
        {
          user: 'How long is the warranty on the bag?',
          answer: 'The bag has a two-year warranty from the purchase date.',
          assessments: [
            { name: 'correctness', value: false, rationale: 'Says two years.' },
            { name: 'correctness', value: true, source: 'HUMAN' },
          ],
        },
        { user: 'Does it cover the zipper as well?', answer: 'Yes, zippers are covered by the warranty as a defect.', assessments: pass },
      ]),
    },
    {
      name: 'an assessment with no polarity (a 1.0 helpfulness score) is not a failure',
      traces: conversation('s-unknown', [
        { user: 'How long is the warranty on the bag?', answer: 'The bag has a two-year warranty from the purchase date.', assessments: [{ name: 'helpfulness', value: 1.0, source: 'HUMAN' }] },
      ]),
    },
  ],
  invalid: [
    {
      name: 'an isolated failure followed by good turns is not propagation',
      traces: conversation('s-iso', [
        { user: 'Where is my order AC-1 right now?', answer: 'Your order AC-1 shipped yesterday and arrives Friday.', assessments: pass },
        { user: 'How long is the warranty on the bag?', answer: 'The bag has a one-year warranty from the purchase date.', assessments: wrong('The warranty is two years, not one.') },
        { user: 'Can I change the delivery address?', answer: 'Yes, you can change it in your account until it ships.', assessments: pass },
        { user: 'Thanks, that is all for today then.', answer: 'You are welcome, have a great day and safe travels!', assessments: pass },
      ]),
      errors: [
        {
          messageId: 'isolatedFailure',
          sessionId: 's-iso',
          traceId: tid('s-iso', 2),
          spanId: null,
          turn: 2,
          path: '$.info.assessments[0]',
          severity: 'warn',
          relatedTurns: [],
          message: 'Turn 2 failed, but nothing later built on it: the 2 later turns passed. Its failure: correctness = false: The warranty is two years, not one.',
          evidenceKinds: ['failure'],
          suggestion: null,
        },
      ],
    },
    {
      name: 'a failure on the last turn (a failed tool span)',
      traces: conversation('s-last', [
        { user: 'Where is my order AC-1 right now?', answer: 'Your order AC-1 shipped yesterday and arrives Friday.' },
        { user: 'And where is order AC-2, please?', answer: 'Sorry, I could not look that order up just now.', toolError: timeout('8f3a2b1c9d0e', 30) },
      ]),
      errors: [
        {
          messageId: 'isolatedFailure',
          traceId: tid('s-last', 2),
          spanId: sid('s-last', 2, 'lookup_order'),
          turn: 2,
          path: '$.data.spans[1]',
          message: 'Turn 2 failed, but nothing later built on it: it is the last turn. Its failure: span lookup_order failed: TimeoutError: order service timed out after 30s (request 8f3a2b1c9d0e).',
          evidenceKinds: ['failure', 'answerCouldNot'],
        },
      ],
    },
    {
      name: 'a trace in state ERROR without a failed span points at the state',
      traces: [chatTurn({ key: 's-state/turn-1', session: 's-state', user: 'Where is my order AC-1 right now?', answer: 'Your order AC-1 shipped yesterday and arrives Friday.', state: 'ERROR' })],
      errors: [
        {
          messageId: 'isolatedFailure',
          traceId: tid('s-state', 1),
          spanId: null,
          turn: 1,
          path: '$.info.state',
          message: 'Turn 1 failed, but nothing later built on it: it is the last turn. Its failure: trace state ERROR.',
        },
      ],
    },
    {
      name: 'a chain 2 → 3 → 4 linked by history: root 2 explains 3 and 4',
      traces: conversation('s-chain', [
        { user: 'Hi, I want to return my carry-on bag.', answer: 'Sure, I can help you with returning the carry-on bag.', assessments: pass },
        { user: 'What is your refund window for returns?', answer: 'You can return items within 60 days of delivery for a refund.', assessments: wrong('The refund window is 30 days.') },
        { user: 'So day 45 is still fine for me?', answer: 'Yes, day 45 is within the 60-day window, so you are fine.', assessments: wrong('Day 45 is outside the 30-day window.') },
        { user: 'Great, please start the refund then.', answer: 'Done, I have started the refund within the 60-day window.', assessments: wrong('The refund was started outside the window.') },
      ]),
      errors: [
        {
          messageId: 'rootCause',
          sessionId: 's-chain',
          traceId: tid('s-chain', 2),
          spanId: null,
          turn: 2,
          path: '$.info.assessments[0]',
          severity: 'error',
          relatedTurns: [3, 4],
          message:
            'Turn 2 is where the conversation went wrong: correctness = false: The refund window is 30 days. Turns 3 and 4 build on it: its answer in their model input, the user did not correct it.',
          evidenceKinds: ['failure', 'answerInHistory', 'userDidNotCorrect', 'answerInHistory', 'answerInHistory', 'userDidNotCorrect', 'userDidNotCorrect'],
          suggestion: "Start at turn 2: fix turn 2's answer at its source; later turns trusted it.",
        },
        {
          messageId: 'inheritedFailure',
          traceId: tid('s-chain', 3),
          spanId: null,
          turn: 3,
          path: '$.info.assessments[0]',
          severity: 'warn',
          relatedTurns: [2],
          message:
            'Turn 3 builds on the failure that started at turn 2: turn 2\'s answer is in its model input ("chat"), the user did not push back. Its own failure: correctness = false: Day 45 is outside the 30-day window.',
          evidenceKinds: ['failure', 'answerInHistory', 'userDidNotCorrect'],
          suggestion: 'Fix turn 2 first: this turn fails because it built on it.',
        },
        {
          messageId: 'inheritedFailure',
          traceId: tid('s-chain', 4),
          turn: 4,
          relatedTurns: [2, 3],
          message:
            'Turn 4 builds on the failure that started at turn 2: the answers of turns 2 and 3 are in its model input ("chat"), the user did not push back. Its own failure: correctness = false: The refund was started outside the window.',
          evidenceKinds: ['failure', 'answerInHistory', 'answerInHistory', 'userDidNotCorrect', 'userDidNotCorrect'],
        },
      ],
    },
    {
      name: 'two independent roots (different errors, no shared history or documents)',
      traces: conversation('s-two', [
        { user: 'Where is my order AC-1 right now?', answer: 'Sorry, I could not look that order up just now.', history: [], toolError: timeout('8f3a2b1c9d0e', 30) },
        {
          user: 'Can you book me a seat on flight AX412?',
          answer: 'Sorry, the seat map is not available at the moment.',
          history: [],
          toolError: { name: 'seat_map', type: 'KeyError', message: "'seat_map'" },
        },
        { user: 'Fine. What are your opening hours?', answer: 'Our support team is available from 8:00 to 20:00 CET.', history: [] },
      ]),
      errors: [
        {
          messageId: 'isolatedFailure',
          traceId: tid('s-two', 1),
          turn: 1,
          message:
            'Turn 1 failed, but nothing later built on it: later failures have other causes (turn 2: its own root); turn 3 passed. Its failure: span lookup_order failed: TimeoutError: order service timed out after 30s (request 8f3a2b1c9d0e).',
        },
        {
          messageId: 'isolatedFailure',
          traceId: tid('s-two', 2),
          spanId: sid('s-two', 2, 'seat_map'),
          turn: 2,
          message: "Turn 2 failed, but nothing later built on it: the later turn passed. Its failure: span seat_map failed: KeyError: 'seat_map'.",
        },
      ],
    },
    {
      name: 'the same error in turns 1 and 3 with a passing turn 2 between: root 1 explains 3',
      traces: conversation('s-sig', [
        { user: 'Where is my order AC-1 right now?', answer: 'Sorry, I could not look that order up just now.', history: [], toolError: timeout('8f3a2b1c9d0e', 30) },
        { user: 'What are your opening hours, then?', answer: 'Our support team is available from 8:00 to 20:00 CET.', history: [] },
        { user: 'Please try order AC-1 once more.', answer: 'Sorry, the order service is still not answering.', history: [], toolError: timeout('1b2c3d4e5f6a', 31) },
      ]),
      errors: [
        {
          messageId: 'rootCause',
          traceId: tid('s-sig', 1),
          spanId: sid('s-sig', 1, 'lookup_order'),
          turn: 1,
          path: '$.data.spans[1]',
          relatedTurns: [3],
          message:
            'Turn 1 is where the conversation went wrong: span lookup_order failed: TimeoutError: order service timed out after 30s (request 8f3a2b1c9d0e). Turn 3 builds on it: same error TimeoutError: order service timed out after <n>s (request <id>).',
          evidenceKinds: ['failure', 'answerCouldNot', 'sameErrorSignature', 'sameErrorSignature'],
          suggestion: 'Start at turn 1: fix the error turn 1 hit first; later turns hit it again.',
        },
        {
          messageId: 'inheritedFailure',
          traceId: tid('s-sig', 3),
          spanId: sid('s-sig', 3, 'lookup_order'),
          turn: 3,
          path: '$.data.spans[1]',
          relatedTurns: [1],
          message:
            'Turn 3 builds on the failure that started at turn 1: it fails with the same error as turn 1 (TimeoutError: order service timed out after <n>s (request <id>)). Its own failure: span lookup_order failed: TimeoutError: order service timed out after 31s (request 1b2c3d4e5f6a).',
          // The span of each turn: turn 1's (evidence sorts by turn) and turn 3's.
          evidenceKinds: ['failure', 'sameErrorSignature', 'sameErrorSignature'],
        },
      ],
    },
    {
      name: 'the user pushes back at turn 3: history alone does not link',
      traces: conversation('s-pushback', [
        { user: 'Hi, I want to return my carry-on bag.', answer: 'Sure, I can help you with returning the carry-on bag.', assessments: pass },
        { user: 'What is your refund window for returns?', answer: 'You can return items within 60 days of delivery for a refund.', assessments: wrong('The refund window is 30 days.') },
        { user: "No, that's wrong: your website says 30 days.", answer: 'You are right to ask; the window is 60 days from delivery.', assessments: wrong('Still says 60 days.') },
      ]),
      errors: [
        {
          messageId: 'isolatedFailure',
          traceId: tid('s-pushback', 2),
          turn: 2,
          message:
            'Turn 2 failed, but nothing later built on it: later failures have other causes (turn 3: its own root); turn 3 carried its answer, but the user had pushed back at turn 3. Its failure: correctness = false: The refund window is 30 days.',
          evidenceKinds: ['failure', 'userPushedBack', 'answerInHistory', 'userCorrected'],
        },
        { messageId: 'isolatedFailure', traceId: tid('s-pushback', 3), turn: 3, message: /^Turn 3 failed, but nothing later built on it: it is the last turn\. / },
      ],
    },
    {
      name: 'the same document retrieved again links two failing turns',
      traces: conversation('s-docs', [
        {
          user: 'What is your refund window for returns?',
          answer: 'You can return items within 60 days of delivery for a refund.',
          history: [],
          docs: [{ id: 'refund-policy-2023', uri: 'kb://policies/refund-policy-2023.md' }],
          assessments: wrong('The refund window is 30 days.'),
        },
        {
          user: 'Does the refund window apply to sale items?',
          answer: 'Sale items can also be returned within the 60-day window.',
          history: [],
          docs: [{ id: 'refund-policy-2023', uri: 'kb://policies/refund-policy-2023.md' }],
          assessments: wrong('30 days, sale items too.'),
        },
      ]),
      errors: [
        {
          messageId: 'rootCause',
          traceId: tid('s-docs', 1),
          turn: 1,
          relatedTurns: [2],
          message:
            'Turn 1 is where the conversation went wrong: correctness = false: The refund window is 30 days. Turn 2 builds on it: same document refund-policy-2023.md, the user did not correct it.',
          evidenceKinds: ['failure', 'sameDocuments', 'userDidNotCorrect'],
          suggestion: 'Start at turn 1: check the retrieved document refund-policy-2023.md (an outdated or wrong source?) and what the retriever ranks first.',
        },
        {
          messageId: 'inheritedFailure',
          traceId: tid('s-docs', 2),
          turn: 2,
          relatedTurns: [1],
          message:
            'Turn 2 builds on the failure that started at turn 1: it retrieves refund-policy-2023.md again (as turn 1 did), the user did not push back. Its own failure: correctness = false: 30 days, sale items too.',
        },
      ],
    },
    {
      name: 'a push-back does not undo a shared document: the link stands, with the correction as evidence',
      traces: conversation('s-docs-pushback', [
        {
          user: 'What is your refund window for returns?',
          answer: 'You can return items within 60 days of delivery for a refund.',
          docs: [{ id: 'refund-policy-2023' }],
          assessments: wrong('The refund window is 30 days.'),
        },
        {
          user: 'That is not right, your site says 30 days. Check again?',
          answer: 'I checked again: the refund window is 60 days from delivery.',
          docs: [{ id: 'refund-policy-2023' }],
          assessments: wrong('Repeats 60 days.'),
        },
      ]),
      errors: [
        {
          messageId: 'rootCause',
          turn: 1,
          relatedTurns: [2],
          message:
            "Turn 1 is where the conversation went wrong: correctness = false: The refund window is 30 days. Turn 2 builds on it: its answer in turn 2's model input, same document refund-policy-2023, though the user pushed back at turn 2.",
          evidenceKinds: ['failure', 'userPushedBack', 'answerInHistory', 'sameDocuments', 'userCorrected'],
        },
        {
          messageId: 'inheritedFailure',
          turn: 2,
          message:
            /^Turn 2 builds on the failure that started at turn 1: turn 1's answer is in its model input \("chat"\), it retrieves refund-policy-2023 again \(as turn 1 did\), though the user pushed back at turn 2\. /,
        },
      ],
    },
    {
      name: 'a failing session-level verdict names the root cause',
      traces: conversation('s-sess', [
        {
          user: 'Hi, I want to return my carry-on bag.',
          answer: 'Sure, I can help you with returning the carry-on bag.',
          assessments: [...pass, { name: 'conversation_completeness', value: 'no', session: 's-sess', rationale: 'The return was never completed.' }],
        },
        { user: 'What is your refund window for returns?', answer: 'You can return items within 60 days of delivery for a refund.', assessments: wrong('The refund window is 30 days.') },
        { user: 'So day 45 is still fine for me?', answer: 'Yes, day 45 is within the 60-day window, so you are fine.', assessments: wrong('Day 45 is outside the window.') },
      ]),
      errors: [
        {
          messageId: 'sessionAssessmentFailed',
          sessionId: 's-sess',
          traceId: tid('s-sess', 1),
          spanId: null,
          turn: 1,
          path: '$.info.assessments[1]',
          severity: 'warn',
          relatedTurns: [2],
          message: 'Session-level assessment conversation_completeness = "no" (logged on turn 1) fails the session; its root cause is turn 2.',
          evidenceKinds: ['sessionAssessment', 'rootCause'],
          suggestion: 'Start at turn 2; the session-level judgement follows from it.',
        },
        { messageId: 'rootCause', turn: 2, relatedTurns: [3] },
        { messageId: 'inheritedFailure', turn: 3, relatedTurns: [2] },
      ],
    },
    {
      name: 'a failing session-level verdict with no failing turn',
      traces: conversation('s-sess-only', [
        {
          user: 'Hi, I want to return my carry-on bag.',
          answer: 'Sure, I can help you with returning the carry-on bag.',
          assessments: [{ name: 'conversation_completeness', value: 'no', session: 's-sess-only', rationale: 'The user had to repeat the request.' }],
        },
        { user: 'I said I want to return it. How?', answer: 'You can start a return from the orders page of your account.' },
      ]),
      errors: [
        {
          messageId: 'sessionAssessmentFailed',
          traceId: tid('s-sess-only', 1),
          turn: 1,
          path: '$.info.assessments[0]',
          relatedTurns: [1],
          message: 'Session-level assessment conversation_completeness = "no" (logged on turn 1) fails the session; its root cause is turn 1 (suspected from clues, no judge failed it).',
          evidenceKinds: ['sessionAssessment', 'rootCause'],
          suggestion: 'Start at turn 1; the session-level judgement follows from it.',
        },
        {
          messageId: 'suspectTurn',
          traceId: tid('s-sess-only', 1),
          turn: 1,
          severity: 'info',
          message:
            'Turn 1 is suspect (no assessment; suspected from: the user pushed back at turn 2 ("I said"): "I said I want to return it. How?" [medium]); nothing later built on it: the later turn passed.',
          evidenceKinds: ['userPushedBack'],
        },
      ],
    },
    {
      name: 'samples/search-sess-refund-7f3a.json: turn 3 is the root cause of turns 4 and 5',
      traces: refundRecords,
      errors: [
        {
          messageId: 'sessionAssessmentFailed',
          sessionId: 'sess-refund-7f3a',
          traceId: REFUND_TURNS[0],
          spanId: null,
          turn: 1,
          path: '$.info.assessments[2]',
          relatedTurns: [3],
          message: 'Session-level assessment conversation_completeness = "no" (logged on turn 1) fails the session; its root cause is turn 3.',
          evidenceKinds: ['sessionAssessment', 'rootCause'],
        },
        {
          messageId: 'rootCause',
          sessionId: 'sess-refund-7f3a',
          traceId: REFUND_TURNS[2],
          spanId: null,
          turn: 3,
          path: '$.info.assessments[0]',
          severity: 'error',
          relatedTurns: [4, 5],
          message:
            'Turn 3 is where the conversation went wrong: correctness = false: States a 60-day refund window; the current policy (refund-policy-2024) allows 30 days. Turns 4 and 5 build on it: its answer in their model input, same document refund-policy-2023.md, the user did not correct it.',
          evidenceKinds: [
            'failure',
            'answerInHistory',
            'sameDocuments',
            'userDidNotCorrect',
            'answerInHistory',
            'answerInHistory',
            'sameDocuments',
            'sameDocuments',
            'userDidNotCorrect',
            'userDidNotCorrect',
          ],
          suggestion:
            "Start at turn 3: check the retrieved document refund-policy-2023.md (an outdated or wrong source?) and what the retriever ranks first; fix turn 3's answer at its source; later turns trusted it.",
        },
        {
          messageId: 'inheritedFailure',
          traceId: REFUND_TURNS[3],
          turn: 4,
          path: '$.info.assessments[0]',
          relatedTurns: [3],
          message:
            /^Turn 4 builds on the failure that started at turn 3: turn 3's answer is in its model input \("Completions"\), it retrieves refund-policy-2023\.md again \(as turn 3 did\), the user did not push back\. Its own failure: correctness = false: Confirms a return on day 45/,
          evidenceKinds: ['failure', 'answerInHistory', 'sameDocuments', 'userDidNotCorrect'],
        },
        {
          messageId: 'inheritedFailure',
          traceId: REFUND_TURNS[4],
          turn: 5,
          path: '$.info.assessments[0]',
          relatedTurns: [3, 4],
          message:
            /^Turn 5 builds on the failure that started at turn 3: the answers of turns 3 and 4 are in its model input \("Completions"\), it retrieves refund-policy-2023\.md again \(as turns 3 and 4 did\), the user did not push back\. Its own failure: correctness = false: .*; span create_refund_request failed: RefundRejectedError: 422 refund_window_expired/,
          evidenceKinds: ['failure', 'failure', 'answerCouldNot', 'answerApologises', 'answerInHistory', 'answerInHistory', 'sameDocuments', 'sameDocuments', 'userDidNotCorrect', 'userDidNotCorrect'],
        },
      ],
    },
  ],
});

/** A finding in a few fields, for whole-dump assertions. */
const brief = (f: Finding) => ({ session: f.sessionId, turn: f.turn, id: f.messageId, span: f.spanId, path: f.path, related: f.relatedTurns });

describe('error-propagation on samples/ (read from the files, as analyze does)', () => {
  it('finds turn 3 of sess-refund-7f3a, the isolated failures of sess-wrapper-19c2 and sess-legacy-2b, and nothing in sess-otel-44d1', async () => {
    const { findings } = await analyzeInputs([SAMPLES], { rules: [{ module, options: { ...rule.meta.defaultOptions } }] });
    expect(findings.map(brief)).toEqual([
      { session: 'sess-legacy-2b', turn: 2, id: 'isolatedFailure', span: 'fda0433d8c94bf4e', path: '$.data.spans[1]', related: [] },
      { session: 'sess-refund-7f3a', turn: 1, id: 'sessionAssessmentFailed', span: null, path: '$.info.assessments[2]', related: [3] },
      { session: 'sess-refund-7f3a', turn: 3, id: 'rootCause', span: null, path: '$.info.assessments[0]', related: [4, 5] },
      { session: 'sess-refund-7f3a', turn: 4, id: 'inheritedFailure', span: null, path: '$.info.assessments[0]', related: [3] },
      { session: 'sess-refund-7f3a', turn: 5, id: 'inheritedFailure', span: null, path: '$.info.assessments[0]', related: [3, 4] },
      // The timeout is raised by the model call (depth 2) and passed up to the agent and the HTTP root: the finding points at its origin.
      { session: 'sess-wrapper-19c2', turn: 3, id: 'isolatedFailure', span: 'dbd68d97da0c9a68', path: '$.data.spans[3]', related: [] },
    ]);
    expect(findings.find((f) => f.sessionId === 'sess-legacy-2b')!.message).toBe(
      'Turn 2 failed, but nothing later built on it: it is the last turn. Its failure: span retrieve_policy_docs failed: ConnectionError: vector store kb-prod-eu unavailable: connection refused (10.4.2.17:6333).',
    );
    expect(findings.find((f) => f.sessionId === 'sess-wrapper-19c2')!.message).toBe(
      'Turn 3 failed, but nothing later built on it: it is the last turn. Its failure: span Completions failed: APITimeoutError: Request timed out.',
    );
  });

  it('gives the root cause of sess-refund-7f3a with every piece of evidence located', async () => {
    const { findings } = await analyzeInputs([join(SAMPLES, 'search-sess-refund-7f3a.json')], { rules: [{ module, options: { ...rule.meta.defaultOptions } }] });
    const root = findings.find((f) => f.messageId === 'rootCause')!;
    expect(root.traceId).toBe('tr-0db43d844574d1055d12ea28d4b290e6');
    expect(root.evidence.map((e) => [e.turn, e.kind, e.traceId, e.spanId, e.path])).toEqual([
      [3, 'failure', REFUND_TURNS[2], null, '$.info.assessments[0]'],
      [4, 'answerInHistory', REFUND_TURNS[3], 'e211a8b24258fde8', '$.data.spans[2]'],
      [4, 'sameDocuments', REFUND_TURNS[3], '53b435b27e683e37', '$.data.spans[1]'],
      [4, 'userDidNotCorrect', REFUND_TURNS[3], null, '$.data.spans[0]'],
      [5, 'answerInHistory', REFUND_TURNS[4], 'f56bb984657b6235', '$.data.spans[4]'],
      [5, 'answerInHistory', REFUND_TURNS[4], 'f56bb984657b6235', '$.data.spans[4]'],
      [5, 'sameDocuments', REFUND_TURNS[4], '7a22fc5b5d970df8', '$.data.spans[1]'],
      [5, 'sameDocuments', REFUND_TURNS[4], '7a22fc5b5d970df8', '$.data.spans[1]'],
      [5, 'userDidNotCorrect', REFUND_TURNS[4], null, '$.data.spans[0]'],
      [5, 'userDidNotCorrect', REFUND_TURNS[4], null, '$.data.spans[0]'],
    ]);
    expect(root.evidence.map((e) => e.label).slice(1, 3)).toEqual([
      'turn 3\'s answer is in the input of "Completions" in turn 4',
      'turn 4 retrieves kb://acme-help/policies/refund-policy-2023.md again, as turn 3 did',
    ]);
    const turn5 = findings.find((f) => f.turn === 5)!;
    expect(turn5.evidence.filter((e) => e.kind === 'failure').map((e) => [e.spanId, e.path, e.label])).toEqual([
      [null, '$.info.assessments[0]', expect.stringMatching(/^correctness = false: Blames a temporary system issue/)],
      ['1ff7a0d562d0177e', '$.data.spans[3]', expect.stringMatching(/^span create_refund_request failed: RefundRejectedError: 422 refund_window_expired/)],
    ]);
  });
});

describe('correction phrases', () => {
  const match = correctionMatcher(DEFAULT_CORRECTION_PHRASES);
  it.each([
    ["No, that's wrong: it is 30 days.", "that's wrong"],
    ['That\u2019s wrong, check again', "that's wrong"],
    ['hmm, that is not right', 'that is not right'],
    ['Actually I asked about the green one.', 'actually'],
    ['INCORRECT.', 'incorrect'],
    ['But you said 60 days before?', 'you said'],
  ])('%j pushes back (%s)', (text, phrase) => {
    expect(match(text)).toBe(phrase);
  });
  it.each(['I know, thanks!', 'Great, so I can still return it on day 45?', 'That was incorrectly labelled on the box', 'Nothing else, thanks.'])('%j does not', (text) => {
    expect(match(text)).toBeNull();
  });
});

describe('options and bounds', () => {
  const pushback = conversation('s-opt', [
    { user: 'What is your refund window for returns?', answer: 'You can return items within 60 days of delivery for a refund.', assessments: wrong('The refund window is 30 days.') },
    { user: "No, that's wrong: your website says 30 days.", answer: 'You are right to ask; the window is 60 days from delivery.', assessments: wrong('Still says 60 days.') },
  ]);

  it('correctionPhrases: [] lets a history link stand across any user text', () => {
    const { findings } = runRule(module, pushback, { correctionPhrases: [] });
    expect(findings.map((f) => [f.messageId, f.turn])).toEqual([
      ['rootCause', 1],
      ['inheritedFailure', 2],
    ]);
  });

  it('a long systemic failure gives one root with bounded evidence and message', () => {
    const turns = Array.from({ length: 120 }, (_, i) => ({
      user: `Please look up my order number ${1000 + i} for me.`,
      answer: `Sorry, I could not reach the order service for ${1000 + i}.`,
      history: [],
      toolError: timeout(`${(0x1000000000 + i).toString(16)}`, 30 + (i % 3)),
    }));
    const { findings } = runRule(module, conversation('s-long', turns));
    const root = findings[0]!;
    expect([root.messageId, root.turn, root.relatedTurns.length]).toEqual(['rootCause', 1, 119]);
    expect(root.message).toContain('Turns 2, 3, 4, 5, 6, 7, 8, 9 and 111 more build on it: same error TimeoutError');
    expect(root.evidence).toHaveLength(60);
    expect(root.evidence.at(-1)).toMatchObject({ kind: 'omitted', traceId: tid('s-long', 1) });
    expect(findings.filter((f) => f.messageId === 'inheritedFailure')).toHaveLength(119);
    expect(Math.max(...findings.map((f) => f.evidence.length))).toBeLessThanOrEqual(60);
  });
});

describe('session-level verdicts of problem detectors fail the session (polarity by name, src/model/scorers.ts)', () => {
  const turns = [
    { user: 'I need to change the name on my booking please.', answer: 'I can help with that. What is the booking code?' },
    { user: 'I told you already, it is ZX4Q7P. Why do you keep asking?', answer: 'Thanks, the name is changed on ZX4Q7P.' },
  ];
  const withVerdict = (session: string, name: string, value: unknown): Array<Record<string, unknown>> =>
    conversation(
      session,
      turns.map((t, i) => (i === 0 ? { ...t, assessments: [{ name, value, session, rationale: 'The user repeats the booking code, annoyed.' }] } : t)),
    );

  it.each<[string, unknown]>([
    ['user_frustration', 'yes'],
    ['user_frustration', true],
    ['frustration_score', 0.8],
    ['frustration_score', 4],
  ])('%s = %j is a failing session verdict', (name, value) => {
    const session = `s-frustrated-${name}-${String(value)}`;
    const { findings } = runRule(rule, withVerdict(session, name, value));
    expect(findings.map((f) => [f.messageId, f.sessionId, f.turn, f.path])).toEqual([['sessionAssessmentFailed', session, 1, '$.info.assessments[0]']]);
  });

  it.each<[string, unknown]>([
    ['user_frustration', 'no'],
    ['frustration_score', 0.1],
  ])('%s = %j is not', (name, value) => {
    expect(runRule(rule, withVerdict(`s-calm-${name}`, name, value)).findings).toEqual([]);
  });
});
