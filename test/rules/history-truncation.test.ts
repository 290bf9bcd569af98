import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/history-truncation.js';
import { REPO_ROOT } from '../helpers/make-inputs.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { chatTurn, conversation, makeTrace, spanIdOf, traceIdOf } from '../helpers/trace-builder.js';

type Message = { role: 'user' | 'assistant'; content: string };

const user = (n: number): string => `Turn ${n}: my order A-${1000 + n} arrived damaged, what now?`;
const answer = (n: number): string => `Answer ${n}: sorry about order A-${1000 + n}, here is what to do.`;
const pair = (n: number): Message[] => [
  { role: 'user', content: user(n) },
  { role: 'assistant', content: answer(n) },
];

/**
 * A session of `count` turns where turn n sends the earlier turns `sent(n)` (1-based) as history;
 * the default sends every earlier turn.
 */
function session(id: string, count: number, sent: (n: number) => number[] = (n) => range(1, n - 1)): Array<Record<string, unknown>> {
  return conversation(
    id,
    range(1, count).map((n) => ({ user: user(n), answer: answer(n), history: sent(n).flatMap(pair) })),
  );
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/** A sliding window: each turn sends the last `size` earlier turns. */
const lastTurns = (size: number) => (n: number) => range(Math.max(1, n - size), n - 1);

const turnId = (id: string, n: number): string => traceIdOf({ key: `${id}/turn-${n}` });
const chatSpan = (id: string, n: number): string => spanIdOf(`${id}/turn-${n}`, { name: 'chat' });

ruleTester(rule, {
  valid: [
    { name: 'every turn sends the whole conversation', traces: session('full', 5) },
    { name: 'a stateless app never sends history: not truncation', traces: session('stateless', 5, () => []) },
    { name: 'a single turn', traces: session('one', 1) },
    {
      name: 'short turns ("ok") have no key and cannot be tracked',
      traces: conversation('short', [
        { user: 'ok', answer: 'Sure.', history: [] },
        {
          user: user(2),
          answer: answer(2),
          history: [
            { role: 'user', content: 'ok' },
            { role: 'assistant', content: 'Sure.' },
          ],
        },
        { user: user(3), answer: answer(3), history: pair(2) },
      ]),
    },
    {
      name: 'a turn without a model call tells nothing',
      traces: [
        ...session('nocall', 2),
        makeTrace({
          key: 'nocall/turn-3',
          session: 'nocall',
          time: Date.UTC(2026, 10, 10, 9, 2, 0),
          spans: [{ name: 'agent', type: 'AGENT', inputs: { messages: [{ role: 'user', content: user(3) }] }, status: 'ERROR', statusMessage: 'RateLimitError: slow down' }],
        }),
      ],
    },
    {
      name: 'a model call that is not the conversation (a query rewriter) tells nothing',
      traces: [
        ...session('rewrite', 2),
        makeTrace({
          key: 'rewrite/turn-3',
          session: 'rewrite',
          time: Date.UTC(2026, 10, 10, 9, 2, 0),
          spans: [
            { id: 'aaaaaaaaaaaaaaaa', name: 'agent', type: 'AGENT', inputs: { messages: [{ role: 'user', content: user(3) }] }, outputs: answer(3) },
            {
              name: 'rewrite',
              parent: 'aaaaaaaaaaaaaaaa',
              type: 'CHAT_MODEL',
              inputs: { messages: [{ role: 'user', content: 'Rewrite as a search query: damaged order what now' }] },
              outputs: 'damaged order policy',
            },
          ],
        }),
      ],
    },
    {
      name: 'a key list cut at MAX_HISTORY_KEYS proves nothing about missing turns',
      traces: [
        ...session('cut', 2),
        chatTurn({
          key: 'cut/turn-3',
          session: 'cut',
          at: 120_000,
          user: user(3),
          answer: answer(3),
          // Turn 1, 100 older exchanges, then turn 2: the keys stop at 200, before turn 2.
          history: [
            ...pair(1),
            ...range(1, 100).flatMap((i): Message[] => [
              { role: 'user', content: `Filler question ${i} from an older chat` },
              { role: 'assistant', content: `Filler answer ${i} from an older chat` },
            ]),
            ...pair(2),
          ],
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'a window of the last 3 turns drops turn 1 at turn 4 and turn 2 at turn 5',
      traces: session('window', 5, lastTurns(2)),
      errors: [
        {
          messageId: 'historyDropped',
          sessionId: 'window',
          traceId: turnId('window', 4),
          spanId: chatSpan('window', 4),
          turn: 4,
          path: '$.data.spans[1]',
          severity: 'warn',
          relatedTurns: [1],
          message: 'Turn 4: turn 1 is no longer in the model input of "chat" (it keeps the last 3 turns); the model cannot see what was said there.',
          evidenceKinds: ['modelInput', 'droppedTurn'],
          suggestion: /keep key facts \(order ids, dates/,
        },
        {
          messageId: 'historyDropped',
          traceId: turnId('window', 5),
          spanId: chatSpan('window', 5),
          turn: 5,
          relatedTurns: [2],
          message: 'Turn 5: turn 2 is no longer in the model input of "chat" (it keeps the last 3 turns); the model cannot see what was said there.',
        },
      ],
    },
    {
      name: 'first_only false reports every dropped turn again',
      traces: session('again', 5, lastTurns(2)),
      options: { first_only: false },
      errors: [
        { messageId: 'historyDropped', turn: 4, relatedTurns: [1] },
        {
          messageId: 'historyDropped',
          turn: 5,
          relatedTurns: [1, 2],
          message: 'Turn 5: turns 1–2 are no longer in the model input of "chat" (it keeps the last 3 turns); the model cannot see what was said there.',
          evidenceKinds: ['modelInput', 'droppedTurn', 'droppedTurn'],
        },
      ],
    },
    {
      name: 'the whole history is reset',
      traces: session('reset', 4, (n) => (n === 4 ? [] : range(1, n - 1))),
      errors: [
        {
          messageId: 'historyDropped',
          traceId: turnId('reset', 4),
          turn: 4,
          relatedTurns: [1, 2, 3],
          message: 'Turn 4: turns 1–3 are no longer in the model input of "chat" (it keeps none of the earlier turns); the model cannot see what was said there.',
        },
      ],
    },
    {
      name: 'the first turn is pinned and the middle dropped',
      traces: session('pinned', 4, (n) => (n === 4 ? [1, 3] : range(1, n - 1))),
      errors: [
        {
          messageId: 'historyDropped',
          turn: 4,
          relatedTurns: [2],
          message: 'Turn 4: turn 2 is no longer in the model input of "chat" (it keeps turns 1 and 3); the model cannot see what was said there.',
        },
      ],
    },
    {
      name: 'the oldest turn is missing while a newer one is sent (never carried before)',
      traces: session('oldest', 3, (n) => (n === 3 ? [2] : [])),
      errors: [
        {
          messageId: 'historyDropped',
          traceId: turnId('oldest', 3),
          turn: 3,
          relatedTurns: [1],
          message: 'Turn 3: turn 1 is no longer in the model input of "chat" (it keeps the last 2 turns); the model cannot see what was said there.',
        },
      ],
    },
  ],
});

describe('history-truncation, the evidence', () => {
  it('names the model input and each dropped turn with the turn that last sent it', () => {
    const { findings } = runRule(rule, session('ev', 4, lastTurns(2)));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.evidence).toEqual([
      {
        traceId: turnId('ev', 4),
        spanId: chatSpan('ev', 4),
        turn: 4,
        path: '$.data.spans[1]',
        kind: 'modelInput',
        label: 'turn 4\'s model input ("chat", 6 messages): turns 2–3',
      },
      {
        traceId: turnId('ev', 1),
        spanId: spanIdOf('ev/turn-1', { name: 'agent' }),
        turn: 1,
        path: '$.data.spans[0]',
        kind: 'droppedTurn',
        label: 'turn 1 (last sent with turn 3): user "Turn 1: my order A-1001 arrived damaged, what now?"',
      },
    ]);
  });
});

describe('history-truncation on samples/', () => {
  it('reports nothing: every sample session sends its whole history', () => {
    const dir = join(REPO_ROOT, 'samples');
    const traces: Array<Record<string, unknown>> = [
      ...(JSON.parse(readFileSync(join(dir, 'search-sess-refund-7f3a.json'), 'utf8')) as { traces: Array<Record<string, unknown>> }).traces,
      ...(JSON.parse(readFileSync(join(dir, 'legacy-v2.json'), 'utf8')) as Array<Record<string, unknown>>),
      ...readFileSync(join(dir, 'otel-genai.jsonl'), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
      ...readdirSync(join(dir, 'traces')).map((f) => JSON.parse(readFileSync(join(dir, 'traces', f), 'utf8')) as Record<string, unknown>),
    ];
    expect(traces).toHaveLength(13);
    expect(runRule(rule, traces).findings).toEqual([]);
  });
});
