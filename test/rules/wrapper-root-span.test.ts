import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/wrapper-root-span.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { chatTurn, hexOf, makeTrace, spanIdOf, traceIdOf } from '../helpers/trace-builder.js';

const handler = hexOf('span/wrap/handler', 16);
const inner = hexOf('span/wrap/inner', 16);

/**
 * One turn of an app whose root "POST /chat" carries nothing and whose agent span carries the
 * turn; with `refresh`, a "session_refresh" span sits between them (the agent at depth 2).
 */
const wrappedTurn = (session: string | null, n: number, options: { refresh?: boolean; root?: string; key?: string } = {}): Record<string, unknown> => {
  const key = options.key ?? `${session ?? 'loose'}/turn-${n}`;
  const root = options.root ?? 'POST /chat';
  const middle = options.refresh ? [{ name: 'session_refresh', parent: spanIdOf(key, { name: root }) }] : [];
  return makeTrace({
    key,
    session,
    time: Date.UTC(2026, 10, 10, 9, n, 0),
    spans: [
      { name: root },
      ...middle,
      {
        name: 'support_agent',
        parent: spanIdOf(key, { name: options.refresh ? 'session_refresh' : root }),
        type: 'AGENT',
        inputs: { messages: [{ role: 'user', content: `question ${n}` }] },
        outputs: `answer ${n}`,
      },
    ],
  });
};

ruleTester(rule, {
  valid: [
    { name: 'the root carries the turn', traces: [chatTurn({ key: 'plain', user: 'Where is my order AC-1?', answer: 'It shipped yesterday.' })] },
    {
      name: 'no I/O anywhere is no-turn-io, not a wrapper',
      traces: [makeTrace({ key: 'empty', session: 's', spans: [{ name: 'handler' }, { name: 'child', parent: hexOf('span/empty/handler', 16) }] })],
    },
  ],
  invalid: [
    {
      name: 'a wrapper root over the agent (depth 1)',
      traces: [
        makeTrace({
          key: 'wrap',
          session: 'sess-w',
          spans: [
            { id: handler, name: 'POST /chat' },
            { id: inner, parent: handler, name: 'support_agent', type: 'AGENT', inputs: { messages: [{ role: 'user', content: 'hi' }] }, outputs: 'hello' },
          ],
        }),
      ],
      errors: [
        {
          messageId: 'wrapperRoot',
          sessionId: 'sess-w',
          traceId: traceIdOf({ key: 'wrap' }),
          spanId: inner,
          turn: 1,
          path: '$.data.spans[1]',
          severity: 'warn',
          relatedTurns: [],
          message: 'Root span "POST /chat" has no input or output in turn 1 of 1; the turn\'s I/O is on "support_agent" at depth 1 (via POST /chat), read with carrier mlflow.span.',
          evidenceKinds: ['wrapperRoot', 'ioSpan'],
        },
      ],
    },
    {
      name: 'a root with input only, the answer two levels down',
      traces: [
        makeTrace({
          key: 'deep',
          session: 'sess-d',
          spans: [
            { name: 'handler', inputs: { q: 'hi' } },
            { name: 'middle', parent: spanIdOf('deep', { name: 'handler' }) },
            { name: 'agent', parent: spanIdOf('deep', { name: 'middle' }), type: 'AGENT', inputs: { q: 'hi' }, outputs: 'hello' },
          ],
        }),
      ],
      errors: [
        { messageId: 'wrapperRoot', turn: 1, spanId: spanIdOf('deep', { name: 'agent' }), message: /^Root span "handler" has no output in turn 1 of 1; .* at depth 2 \(via handler > middle\)/ },
      ],
    },
    {
      name: 'three sessions of the same app: one finding per session, listing its turns',
      traces: ['s-a', 's-b', 's-c'].flatMap((s, i) => Array.from({ length: i + 2 }, (_, n) => wrappedTurn(s, n + 1))),
      errors: [
        {
          messageId: 'wrapperRoot',
          sessionId: 's-a',
          traceId: traceIdOf({ key: 's-a/turn-1' }),
          spanId: spanIdOf('s-a/turn-1', { name: 'support_agent' }),
          turn: 1,
          path: '$.data.spans[1]',
          relatedTurns: [2],
          message: 'Root span "POST /chat" has no input or output in turns 1–2 of 2; the turns\' I/O is on "support_agent" at depth 1 (via POST /chat), read with carrier mlflow.span.',
          evidenceKinds: ['wrapperRoot', 'ioSpan', 'ioSpan'],
        },
        { messageId: 'wrapperRoot', sessionId: 's-b', turn: 1, relatedTurns: [2, 3], message: /in turns 1–3 of 3; the turns' I\/O/, evidenceKinds: ['wrapperRoot', 'ioSpan', 'ioSpan', 'ioSpan'] },
        { messageId: 'wrapperRoot', sessionId: 's-c', turn: 1, relatedTurns: [2, 3, 4], message: /in turns 1–4 of 4;/ },
      ],
    },
    {
      name: 'one root, the I/O in two places: one finding naming each place with its turns',
      traces: [wrappedTurn('s-mix', 1), wrappedTurn('s-mix', 2, { refresh: true }), wrappedTurn('s-mix', 3)],
      errors: [
        {
          messageId: 'wrapperRoot',
          turn: 1,
          relatedTurns: [2, 3],
          message:
            'Root span "POST /chat" has no input or output in turns 1–3 of 3; the turns\' I/O is on "support_agent" at depth 1 (via POST /chat) in turns 1 and 3; "support_agent" at depth 2 (via POST /chat > session_refresh) in turn 2, read with carrier mlflow.span.',
        },
      ],
    },
    {
      name: 'a turn whose root carries its I/O is not listed; two roots are two findings',
      traces: [
        wrappedTurn('s-two', 1),
        chatTurn({ key: 's-two/turn-2', session: 's-two', at: 120_000, user: 'Second question, with the root carrying it', answer: 'Second answer' }),
        wrappedTurn('s-two', 3, { root: 'POST /v2/chat' }),
        wrappedTurn('s-two', 4),
      ],
      errors: [
        { messageId: 'wrapperRoot', turn: 1, relatedTurns: [4], message: /^Root span "POST \/chat" has no input or output in turns 1 and 4 of 4;/ },
        { messageId: 'wrapperRoot', turn: 3, relatedTurns: [], message: /^Root span "POST \/v2\/chat" has no input or output in turn 3 of 4; the turn's I\/O/ },
      ],
    },
    {
      name: 'traces without a session fold by app pattern (root, missing side, I/O placement)',
      traces: [wrappedTurn(null, 1), wrappedTurn(null, 2), wrappedTurn(null, 3, { refresh: true })],
      errors: [
        {
          messageId: 'wrapperRoot',
          sessionId: null,
          traceId: traceIdOf({ key: 'loose/turn-1' }),
          turn: null,
          relatedTurns: [],
          message: 'Root span "POST /chat" has no input or output in 2 traces without a session; the turns\' I/O is on "support_agent" at depth 1 (via POST /chat), read with carrier mlflow.span.',
          evidenceKinds: ['wrapperRoot', 'ioSpan', 'ioSpan'],
        },
        {
          messageId: 'wrapperRoot',
          sessionId: null,
          traceId: traceIdOf({ key: 'loose/turn-3' }),
          message:
            'Root span "POST /chat" has no input or output in 1 trace without a session; the turn\'s I/O is on "support_agent" at depth 2 (via POST /chat > session_refresh), read with carrier mlflow.span.',
        },
      ],
    },
  ],
});

describe('wrapper-root-span evidence', () => {
  it('lists at most 20 turns of a session, the rest counted', () => {
    const { findings } = runRule(
      rule,
      Array.from({ length: 25 }, (_, n) => wrappedTurn('s-long', n + 1)),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]?.relatedTurns).toHaveLength(24);
    expect(findings[0]?.evidence.map((e) => e.kind)).toEqual(['wrapperRoot', ...Array<string>(20).fill('ioSpan'), 'omitted']);
    expect(findings[0]?.evidence.at(-1)?.label).toBe('5 more turns not listed');
    expect(findings[0]?.evidence[20]?.label).toBe('turn I/O on "support_agent", depth 1');
    expect(findings[0]?.evidence[20]?.turn).toBe(20);
    expect(findings[0]?.message).toMatch(/in turns 1–25 of 25;/);
  });
});
