import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/retry-storm.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { chatTurn, makeTrace, traceIdOf, type SpanSpec } from '../helpers/trace-builder.js';

const AGENT = 'a0a0a0a0a0a0a0a0';
const ROOT = 'f0f0f0f0f0f0f0f0';

/** The n-th attempt of a tool call under the agent, 200 ms apart, each lasting 100 ms. */
function attempt(n: number, spec: Partial<SpanSpec> = {}): SpanSpec {
  return {
    id: `${n}`.padStart(16, '0'),
    parent: AGENT,
    name: 'search_flights',
    type: 'TOOL',
    start: 100 + 200 * n,
    end: 200 + 200 * n,
    status: 'ERROR',
    statusMessage: 'TimeoutError: flight search timed out after 30s',
    exception: { type: 'TimeoutError', message: 'flight search timed out after 30s' },
    ...spec,
  };
}

const agent: SpanSpec = { id: AGENT, name: 'agent', type: 'AGENT', inputs: { q: 'flights to Lisbon' }, outputs: 'none found', end: 5000 };

ruleTester(rule, {
  valid: [
    {
      name: 'one failing tool call',
      traces: [chatTurn({ key: 'one', user: 'Where is my order AC-1?', answer: 'It shipped.', toolError: { name: 'lookup_order', type: 'KeyError', message: 'AC-1' } })],
    },
    { name: 'two failures are under the default of three', traces: [makeTrace({ key: 'two', spans: [agent, attempt(0), attempt(1)] })] },
    {
      name: 'one error propagating tool → agent → root is one failure, not three',
      traces: [
        makeTrace({
          key: 'prop',
          spans: [
            { id: ROOT, name: 'POST /chat', status: 'ERROR', exception: { type: 'TimeoutError', message: 'flight search timed out after 30s' }, end: 5000 },
            { ...agent, parent: ROOT, status: 'ERROR', exception: { type: 'TimeoutError', message: 'flight search timed out after 30s' } },
            attempt(0),
          ],
        }),
      ],
    },
    { name: 'three failures under a higher threshold', traces: [makeTrace({ key: 'opt', spans: [agent, attempt(0), attempt(1), attempt(2)] })], options: { min_failures: 4 } },
    {
      name: 'the same error on three different tools, with by_signature off',
      traces: [makeTrace({ key: 'nosig', spans: [agent, attempt(0, { name: 'tool_a' }), attempt(1, { name: 'tool_b' }), attempt(2, { name: 'tool_c' })] })],
      options: { by_signature: false },
    },
    {
      name: 'a success that ran before the failure is no recovery from it',
      traces: [makeTrace({ key: 'before', spans: [agent, attempt(0, { status: 'OK', statusMessage: '' }), attempt(1)].map(noException(0)) })],
    },
  ],
  invalid: [
    {
      // Under the threshold of a storm, a failure a later attempt recovered from is still said, as information.
      name: 'one failure, then two calls of the same name that work: a retry that ended in success',
      traces: [
        makeTrace({ key: 'fanout', spans: [agent, attempt(0), attempt(1, { status: 'OK', statusMessage: '' }), { ...attempt(2, { status: 'OK', statusMessage: '' }) }].map(noException(1, 2)) }),
      ],
      errors: [
        {
          messageId: 'retriesThenSuccess',
          traceId: traceIdOf({ key: 'fanout' }),
          spanId: '0000000000000000',
          path: '$.data.spans[1]',
          severity: 'info',
          message: 'Span "search_flights" failed once under "agent" before an attempt succeeded; the retries cost 200 ms; error: TimeoutError: flight search timed out after <n>s.',
          evidenceKinds: ['failedAttempt', 'success'],
        },
      ],
    },
    {
      name: 'a tool retried under another span name: the same tool (gen_ai.tool.name) is the same attempt',
      traces: [
        makeTrace({
          key: 'toolname',
          spans: [
            agent,
            attempt(0, { name: 'execute_tool 1', attributes: { 'gen_ai.tool.name': 'search_flights' } }),
            attempt(1, { name: 'execute_tool 2', status: 'OK', statusMessage: '', attributes: { 'gen_ai.tool.name': 'search_flights' } }),
          ].map(noException(1)),
        }),
      ],
      errors: [
        {
          messageId: 'retriesThenSuccess',
          message: 'Span "execute_tool 1" failed once under "agent" before an attempt succeeded; the retries cost 200 ms; error: TimeoutError: flight search timed out after <n>s.',
          evidenceKinds: ['failedAttempt', 'success'],
        },
      ],
    },
    {
      name: 'the same tool failing three times in a row',
      traces: [makeTrace({ key: 'storm', session: 'sess-s', spans: [agent, attempt(0), attempt(1), attempt(2)] })],
      errors: [
        {
          messageId: 'retryStorm',
          sessionId: 'sess-s',
          traceId: traceIdOf({ key: 'storm' }),
          spanId: '0000000000000000',
          turn: 1,
          path: '$.data.spans[1]',
          severity: 'warn',
          message: 'Span "search_flights" failed 3 times in 500 ms under "agent"; error: TimeoutError: flight search timed out after <n>s.',
          evidenceKinds: ['failedAttempt', 'failedAttempt', 'failedAttempt'],
          suggestion: /bound the retries/,
        },
      ],
    },
    {
      name: 'three failures, then an attempt that works',
      traces: [makeTrace({ key: 'recover', session: 'sess-r', spans: [agent, attempt(0), attempt(1), attempt(2), attempt(3, { status: 'OK', statusMessage: '' })].map(noException(3)) })],
      errors: [
        {
          messageId: 'retriesThenSuccess',
          traceId: traceIdOf({ key: 'recover' }),
          spanId: '0000000000000000',
          turn: 1,
          path: '$.data.spans[1]',
          severity: 'info',
          message: 'Span "search_flights" failed 3 times under "agent" before an attempt succeeded; the retries cost 600 ms; error: TimeoutError: flight search timed out after <n>s.',
          evidenceKinds: ['failedAttempt', 'failedAttempt', 'failedAttempt', 'success'],
        },
      ],
    },
    {
      name: 'the same error on three different tools',
      traces: [makeTrace({ key: 'sig', session: 'sess-g', spans: [agent, attempt(0, { name: 'search_flights' }), attempt(1, { name: 'search_hotels' }), attempt(2, { name: 'search_cars' })] })],
      errors: [
        {
          messageId: 'retryStorm',
          traceId: traceIdOf({ key: 'sig' }),
          spanId: '0000000000000000',
          path: '$.data.spans[1]',
          message: 'The same error failed 3 times in 500 ms on spans "search_flights", "search_hotels", "search_cars"; error: TimeoutError: flight search timed out after <n>s.',
        },
      ],
    },
    {
      name: 'one span recording three exceptions (a retry loop inside it)',
      traces: [
        makeTrace({
          key: 'events',
          spans: [
            agent,
            {
              id: '0000000000000001',
              parent: AGENT,
              name: 'call_llm',
              type: 'LLM',
              status: 'ERROR',
              events: [1, 2, 3].map((n) => ({
                name: 'exception',
                time_unix_nano: 1_700_000_000_000_000_000 + n,
                attributes: { 'exception.type': 'RateLimitError', 'exception.message': `429 retry ${n}` },
              })),
            },
          ],
        }),
      ],
      errors: [{ messageId: 'retryStorm', spanId: '0000000000000001', message: 'Span "call_llm" failed 3 times in 100 ms under "agent"; error: RateLimitError: <n> retry <n>.' }],
    },
  ],
});

/** Drops the exception event of the attempts given (a span that did not fail has none). */
function noException(...attempts: number[]) {
  return (spec: SpanSpec): SpanSpec => {
    if (!attempts.some((n) => spec.id === `${n}`.padStart(16, '0'))) return spec;
    const { exception: _, ...rest } = spec;
    return rest;
  };
}

describe('retry-storm beyond the table', () => {
  it('lists at most ten failed attempts as evidence, and counts them all', () => {
    const spans = [agent, ...Array.from({ length: 14 }, (_, i) => attempt(i))];
    const { findings } = runRule(rule, [makeTrace({ key: 'long', spans })]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toMatch(/^Span "search_flights" failed 14 times in 2\.7 s under "agent"/);
    expect(findings[0]!.evidence).toHaveLength(10);
  });

  it('a storm told by span name is not told again by its signature', () => {
    const { findings } = runRule(rule, [makeTrace({ key: 'once', spans: [agent, attempt(0), attempt(1), attempt(2)] })]);
    expect(findings.map((f) => f.messageId)).toEqual(['retryStorm']);
  });
});
