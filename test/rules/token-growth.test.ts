import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/token-growth.js';
import { REPO_ROOT } from '../helpers/make-inputs.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { REFUND_TURNS } from '../helpers/samples.js';
import { chatTurn, conversation, hexOf, makeTrace, spanIdOf, traceIdOf } from '../helpers/trace-builder.js';

// A conversation whose turns used these input tokens on their one model call (`chat`).
const withTokens = (session: string, inputs: ReadonlyArray<number | null>): Array<Record<string, unknown>> =>
  conversation(
    session,
    inputs.map((input, i) => ({
      user: `Question number ${i + 1} about my order, asked in full`,
      answer: `Answer number ${i + 1} about the order, given in full`,
      ...(input === null ? {} : { tokens: { input, output: 40 } }),
    })),
  );

const turnId = (session: string, n: number): string => traceIdOf({ key: `${session}/turn-${n}` });
const chatSpan = (session: string, n: number): string => spanIdOf(`${session}/turn-${n}`, { name: 'chat' });

// A turn whose only token count is MLflow's trace-level `mlflow.trace.tokenUsage` (no span has one).
const traceLevelTurn = (session: string, n: number, input: number): Record<string, unknown> =>
  makeTrace({
    key: `${session}/turn-${n}`,
    session,
    time: Date.UTC(2026, 10, 10, 9, n, 0),
    spans: [{ name: 'agent', type: 'AGENT', inputs: { messages: [{ role: 'user', content: `Turn ${n} question, long enough to key` }] }, outputs: `Turn ${n} answer` }],
    metadata: { 'mlflow.trace.tokenUsage': JSON.stringify({ input_tokens: input, output_tokens: 30, total_tokens: input + 30 }) },
  });

ruleTester(rule, {
  valid: [
    { name: 'input tokens stay level', traces: withTokens('level', [500, 520, 510, 530]) },
    { name: 'growth over only 2 turns (min_turns 3)', traces: withTokens('two', [100, 400]) },
    { name: 'growth over 3 turns below the factor', traces: withTokens('slow', [100, 140, 190]) },
    { name: 'a turn without token counts breaks the run', traces: withTokens('gap', [100, 150, null, 300, 400]) },
    { name: 'a dip breaks the run', traces: withTokens('dip', [100, 250, 150, 290]) },
    { name: 'equal counts are not growth', traces: withTokens('flat', [100, 100, 300, 300]) },
    { name: 'no token counts at all', traces: withTokens('none', [null, null, null]) },
    {
      name: 'a change of measure (call prompt, then trace sum) breaks the run',
      traces: [...withTokens('mixed', [100, 150]), traceLevelTurn('mixed', 3, 900)],
    },
    { name: 'no limit by default, however large the prompt', traces: withTokens('big', [90_000, 80_000]) },
    { name: 'within max_input_tokens', traces: withTokens('within', [900, 1000, 800]), options: { max_input_tokens: 1000 } },
    // The default floor (min_tokens 4000): growth of a small chat is not reported.
    { name: 'a chat that grows ×3 but ends at 420 tokens, under the default floor', traces: withTokens('small', [135, 260, 420]) },
    { name: 'a run that ends one token under the default floor', traces: withTokens('under', [1000, 2500, 3999]) },
    { name: 'a run under a floor set higher', traces: withTokens('higher', [2000, 5000, 9000]), options: { min_tokens: 10_000 } },
  ],
  invalid: [
    {
      name: 'the prompt doubles over four turns (no floor)',
      traces: withTokens('grow', [100, 180, 260, 400]),
      options: { min_tokens: 0 },
      errors: [
        {
          messageId: 'tokenGrowth',
          sessionId: 'grow',
          traceId: turnId('grow', 4),
          spanId: chatSpan('grow', 4),
          turn: 4,
          path: '$.data.spans[1]',
          severity: 'warn',
          relatedTurns: [1, 2, 3],
          message: 'Model input grew turn over turn from 100 tokens (turn 1) to 400 (turn 4), ×4.0 over 4 turns (largest model call per turn): the conversation piles up in the context.',
          evidenceKinds: ['inputTokens', 'inputTokens', 'inputTokens', 'inputTokens'],
          suggestion: /running summary/,
        },
      ],
    },
    {
      name: 'the run starts after a dip',
      traces: withTokens('after-dip', [500, 200, 300, 500]),
      options: { min_tokens: 0 },
      errors: [
        {
          messageId: 'tokenGrowth',
          traceId: turnId('after-dip', 4),
          turn: 4,
          relatedTurns: [2, 3],
          message: /from 200 tokens \(turn 2\) to 500 \(turn 4\), ×2\.5 over 3 turns/,
        },
      ],
    },
    {
      name: 'trace-level token usage when no span has counts',
      traces: [traceLevelTurn('tl', 1, 3000), traceLevelTurn('tl', 2, 4500), traceLevelTurn('tl', 3, 7000)],
      errors: [
        {
          messageId: 'tokenGrowth',
          sessionId: 'tl',
          traceId: traceIdOf({ key: 'tl/turn-3' }),
          spanId: null,
          turn: 3,
          path: "$.info.trace_metadata['mlflow.trace.tokenUsage']",
          relatedTurns: [1, 2],
          message: 'Model input grew turn over turn from 3000 tokens (turn 1) to 7000 (turn 3), ×2.3 over 3 turns (trace token usage): the conversation piles up in the context.',
        },
      ],
    },
    {
      name: 'a run that ends exactly at the default floor',
      traces: withTokens('at-floor', [1000, 2500, 4000]),
      errors: [{ messageId: 'tokenGrowth', turn: 3, relatedTurns: [1, 2], message: /from 1000 tokens \(turn 1\) to 4000 \(turn 3\), ×4\.0 over 3 turns/ }],
    },
    {
      name: 'a run that starts under the floor and ends over it',
      traces: withTokens('crossing', [900, 2000, 3500, 6000]),
      errors: [{ messageId: 'tokenGrowth', turn: 4, relatedTurns: [1, 2, 3] }],
    },
    {
      name: 'a turn over max_input_tokens',
      traces: withTokens('limit', [400, 1200, 900]),
      options: { max_input_tokens: 1000 },
      errors: [
        {
          messageId: 'contextNearLimit',
          sessionId: 'limit',
          traceId: turnId('limit', 2),
          spanId: chatSpan('limit', 2),
          turn: 2,
          path: '$.data.spans[1]',
          severity: 'warn',
          relatedTurns: [],
          message: 'Turn 2 sent 1200 input tokens (model call "chat"), over max_input_tokens = 1000: the prompt is near the model\'s context window.',
          evidenceKinds: ['inputTokens'],
          suggestion: /check whether turn 2's call was cut/,
        },
      ],
    },
    {
      name: 'both findings on one session, in turn order',
      traces: withTokens('both', [300, 700, 1100]),
      options: { max_input_tokens: 1000, min_tokens: 1000 },
      errors: [
        { messageId: 'contextNearLimit', turn: 3, traceId: turnId('both', 3) },
        { messageId: 'tokenGrowth', turn: 3, traceId: turnId('both', 3), relatedTurns: [1, 2] },
      ],
    },
    {
      name: 'min_turns and growth_factor options',
      traces: withTokens('opts', [100, 160]),
      options: { min_turns: 2, growth_factor: 1.5, min_tokens: 0 },
      errors: [{ messageId: 'tokenGrowth', turn: 2, relatedTurns: [1], message: /from 100 tokens \(turn 1\) to 160 \(turn 2\), ×1\.6 over 2 turns/ }],
    },
    {
      name: 'an agent loop is measured by its largest call, not the trace sum',
      traces: [1, 2, 3].map((n) =>
        chatTurn({
          key: `loop/turn-${n}`,
          session: 'loop',
          at: n * 60_000,
          user: `Loop question ${n}, long enough to key`,
          answer: `Loop answer ${n}, long enough to key`,
          tokens: { input: 500, output: 10 },
          spans: [
            {
              name: 'chat-2',
              parent: hexOf(`span/loop/turn-${n}/agent`, 16),
              type: 'CHAT_MODEL',
              start: 1000,
              attributes: { 'mlflow.chat.tokenUsage': { input_tokens: 1000 * n * n, output_tokens: 10, total_tokens: 1000 * n * n + 10 } },
            },
          ],
        }),
      ),
      errors: [
        {
          messageId: 'tokenGrowth',
          traceId: traceIdOf({ key: 'loop/turn-3' }),
          spanId: spanIdOf('loop/turn-3', { name: 'chat-2' }),
          path: '$.data.spans[2]',
          message: /from 1000 tokens \(turn 1\) to 9000 \(turn 3\), ×9\.0 over 3 turns \(largest model call per turn\)/,
        },
      ],
    },
  ],
});

describe('token-growth on samples/', () => {
  it('does not report the refund session by default: it ends at 779 tokens, under the floor', () => {
    const file = JSON.parse(readFileSync(join(REPO_ROOT, 'samples', 'search-sess-refund-7f3a.json'), 'utf8')) as { traces: Array<Record<string, unknown>> };
    expect(runRule(rule, file.traces).findings).toEqual([]);
  });

  it('with min_tokens 300, reports the refund session growing from 341 to 779 prompt tokens (turns 1–5)', () => {
    const file = JSON.parse(readFileSync(join(REPO_ROOT, 'samples', 'search-sess-refund-7f3a.json'), 'utf8')) as { traces: Array<Record<string, unknown>> };
    const { findings } = runRule(rule, file.traces, { min_tokens: 300 });
    expect(findings.map((f) => [f.messageId, f.traceId, f.turn, f.spanId, f.path, f.relatedTurns])).toEqual([['tokenGrowth', REFUND_TURNS[4], 5, 'f56bb984657b6235', '$.data.spans[4]', [1, 2, 3, 4]]]);
    expect(findings[0]?.message).toBe(
      'Model input grew turn over turn from 341 tokens (turn 1) to 779 (turn 5), ×2.3 over 5 turns (largest model call per turn): the conversation piles up in the context.',
    );
    expect(findings[0]?.evidence.map((e) => e.label)).toEqual([
      'turn 1: 341 input tokens (model call "Completions")',
      'turn 2: 351 input tokens (model call "Completions")',
      'turn 3: 489 input tokens (model call "Completions")',
      'turn 4: 539 input tokens (model call "Completions")',
      'turn 5: 779 input tokens (model call "Completions")',
    ]);
    expect(findings[0]?.evidence.map((e) => e.turn)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a 700-token limit flags turn 5 only of the refund session (779 tokens)', () => {
    const file = JSON.parse(readFileSync(join(REPO_ROOT, 'samples', 'search-sess-refund-7f3a.json'), 'utf8')) as { traces: Array<Record<string, unknown>> };
    const { findings } = runRule(rule, file.traces, { max_input_tokens: 700 });
    expect(findings.filter((f) => f.messageId === 'contextNearLimit').map((f) => f.turn)).toEqual([5]);
  });

  it('lists at most 20 turns of a long run as evidence, the rest counted', () => {
    const { findings } = runRule(
      rule,
      withTokens(
        'long',
        Array.from({ length: 30 }, (_, i) => 100 + i * 50),
      ),
      { min_tokens: 0 },
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]?.relatedTurns).toHaveLength(29);
    expect(findings[0]?.evidence).toHaveLength(21);
    expect(findings[0]?.evidence.at(-1)?.label).toBe('10 more turns of the run not listed');
    expect(findings[0]?.evidence[10]?.label).toBe('turn 21: 1100 input tokens (model call "chat")');
  });
});
