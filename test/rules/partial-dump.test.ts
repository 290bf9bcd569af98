import { describe, expect, it } from 'vitest';
import type { RuleModule } from '../../src/rules/api.js';
import errorPropagation from '../../src/rules/error-propagation.js';
import rule from '../../src/rules/partial-dump.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { chatTurn, conversation, spanIdOf, traceIdOf, type AssessmentSpec } from '../helpers/trace-builder.js';

const TURNS = [
  { user: 'Where is my order AC-1001 right now?', answer: 'Order AC-1001 shipped yesterday from Porto.' },
  { user: 'When will it arrive at my home address?', answer: 'It should arrive on Thursday before noon.' },
  { user: 'Can I change the delivery address please?', answer: 'Yes, I changed it to your office address.' },
  { user: 'Thanks, and can I also add a gift note?', answer: 'Done: the gift note is on the parcel now.' },
];

const tid = (key: string): string => traceIdOf({ key });
const chat = (key: string): string => spanIdOf(key, { name: 'chat' });
/** A conversation of the four turns, each sending the earlier ones as history (`<session>/turn-N`). */
const talk = (session: string, assessments: ReadonlyArray<AssessmentSpec[] | undefined> = []) =>
  conversation(
    session,
    TURNS.map((t, i) => ({ ...t, ...(assessments[i] ? { assessments: assessments[i] } : {}) })),
  );

const FIRST_TURN_MISSING = (messages: string, call: string): string =>
  `Turns before turn 1 are not in the dump: its model input carries ${messages} ("${call}"). Turn numbers in this session count from the first turn the dump holds (turn 1 of the dump), and a failure there may have its cause in the missing turns.`;
const PAGED = (source: string, token: string): string =>
  `Input ${source} is one page of a search, not all of it: more traces exist (next_page_token "${token}"); its sessions may lack turns, and verdicts at their first turn in the dump may have their cause in the turns not read.`;

const TOOL_CALL = { id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"order": "AC-1001"}' } };

/** A model call of the turn's own agent loop, bigger than the turn's `chat` call, so its input is the one read. */
const loopCall = (messages: unknown[], system?: string) => ({
  name: 'chat-loop',
  type: 'CHAT_MODEL',
  start: 1000,
  end: 1800,
  inputs: system === undefined ? { messages } : { system, messages },
  outputs: { choices: [{ message: { role: 'assistant', content: TURNS[0]!.answer } }] },
});

ruleTester(rule as unknown as RuleModule<string, never>, {
  valid: [
    { name: 'a whole conversation: its first turn sends the system prompt and the user message only', traces: talk('s-whole') },
    { name: 'one turn alone, system prompt and user message only', traces: [chatTurn({ key: 'alone', session: 's-alone', ...TURNS[0]! })] },
    {
      name: 'an opening assistant greeting before the first user message is no exchange',
      traces: [chatTurn({ key: 'greet', session: 's-greet', ...TURNS[0]!, history: [{ role: 'assistant', content: 'Hi! I am the Acme assistant. How can I help you today?' }] })],
    },
    {
      name: "the turn's own agent loop (OpenAI tool calls and results after the user message)",
      traces: [
        chatTurn({
          key: 'loop',
          session: 's-loop',
          ...TURNS[0]!,
          spans: [
            loopCall([
              { role: 'system', content: 'You are a helpful support assistant.' },
              { role: 'user', content: TURNS[0]!.user },
              { role: 'assistant', content: null, tool_calls: [TOOL_CALL] },
              { role: 'tool', tool_call_id: 'call_1', content: '{"status": "shipped", "from": "Porto", "shipped_at": "yesterday"}' },
              { role: 'assistant', content: 'Let me also check the carrier for a delivery estimate.', tool_calls: [{ ...TOOL_CALL, id: 'call_2' }] },
              { role: 'tool', tool_call_id: 'call_2', content: '{"carrier": "CTT", "eta": "Thursday"}' },
            ]),
          ],
        }),
      ],
    },
    {
      name: "the turn's own agent loop (Anthropic tool results sent in a user message)",
      traces: [
        chatTurn({
          key: 'anthropic',
          session: 's-anthropic',
          ...TURNS[0]!,
          spans: [
            loopCall(
              [
                { role: 'user', content: TURNS[0]!.user },
                { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup_order', input: { order: 'AC-1001' } }] },
                { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '{"status": "shipped", "from": "Porto", "shipped_at": "yesterday"}' }] },
              ],
              'You are a helpful support assistant.',
            ),
          ],
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'a session cut to its last turn: the first turn the dump holds carries 6 earlier messages',
      traces: talk('s-cut').slice(3),
      errors: [
        {
          messageId: 'firstTurnMissing',
          sessionId: 's-cut',
          traceId: tid('s-cut/turn-4'),
          spanId: chat('s-cut/turn-4'),
          path: '$.data.spans[1]',
          turn: 1,
          severity: 'warn',
          message: FIRST_TURN_MISSING('6 earlier messages', 'chat'),
          evidenceKinds: ['earlierMessages'],
        },
      ],
    },
    {
      name: "one earlier message (an app that keeps the user's messages only)",
      traces: [chatTurn({ key: 'users-only', session: 's-users', ...TURNS[1]!, history: [{ role: 'user', content: TURNS[0]!.user }] })],
      errors: [{ messageId: 'firstTurnMissing', traceId: tid('users-only'), turn: 1, message: FIRST_TURN_MISSING('1 earlier message', 'chat') }],
    },
    {
      name: "an earlier turn's text-less tool-call message is no exchange: user and answer count, 2",
      traces: [
        chatTurn({
          key: 'earlier-loop',
          session: 's-earlier-loop',
          ...TURNS[1]!,
          history: [
            { role: 'user', content: TURNS[0]!.user },
            { role: 'assistant', content: '' },
            { role: 'assistant', content: TURNS[0]!.answer },
          ],
        }),
      ],
      errors: [{ messageId: 'firstTurnMissing', traceId: tid('earlier-loop'), message: FIRST_TURN_MISSING('2 earlier messages', 'chat') }],
    },
    {
      name: 'a greeting, then an earlier exchange: the exchange counts, the greeting does not',
      traces: [
        chatTurn({
          key: 'greet-then',
          session: 's-greet-then',
          ...TURNS[1]!,
          history: [
            { role: 'assistant', content: 'Hi! I am the Acme assistant. How can I help you today?' },
            { role: 'user', content: TURNS[0]!.user },
            { role: 'assistant', content: TURNS[0]!.answer },
          ],
        }),
      ],
      errors: [{ messageId: 'firstTurnMissing', traceId: tid('greet-then'), message: FIRST_TURN_MISSING('2 earlier messages', 'chat') }],
    },
    {
      name: 'one page of a search: said once, about the dump',
      traces: talk('s-page'),
      page: 'eyJvZmZzZXQiOiAxMDB9',
      errors: [{ messageId: 'pagedExport', sessionId: null, traceId: null, turn: null, path: null, severity: 'warn', message: PAGED('test', 'eyJvZmZzZXQiOiAxMDB9'), evidenceKinds: [] }],
    },
    {
      name: 'one page that also cuts a session: the session, then the dump',
      traces: [...talk('s-both').slice(2), chatTurn({ key: 'whole', session: 's-other', ...TURNS[0]!, at: 10 * 60_000 })],
      page: 'p2',
      errors: [
        { messageId: 'firstTurnMissing', sessionId: 's-both', traceId: tid('s-both/turn-3'), turn: 1, message: FIRST_TURN_MISSING('4 earlier messages', 'chat') },
        { messageId: 'pagedExport', sessionId: null, message: PAGED('test', 'p2') },
      ],
    },
  ],
});

describe('error-propagation at the first turn of a partial session', () => {
  const wrong = (rationale: string): AssessmentSpec[] => [{ name: 'correctness', value: false, rationale }];
  const pass: AssessmentSpec[] = [{ name: 'correctness', value: true }];
  const WRONG_3 = 'Moves the parcel to a wrong address.';
  const WRONG_4 = 'Adds the note to the wrong parcel.';
  /** Turn 3 fails and turn 4, which carries its answer, fails too. */
  const chain = (session: string) => talk(session, [pass, pass, wrong(WRONG_3), wrong(WRONG_4)]);
  const run = (traces: Array<Record<string, unknown>>, page?: string) => runRule(errorPropagation as unknown as RuleModule<string, never>, traces, {}, page).findings;

  it('a whole session: the root cause is said as before, unmarked', () => {
    const [root] = run(chain('s-whole'));
    expect(root!.messageId).toBe('rootCause');
    expect(root!.message).toBe(`Turn 3 is where the conversation went wrong: correctness = false: ${WRONG_3} Turn 4 builds on it: its answer in turn 4's model input, the user did not correct it.`);
    expect(root!.evidence.map((e) => e.kind)).not.toContain('missingTurns');
  });

  it('cut before the failing turn: the root is the first bad turn the dump holds, marked', () => {
    const findings = run(chain('s-cut').slice(2));
    expect(findings.map((f) => [f.messageId, f.turn])).toEqual([
      ['rootCause', 1],
      ['inheritedFailure', 2],
    ]);
    const root = findings[0]!;
    expect(root.message).toBe(
      'Turn 1 is where the conversation went wrong as far as the dump shows (it is the first bad turn the dump holds; earlier turns are missing, and the cause may lie there: ' +
        `its model input carries 4 earlier messages): correctness = false: ${WRONG_3} Turn 2 builds on it: its answer in turn 2's model input, the user did not correct it.`,
    );
    expect(root.evidence.filter((e) => e.kind === 'missingTurns')).toEqual([
      {
        traceId: tid('s-cut/turn-3'),
        spanId: chat('s-cut/turn-3'),
        turn: 1,
        path: '$.data.spans[1]',
        kind: 'missingTurns',
        label: 'turns before turn 1 are not in the dump: its model input carries 4 earlier messages',
      },
    ]);
    expect(findings[1]!.evidence.map((e) => e.kind)).not.toContain('missingTurns');
  });

  it('an isolated failure at that first turn may itself build on a missing turn', () => {
    const [isolated] = run(talk('s-iso', [pass, wrong(WRONG_3), pass, pass]).slice(1));
    expect(isolated!.messageId).toBe('isolatedFailure');
    expect(isolated!.message).toBe(
      'Turn 1 failed, but nothing later built on it: the 2 later turns passed; but earlier turns are missing, so it may itself build on one of them ' +
        `(the first bad turn the dump holds: its model input carries 2 earlier messages). Its failure: correctness = false: ${WRONG_3}`,
    );
    expect(isolated!.evidence.map((e) => e.kind)).toContain('missingTurns');
  });

  it('a failure after the first turn of a cut session is not marked', () => {
    const [isolated] = run(talk('s-later', [pass, pass, pass, wrong(WRONG_4)]).slice(2));
    expect(isolated!.message).toBe(`Turn 2 failed, but nothing later built on it: it is the last turn. Its failure: correctness = false: ${WRONG_4}`);
    expect(isolated!.evidence.map((e) => e.kind)).not.toContain('missingTurns');
  });

  it('a session from one page of a search: its first-turn root is marked, naming the page', () => {
    const findings = run(talk('s-paged', [wrong(WRONG_3), wrong(WRONG_4)]).slice(0, 2), 'tok');
    const root = findings[0]!;
    expect(root.messageId).toBe('rootCause');
    expect(root.message).toBe(
      'Turn 1 is where the conversation went wrong as far as the dump shows (it is the first bad turn the dump holds; earlier turns are missing, and the cause may lie there: ' +
        `the session comes from one page of a search (test)): correctness = false: ${WRONG_3} Turn 2 builds on it: its answer in turn 2's model input, the user did not correct it.`,
    );
    expect(root.evidence.find((e) => e.kind === 'missingTurns')).toEqual({
      traceId: tid('s-paged/turn-1'),
      spanId: null,
      turn: 1,
      path: null,
      kind: 'missingTurns',
      label: 'turns before turn 1 are not in the dump: the session comes from one page of a search (test)',
    });
  });
});
