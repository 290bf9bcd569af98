import { describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../src/engine/analyze/analyze.js';
import type { RuleModule } from '../../src/rules/api.js';
import rule from '../../src/rules/missing-session-id.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { chatTurn, conversation, hexOf, spanIdOf, traceIdOf } from '../helpers/trace-builder.js';

/** Earlier exchanges a chat app sends to the model with a later turn (each text long enough for a key). */
const HISTORY = [
  { role: 'user' as const, content: 'hello, I need help with my order please' },
  { role: 'assistant' as const, content: 'Of course, which order is it about?' },
];
/** A turn of a conversation whose session id was not set: its model input carries the earlier exchange. */
const loose = (key: string) => chatTurn({ key, session: null, user: `question ${key} about the delivery date`, answer: `answer ${key}`, history: HISTORY });
/** A health check or batch call: one question, no history. */
const single = (key: string) => chatTurn({ key, session: null, user: `What are your customer service hours? (${key})`, answer: 'Mon-Fri 8-20.' });
const chat = conversation('s-chat', [
  { user: 'hello, I need help with an order', answer: 'sure, which one?' },
  { user: 'order AC-1, it is late', answer: 'it ships tomorrow' },
]);
const FIX =
  'Set the session on every trace: mlflow.update_current_trace(metadata={"mlflow.trace.session": session_id}) inside the traced entry point (MLflow docs, "Track Users & Sessions"); if the app already records its conversation id under another key (trace metadata, a tag, or an attribute of any span), list that key in the config\'s "session_keys".';
const NO_SESSION = 'This trace has no session id (no mlflow.trace.session metadata and no other session key), yet its model call "chat"';

ruleTester(rule as RuleModule, {
  valid: [
    { name: 'every trace has a session', traces: chat },
    { name: 'an empty dump', traces: [] },
    // The class of samples/traces/no-session-smoke-test.json: nothing says it belongs to a conversation.
    { name: 'a health check or batch call beside sessions: one question, no history', traces: [...chat, single('hc')] },
    { name: 'many single calls beside sessions: no share either', traces: [...chat, single('b1'), single('b2'), single('b3')] },
    {
      name: 'the same session id in the metadata and on a span is no conflict',
      traces: [
        chatTurn({
          key: 'same',
          session: 's-1',
          user: 'question',
          answer: 'answer',
          spans: [{ name: 'step', parent: hexOf('span/same/agent', 16), start: 10, attributes: { 'session.id': 's-1', 'gen_ai.conversation.id': 's-1' } }],
        }),
      ],
    },
    {
      name: 'a turn whose own question is first in the model input, followed by its agent loop, is not history',
      traces: [
        ...chat,
        chatTurn({
          key: 'loop',
          session: null,
          user: 'please look up order AC-77 for me now',
          answer: 'Order AC-77 ships tomorrow.',
          spans: [
            {
              name: 'chat-2',
              parent: hexOf('span/loop/agent', 16),
              type: 'CHAT_MODEL',
              start: 1000,
              end: 1900,
              // The loop's second call: the user's question, then the model's own preamble and a tool result (more attribute text than the first call, so it is the one read).
              inputs: {
                messages: [
                  { role: 'user', content: 'please look up order AC-77 for me now' },
                  { role: 'assistant', content: 'Let me look that order up in the system for you.' },
                  { role: 'tool', content: '{"order": "AC-77", "status": "packed", "ships": "tomorrow", "carrier": "DHL", "warehouse": "Leipzig"}' },
                ],
              },
              outputs: { choices: [{ message: { role: 'assistant', content: 'Order AC-77 ships tomorrow.' } }] },
            },
          ],
        }),
      ],
    },
    {
      name: 'the session id on a child span (session.id on a tool span at depth 1): no finding at all, the trace is a turn of s-chat',
      traces: [
        ...chat,
        chatTurn({
          key: 'keyed',
          session: null,
          user: 'question keyed about the delivery date',
          answer: 'answer',
          history: HISTORY,
          spans: [{ name: 'tool', parent: hexOf('span/keyed/agent', 16), type: 'TOOL', start: 10, attributes: { 'session.id': 's-chat' } }],
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'one stray turn beside a session (and a health check): a finding for the turn, the share stays under the limit',
      traces: [...chat, loose('stray'), single('hc')],
      errors: [
        {
          messageId: 'noSessionId',
          severity: 'warn',
          sessionId: null,
          traceId: traceIdOf({ key: 'stray' }),
          spanId: null,
          turn: null,
          path: '$.info.trace_metadata',
          message: `${NO_SESSION} is sent 2 user or assistant messages before this turn's user message: it is a turn cut from its conversation, analysed alone, while 2 traces in 1 session of this dump have a session.`,
          evidenceKinds: ['traceWithoutSession', 'modelInput'],
          suggestion: FIX,
        },
      ],
    },
    {
      name: 'most traces lost their session: each is reported, and the share',
      traces: [...chat, loose('a'), loose('b'), loose('c')],
      errors: [
        // Findings of one message with no session or turn go in fingerprint order (the trace ids
        // are checked below).
        { messageId: 'noSessionId', turn: null },
        { messageId: 'noSessionId', turn: null },
        { messageId: 'noSessionId', turn: null },
        {
          messageId: 'manyWithoutSession',
          severity: 'info',
          sessionId: null,
          traceId: null,
          turn: null,
          message: '3 of 5 traces (60%) are turns of a conversation without a session id, more than the 50% allowed: the session key is missing on a whole code path, not on a stray trace.',
          evidenceKinds: ['traceWithoutSession', 'traceWithoutSession', 'traceWithoutSession'],
          suggestion: FIX,
        },
      ],
    },
    {
      name: 'a share over the default but under the configured max_fraction: the traces alone',
      traces: [...chat, loose('x'), loose('y'), loose('z')],
      options: { max_fraction: 0.9 },
      errors: [{ messageId: 'noSessionId' }, { messageId: 'noSessionId' }, { messageId: 'noSessionId' }],
    },
    {
      name: 'max_fraction 0 reports any share',
      traces: [...chat, loose('one')],
      options: { max_fraction: 0 },
      errors: [{ messageId: 'noSessionId' }, { messageId: 'manyWithoutSession', message: /^1 of 3 traces \(33%\) are turns of a conversation without a session id, more than the 0% allowed/ }],
    },
    {
      name: "two session ids in one trace: the metadata's is taken, the agent span's session.id is said",
      traces: [
        chatTurn({
          key: 'two-ids',
          session: 'meta-s',
          user: 'question about the delivery date',
          answer: 'answer',
          spans: [{ name: 'agent-step', parent: hexOf('span/two-ids/agent', 16), type: 'CHAIN', start: 10, attributes: { 'session.id': 'span-s' } }],
        }),
      ],
      errors: [
        {
          messageId: 'conflictingSessionIds',
          severity: 'warn',
          sessionId: 'meta-s',
          traceId: traceIdOf({ key: 'two-ids' }),
          spanId: spanIdOf('two-ids', { name: 'agent-step' }),
          turn: 1,
          path: '$.data.spans[2]',
          message: 'This trace names two session ids: "meta-s" (metadata mlflow.trace.session), the one it is grouped under, and "span-s" (attribute session.id of span "agent-step", depth 1).',
          evidenceKinds: ['sessionId', 'sessionId'],
          suggestion:
            'Write one conversation id per trace. If "span-s" is the conversation, set it as the trace\'s mlflow.trace.session metadata; if session.id holds something else (a request or run id), leave it out of the config\'s "session_keys". The trace info is read first, then the span nearest the root.',
        },
      ],
    },
    {
      name: 'the share counts turns of a conversation only: 2 of 7 is under the limit, though 5 of 7 have no session',
      traces: [...chat, loose('t1'), loose('t2'), single('s1'), single('s2'), single('s3')],
      errors: [{ messageId: 'noSessionId' }, { messageId: 'noSessionId' }],
    },
    {
      name: 'a short follow-up question (no key of its own) sent with the earlier exchange: still a turn of a conversation',
      traces: [...chat, chatTurn({ key: 'short', session: null, user: 'and tomorrow?', answer: 'Tomorrow too.', history: HISTORY })],
      errors: [
        {
          messageId: 'noSessionId',
          traceId: traceIdOf({ key: 'short' }),
          message: `${NO_SESSION} is sent 2 user or assistant messages of a conversation: it is a turn cut from its conversation, analysed alone, while 2 traces in 1 session of this dump have a session.`,
        },
      ],
    },
    {
      name: 'no trace has a session: one note for the dump, not one per trace',
      traces: [loose('s1'), loose('s2')],
      errors: [
        {
          messageId: 'noSessionsAtAll',
          severity: 'info',
          sessionId: null,
          traceId: null,
          turn: null,
          message: 'None of the 2 traces in this dump has a session id: each trace is analysed as a single turn, and no cross-turn rule applies.',
          evidenceKinds: ['traceWithoutSession', 'traceWithoutSession'],
          suggestion: `If the app is multi-turn: ${FIX}`,
        },
      ],
    },
  ],
});

describe('missing-session-id', () => {
  it('reports each trace without a session by its id', () => {
    const { findings } = runRule(rule as RuleModule, [...chat, loose('a'), loose('b'), loose('c')]);
    const ids = findings.filter((f) => f.messageId === 'noSessionId').map((f) => f.traceId);
    expect(ids.sort()).toEqual(['a', 'b', 'c'].map((key) => traceIdOf({ key })).sort());
  });

  it('on samples/: the deploy smoke test tr-13cfe5b30981a23e50c077e461f6a2e6 (one question, no history) is not reported', async () => {
    const result = await analyzeInputs(['samples'], { rules: [{ module: rule as RuleModule, options: { ...rule.meta.defaultOptions } }] });
    expect(result.withoutSessionTraceIds).toEqual(['tr-13cfe5b30981a23e50c077e461f6a2e6']);
    expect(result.findings).toEqual([]);
  });

  it('names the model call that carries the history as evidence, with its span and path', () => {
    const { findings } = runRule(rule as RuleModule, [...chat, loose('ev')]);
    expect(findings[0]!.evidence.map((e) => [e.kind, e.spanId, e.path, e.label])).toEqual([
      ['traceWithoutSession', null, '$.info.trace_metadata', 'no session id'],
      ['modelInput', spanIdOf('ev', { name: 'chat' }), '$.data.spans[1]', 'model call "chat": 2 user or assistant messages before this turn\'s user message'],
    ]);
  });

  it('declares its option in a draft-07 schema with a description', () => {
    const schema = rule.meta.schema as { additionalProperties: boolean; properties: Record<string, { description?: string }> };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(['max_fraction']);
    expect(schema.properties.max_fraction!.description).toMatch(/share/i);
    expect(rule.meta.defaultOptions).toEqual({ max_fraction: 0.5 });
  });
});
