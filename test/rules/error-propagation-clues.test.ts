import type { RuleModule } from '../../src/rules/api.js';
import rule from '../../src/rules/error-propagation.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { chatTurn, conversation, makeTrace, spanIdOf, traceIdOf, type SpanSpec } from '../helpers/trace-builder.js';

// Judge-free clues and recovered errors (issue 14): sessions without a single assessment, as most
// production sessions are, where the suspect turns come from what the traces hold.

const module = rule as unknown as RuleModule;
const tid = (session: string, turn: number): string => traceIdOf({ key: `${session}/turn-${turn}` });
const sid = (session: string, turn: number, span: string): string => spanIdOf(`${session}/turn-${turn}`, { name: span });

const policy = (year: number, extra: Record<string, unknown> = {}) => ({ id: `refund-policy-${year}#c0`, uri: `kb://help/refund-policy-${year}.md`, metadata: { updated: `${year}-03-01`, ...extra } });
/** Another session that retrieved the current policy: what a real dump of the app holds. */
const otherSession = (year: number) =>
  conversation('s-other', [{ user: 'What is your refund policy for unused items?', answer: 'Unused items can be returned within 30 days of delivery.', docs: [policy(year)] }]);

ruleTester(module, {
  valid: [
    {
      name: 'a courtesy apology alone is one weak clue: no suspect',
      traces: conversation('s-sorry', [
        { user: 'My zipper broke after two trips, is that covered?', answer: "I'm sorry to hear that! Zippers are covered by the two-year warranty." },
        { user: 'Great, how do I send it in for repair?', answer: 'Print the prepaid label from your account and drop the bag at any carrier point.' },
      ]),
    },
    {
      name: 'a push-back on a turn a judge passed: the judge outranks the clue',
      traces: conversation('s-judged', [
        { user: 'How long is the warranty on the bag?', answer: 'The bag has a two-year warranty from the purchase date.', assessments: [{ name: 'correctness', value: true }] },
        { user: 'Are you sure? The box says one year.', answer: 'Yes: the box shows the legal minimum; our warranty is two years.', assessments: [{ name: 'correctness', value: true }] },
      ]),
    },
    {
      name: 'dated documents (a full date in the name) are different documents, not versions',
      traces: [
        ...conversation('s-notes', [
          { user: 'What did the release notes of May say about refunds?', answer: 'The May notes changed nothing about refunds.', docs: [{ id: 'notes-2024-05-01', uri: 'kb://notes/2024-05-01.md' }] },
        ]),
        ...conversation('s-notes2', [
          {
            user: 'What did the release notes of June say about refunds?',
            answer: 'The June notes changed nothing about refunds.',
            docs: [{ id: 'notes-2024-06-01', uri: 'kb://notes/2024-06-01.md' }],
          },
        ]),
      ],
    },
    {
      name: 'a document far older than the others retrieved with it is one weak clue: age alone flags nothing',
      traces: conversation('s-old', [
        {
          user: 'Which bags can I take as cabin luggage?',
          answer: 'Bags up to 55 x 40 x 20 cm fit as cabin luggage on most airlines.',
          docs: [
            { id: 'cabin-sizes', metadata: { last_updated: '2019-01-10' } },
            { id: 'airline-rules', metadata: { last_updated: '2025-05-01' } },
            { id: 'bag-catalog', metadata: { last_updated: '2025-09-01' } },
          ],
        },
      ]),
    },
    {
      name: 'a tool that timed out and was retried with success, in a turn that answered and that the judge passed',
      traces: conversation('s-retry', [
        {
          user: 'Where is my order AC-1 right now?',
          answer: 'Your order AC-1 shipped yesterday and arrives on Friday.',
          assessments: [{ name: 'correctness', value: true }],
          spans: retry('s-retry/turn-1'),
        },
        { user: 'Thanks, can I change the delivery address?', answer: 'Yes, you can change it in your account until it ships.', assessments: [{ name: 'correctness', value: true }] },
      ]),
    },
    {
      name: 'an exception caught inside a span that still ended OK, in a turn that answered',
      traces: conversation('s-caught', [
        {
          user: 'Where is my order AC-1 right now?',
          answer: 'Your order AC-1 shipped yesterday and arrives on Friday.',
          spans: [
            {
              name: 'lookup_order',
              parent: hexAgent('s-caught/turn-1'),
              type: 'TOOL',
              start: 200,
              end: 900,
              status: 'OK',
              inputs: {},
              outputs: { status: 'shipped' },
              exception: { type: 'TimeoutError', message: 'first attempt timed out' },
            },
          ],
        },
      ]),
    },
    {
      name: 'clues switched off',
      traces: conversation('s-off', [
        { user: 'How long is the warranty on the bag?', answer: 'The bag has a one-year warranty.' },
        { user: "That's wrong, the box says two years.", answer: 'You are right, it is two years.' },
      ]),
      options: { suspectSignals: false },
    },
    {
      name: 'a chat without a judge and without a clue gives no finding',
      traces: conversation('s-quiet', [
        { user: 'How long is the warranty on the bag?', answer: 'The bag has a two-year warranty from the purchase date.' },
        { user: 'Does it cover the wheels as well?', answer: 'Yes, wheels are covered against defects too.' },
      ]),
    },
  ],
  invalid: [
    {
      name: 'a failing session-level verdict with no failing turn and no clue names no root',
      traces: conversation('s-sess-quiet', [
        {
          user: 'Hi, I want to return my carry-on bag.',
          answer: 'Sure, returns start from the orders page of your account.',
          assessments: [{ name: 'conversation_completeness', value: 'no', session: 's-sess-quiet', rationale: 'The return was never started.' }],
        },
        { user: 'Thanks, and how long does the refund take?', answer: 'Refunds arrive within 10 days of the return.' },
      ]),
      errors: [
        {
          messageId: 'sessionAssessmentFailed',
          turn: 1,
          relatedTurns: [],
          message:
            'Session-level assessment conversation_completeness = "no" (logged on turn 1) fails the session; no turn failed on its own, so no root cause can be named: the assessment is the only signal.',
          evidenceKinds: ['sessionAssessment'],
          suggestion: /^Read the conversation as a whole/,
        },
      ],
    },
    {
      name: 'an outdated document (the dump holds a newer version) retrieved again in the next turn: a suspected root and its chain',
      traces: [
        ...conversation('s-stale', [
          { user: 'What is your refund policy for unused items?', answer: 'Unused items can be returned within 60 days of delivery for a full refund.', docs: [policy(2023)] },
          { user: 'So I can still return it on day 45 after delivery?', answer: 'Yes, day 45 is inside the 60-day refund window.', docs: [policy(2023)] },
          { user: 'Thanks! Which carrier should I use for the parcel?', answer: 'Any partner carrier point works for returns.' },
        ]),
        ...otherSession(2024),
      ],
      errors: [
        {
          messageId: 'suspectedRootCause',
          sessionId: 's-stale',
          traceId: tid('s-stale', 1),
          spanId: sid('s-stale', 1, 'retrieve_docs'),
          turn: 1,
          path: '$.data.spans[1]',
          severity: 'warn',
          relatedTurns: [2],
          message: `Turn 1 is where the conversation likely went wrong (no assessment; suspected from: turn 1 retrieved kb://help/refund-policy-2023.md (2023), but the dump holds a newer version: kb://help/refund-policy-2024.md (2024) in trace ${tid('s-other', 1)} [medium]). Turn 2 builds on it: its answer in turn 2's model input, same document refund-policy-2023.md, the user did not correct it.`,
          evidenceKinds: ['outdatedDocument', 'answerInHistory', 'sameDocuments', 'userDidNotCorrect'],
          suggestion: /^Read turn 1 first \(no judge scored it\): check the retrieved document refund-policy-2023\.md/,
        },
        {
          messageId: 'inheritedFailure',
          traceId: tid('s-stale', 2),
          turn: 2,
          relatedTurns: [1],
          evidenceKinds: ['outdatedDocument', 'answerInHistory', 'sameDocuments', 'userDidNotCorrect'],
        },
      ],
    },
    {
      name: 'the same document with an older last_updated than elsewhere in the dump, and a retired one (status: archived)',
      traces: [
        ...conversation('s-dated', [
          { user: 'How long do refunds take to arrive?', answer: 'Refunds arrive within 30 days of the return.', docs: [{ id: 'refund-times', metadata: { last_updated: '2022-01-05' } }] },
        ]),
        ...conversation('s-dated2', [
          {
            user: 'How long do refunds take to arrive on a card?',
            answer: 'Refunds reach your card within 10 days of the return.',
            docs: [{ id: 'refund-times', metadata: { last_updated: '2025-06-30' } }],
          },
        ]),
        ...conversation('s-archived', [
          { user: 'Can I return sale items?', answer: 'Sale items can be returned like any other item.', docs: [{ id: 'sale-returns', metadata: { status: 'Archived' } }] },
        ]),
      ],
      errors: [
        // Sessions in report order: first time, then id (all three start together).
        {
          messageId: 'suspectTurn',
          sessionId: 's-archived',
          turn: 1,
          message:
            'Turn 1 is suspect (no assessment; suspected from: turn 1 retrieved kb://sale-returns, marked "status: Archived" in its metadata [medium]); nothing later built on it: it is the last turn.',
          evidenceKinds: ['retiredDocument'],
        },
        {
          messageId: 'suspectTurn',
          sessionId: 's-dated',
          turn: 1,
          severity: 'info',
          message: `Turn 1 is suspect (no assessment; suspected from: turn 1 retrieved kb://refund-times (2022-01-05), but the dump holds a newer version: kb://refund-times (2025-06-30) in trace ${tid('s-dated2', 1)} [medium]); nothing later built on it: it is the last turn.`,
          evidenceKinds: ['outdatedDocument'],
        },
      ],
    },
    {
      name: 'the user pushes back: the previous turn is suspect, and its answer in later history is no inheritance',
      traces: conversation('s-push', [
        { user: 'How long is the warranty on the bag?', answer: 'The bag has a one-year warranty from the purchase date.' },
        { user: "That's wrong, the box says two years.", answer: 'You are right: the warranty is two years from the purchase date.' },
        { user: 'Does it cover the wheels as well?', answer: 'Yes, wheels are covered against defects too.' },
      ]),
      errors: [
        {
          messageId: 'suspectTurn',
          traceId: tid('s-push', 1),
          turn: 1,
          // Its own I/O: the clue sits in turn 2's trace.
          path: '$.data.spans[0]',
          message:
            'Turn 1 is suspect (no assessment; suspected from: the user pushed back at turn 2 ("that\'s wrong"): "That\'s wrong, the box says two years." [medium]); nothing later built on it: the 2 later turns passed.',
          evidenceKinds: ['userPushedBack'],
        },
      ],
    },
    {
      name: 'an answer that could not help, then a failed tool in the next turn whose model input holds that answer',
      traces: conversation('s-could', [
        { user: 'Where is my order AC-1 right now?', answer: "I couldn't reach the order service, please give me a moment." },
        {
          user: 'Please look it up again, order AC-1.',
          answer: 'The order service is not answering at the moment.',
          toolError: { name: 'lookup_order', type: 'TimeoutError', message: 'order service timed out after 30s' },
        },
      ]),
      errors: [
        {
          messageId: 'suspectedRootCause',
          turn: 1,
          relatedTurns: [2],
          message:
            /^Turn 1 is where the conversation likely went wrong \(no assessment; suspected from: the answer says it could not \("I couldn't"\): "I couldn't reach the order service, please give me a moment\." \[medium\]\)\. Turn 2 builds on it: its answer in turn 2's model input, the user did not correct it\.$/,
          evidenceKinds: ['answerCouldNot', 'answerInHistory', 'userDidNotCorrect'],
        },
        { messageId: 'inheritedFailure', turn: 2, evidenceKinds: ['failure', 'answerInHistory', 'userDidNotCorrect'] },
      ],
    },
    {
      name: 'two weak clues add up: the user asks the same again, and the answer apologises',
      traces: conversation('s-weak', [
        { user: 'How do I reset the lock code of my suitcase?', answer: "I'm sorry, resetting depends on the model of the suitcase." },
        { user: 'How do I reset the lock code on my suitcase model Voyager?', answer: 'Set the dials to 000, press the reset button and choose the new code.' },
      ]),
      errors: [
        {
          messageId: 'suspectTurn',
          turn: 1,
          severity: 'info',
          message:
            'Turn 1 is suspect (no assessment; suspected from: the user asked again at turn 2: "How do I reset the lock code on my suitcase model Voyager?" [weak]; the answer apologises ("I\'m sorry") [weak]); nothing later built on it: the later turn passed.',
          evidenceKinds: ['userRephrased', 'answerApologises'],
        },
      ],
    },
    {
      name: 'an empty answer',
      traces: conversation('s-empty', [{ user: 'Can I pay for the bag with PayPal?', answer: '' }]),
      errors: [
        {
          messageId: 'suspectTurn',
          turn: 1,
          message: 'Turn 1 is suspect (no assessment; suspected from: turn 1 answered with an empty message [medium]); nothing later built on it: it is the last turn.',
          evidenceKinds: ['answerEmpty'],
        },
      ],
    },
    {
      name: 'a much older document plus an apology: two weak clues',
      traces: conversation('s-older', [
        {
          user: 'Which bags can I take as cabin luggage?',
          answer: "I'm sorry for the confusion earlier: bags up to 56 x 45 x 25 cm fit as cabin luggage.",
          docs: [
            { id: 'cabin-sizes', metadata: { last_updated: '2019-01-10' } },
            { id: 'airline-rules', metadata: { last_updated: '2025-05-01' } },
            { id: 'bag-catalog', metadata: { last_updated: '2025-09-01' } },
          ],
        },
      ]),
      errors: [
        {
          messageId: 'suspectTurn',
          turn: 1,
          message:
            'Turn 1 is suspect (no assessment; suspected from: the answer apologises ("I\'m sorry") [weak]; turn 1 retrieved kb://cabin-sizes (2019-01-10), 2303 days older than every other document retrieved with it [weak]); nothing later built on it: it is the last turn.',
          evidenceKinds: ['answerApologises', 'olderDocument'],
        },
      ],
    },
    {
      name: 'a trace without a session whose answer says it could not: a suspect trace, not a failed one',
      traces: [chatTurn({ key: 'lone', session: null, user: 'Can you move my flight to Friday?', answer: 'I was unable to change the booking, please call our support line.' })],
      errors: [
        {
          messageId: 'traceSuspect',
          sessionId: null,
          turn: null,
          severity: 'info',
          message:
            'This trace is suspect (it has no session id, so it is read as a conversation of one turn; no assessment; suspected from: the answer says it could not ("I was unable"): "I was unable to change the booking, please call our support line." [medium]).',
          evidenceKinds: ['answerCouldNot'],
        },
      ],
    },
    {
      name: 'a failed tool that was not retried is still a failure, even when the turn answered',
      traces: conversation('s-noretry', [
        { user: 'Where is my order AC-1 right now?', answer: 'Your order is on its way.', toolError: { name: 'lookup_order', type: 'TimeoutError', message: 'order service timed out after 30s' } },
      ]),
      errors: [{ messageId: 'isolatedFailure', turn: 1, spanId: sid('s-noretry', 1, 'lookup_order'), evidenceKinds: ['failure'] }],
    },
    {
      name: 'a retry that failed again is no recovery',
      traces: [
        chatTurn({
          key: 's-again/turn-1',
          session: 's-again',
          user: 'Where is my order AC-1 right now?',
          answer: 'Your order AC-1 shipped yesterday and arrives on Friday.',
          spans: retry('s-again/turn-1').map((s) =>
            s.name === 'lookup_order' ? { ...s, status: 'ERROR' as const, exception: { type: 'TimeoutError', message: 'order service timed out after 30s' } } : s,
          ),
        }),
      ],
      errors: [{ messageId: 'isolatedFailure', turn: 1, evidenceKinds: ['failure', 'failure'] }],
    },
    {
      name: 'a retry that worked in a turn whose trace ended in ERROR did not save the turn',
      traces: [
        makeTrace({
          key: 's-err/turn-1',
          session: 's-err',
          state: 'ERROR',
          spans: [
            { id: hexAgent('s-err/turn-1'), name: 'agent', type: 'AGENT', inputs: { messages: [{ role: 'user', content: 'Where is my order AC-1?' }] }, outputs: 'It shipped.', end: 2000 },
            ...retry('s-err/turn-1'),
          ],
        }),
      ],
      errors: [{ messageId: 'isolatedFailure', turn: 1, evidenceKinds: ['failure', 'failure'] }],
    },
  ],
});

function hexAgent(key: string): string {
  return spanIdOf(key, { name: 'agent' });
}

/** `lookup_order` timing out under the agent, then a second call of it that works. */
function retry(key: string): SpanSpec[] {
  const parent = hexAgent(key);
  return [
    {
      id: 'b1b1b1b1b1b1b1b1',
      name: 'lookup_order',
      parent,
      type: 'TOOL',
      start: 200,
      end: 400,
      status: 'ERROR',
      statusMessage: 'TimeoutError: order service timed out after 30s',
      inputs: {},
      exception: { type: 'TimeoutError', message: 'order service timed out after 30s' },
    },
    { id: 'b2b2b2b2b2b2b2b2', name: 'lookup_order', parent, type: 'TOOL', start: 420, end: 480, status: 'OK', inputs: {}, outputs: { status: 'shipped' } },
  ];
}
