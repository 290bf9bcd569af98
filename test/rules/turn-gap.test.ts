import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/turn-gap.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { chatTurn, conversation, makeTrace, spanIdOf, traceIdOf } from '../helpers/trace-builder.js';

const TURNS = [
  { user: 'Where is my order AC-1001 right now?', answer: 'Order AC-1001 shipped yesterday from Porto.' },
  { user: 'When will it arrive at my home address?', answer: 'It should arrive on Thursday before noon.' },
  { user: 'Can I change the delivery address please?', answer: 'Yes, I changed it to your office address.' },
  { user: 'Thanks, and can I also add a gift note?', answer: 'Done: the gift note is on the parcel now.' },
];

/** The four-turn conversation of a session, every turn sending the earlier ones as history. */
const talk = (session: string, at: (i: number) => number = (i) => i * 60_000) =>
  conversation(
    session,
    TURNS.map((t, i) => ({ ...t, at: at(i) })),
  );

/** A trace without any time: no request time, no spans. */
function timeless(key: string, session: string): Record<string, unknown> {
  const record = makeTrace({ key, session, spans: [] });
  delete (record.info as Record<string, unknown>).request_time;
  return record;
}

ruleTester(rule, {
  valid: [
    { name: 'a whole conversation, a minute between turns', traces: talk('sess-ok') },
    { name: 'a pause of exactly the limit', traces: talk('sess-edge', (i) => i * 30 * 60_000) },
    {
      name: 'few-shot examples before the conversation are a prompt prefix, not a turn',
      traces: [
        chatTurn({
          key: 'fewshot',
          session: 'sess-f',
          user: TURNS[1]!.user,
          answer: TURNS[1]!.answer,
          history: [
            { role: 'user', content: 'Example: how long does standard shipping take?' },
            { role: 'assistant', content: 'Example: standard shipping takes 3 to 5 working days.' },
          ],
        }),
      ],
    },
    {
      name: 'the app stores an earlier answer in another form (turn 1 answer not found, one message in its place)',
      traces: [
        chatTurn({ key: 'ref/1', session: 'sess-a', user: TURNS[0]!.user, answer: TURNS[0]!.answer }),
        chatTurn({
          key: 'ref/2',
          session: 'sess-a',
          at: 60_000,
          user: TURNS[1]!.user,
          answer: TURNS[1]!.answer,
          history: [
            { role: 'user', content: TURNS[0]!.user },
            { role: 'assistant', content: '**Order AC-1001** shipped yesterday (from Porto).' },
          ],
        }),
      ],
    },
    {
      name: "an earlier turn's tool-call preamble kept in the history is that turn's own agent loop",
      traces: [
        chatTurn({ key: 'loop/1', session: 'sess-l', user: TURNS[0]!.user, answer: TURNS[0]!.answer }),
        chatTurn({
          key: 'loop/2',
          session: 'sess-l',
          at: 60_000,
          user: TURNS[1]!.user,
          answer: TURNS[1]!.answer,
          history: [
            { role: 'user', content: TURNS[0]!.user },
            { role: 'assistant', content: 'Let me look up order AC-1001 for you right away.' },
            { role: 'assistant', content: TURNS[0]!.answer },
          ],
        }),
      ],
    },
    { name: 'a trace without a session is not a turn of anything', traces: [timeless('alone', '')] },
  ],
  invalid: [
    {
      name: 'an hour between turn 2 and turn 3',
      traces: talk('sess-gap', (i) => (i < 2 ? i * 60_000 : 60_000 + 60 * 60_000 + (i - 2) * 60_000)),
      errors: [
        {
          messageId: 'longGap',
          sessionId: 'sess-gap',
          traceId: traceIdOf({ key: 'sess-gap/turn-3' }),
          spanId: null,
          turn: 3,
          path: '$.info',
          severity: 'info',
          relatedTurns: [2],
          message: 'Turn 3 started 1 h after turn 2 (limit 30 min): the user came back after a long pause, so state kept between turns may have expired.',
          evidenceKinds: ['previousTurn'],
        },
      ],
    },
    {
      name: 'turn 2 missing from the dump: turns 3 and 4 still send it',
      traces: talk('sess-miss').filter((_, i) => i !== 1),
      errors: [
        {
          messageId: 'missingTurn',
          sessionId: 'sess-miss',
          traceId: traceIdOf({ key: 'sess-miss/turn-3' }),
          spanId: spanIdOf('sess-miss/turn-3', { name: 'chat' }),
          turn: 2,
          path: '$.data.spans[1]',
          severity: 'warn',
          relatedTurns: [1],
          message: 'Turn 2\'s model call "chat" sends 2 messages from between turn 1 and turn 2 that no turn of this session has: a turn seems to be missing from the dump.',
          evidenceKinds: ['modelCall', 'turnBefore'],
          suggestion: /search for it under another session id/,
        },
      ],
    },
    {
      name: 'a turn without a time',
      traces: [...talk('sess-t').slice(0, 2), timeless('sess-t/none', 'sess-t')],
      errors: [
        {
          messageId: 'unknownTime',
          sessionId: 'sess-t',
          traceId: traceIdOf({ key: 'sess-t/none' }),
          turn: 3,
          path: '$.info',
          severity: 'info',
          message: 'Turn 3 has no time (no request time and no root span start): it is placed after every timed turn, and no gap can be measured.',
        },
      ],
    },
  ],
});

describe('turn-gap beyond the table', () => {
  it('takes max_gap_minutes from the options', () => {
    const { findings } = runRule(
      rule,
      talk('sess-opt', (i) => i * 10 * 60_000),
      { max_gap_minutes: 5 },
    );
    expect(findings.map((f) => `${f.turn}: ${f.message}`)).toEqual([
      '2: Turn 2 started 10 min after turn 1 (limit 5 min): the user came back after a long pause, so state kept between turns may have expired.',
      '3: Turn 3 started 10 min after turn 2 (limit 5 min): the user came back after a long pause, so state kept between turns may have expired.',
      '4: Turn 4 started 10 min after turn 3 (limit 5 min): the user came back after a long pause, so state kept between turns may have expired.',
    ]);
  });

  it("reports a gap between two older turns seen in a later turn's input", () => {
    // The dump lacks turn 2, and turn 3 is the first turn after it that has a model call.
    const traces = talk('sess-old').filter((_, i) => i !== 1);
    const t3 = traces[1] as { data: { spans: Array<Record<string, unknown>> } };
    t3.data.spans = t3.data.spans.filter((s) => s.name !== 'chat');
    const [finding] = runRule(rule, traces).findings;
    expect(finding!.message).toBe('Turn 3\'s model call "chat" sends 2 messages from between turn 1 and turn 2 that no turn of this session has: a turn seems to be missing from the dump.');
    expect(finding!.relatedTurns).toEqual([1, 2]);
    expect(finding!.evidence.map((e) => [e.kind, e.turn])).toEqual([
      ['modelCall', 3],
      ['turnBefore', 1],
      ['turnAfter', 2],
    ]);
  });
});
