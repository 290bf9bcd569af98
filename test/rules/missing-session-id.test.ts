import { describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../src/engine/analyze.js';
import type { RuleModule } from '../../src/rules/api.js';
import rule from '../../src/rules/missing-session-id.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { chatTurn, conversation, traceIdOf } from '../helpers/trace-builder.js';

const loose = (key: string) => chatTurn({ key, session: null, user: `question ${key}`, answer: `answer ${key}` });
const chat = conversation('s-chat', [
  { user: 'hello, I need help with an order', answer: 'sure, which one?' },
  { user: 'order AC-1, it is late', answer: 'it ships tomorrow' },
]);
const FIX =
  'Set the session on every trace: mlflow.update_current_trace(metadata={"mlflow.trace.session": session_id}) inside the traced entry point (MLflow docs, "Track Users & Sessions"); if the app already keeps its conversation id under another key, list that key in the config\'s "session_keys".';

ruleTester(rule as RuleModule, {
  valid: [
    { name: 'every trace has a session', traces: chat },
    { name: 'an empty dump', traces: [] },
  ],
  invalid: [
    {
      name: 'one stray trace beside a session: a finding for it, the share stays under the limit',
      traces: [...chat, loose('stray')],
      errors: [
        {
          messageId: 'noSessionId',
          severity: 'warn',
          sessionId: null,
          traceId: traceIdOf({ key: 'stray' }),
          spanId: null,
          turn: null,
          path: '$.info.trace_metadata',
          message: 'This trace has no session id (no mlflow.trace.session metadata and no other session key) while 2 traces in 1 session of this dump have one: it is analysed alone, outside any conversation.',
          evidenceKinds: ['traceWithoutSession'],
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
          message: '3 of 5 traces (60%) have no session id, more than the 50% allowed: the session key is missing on a whole code path, not on a stray trace.',
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
      errors: [{ messageId: 'noSessionId' }, { messageId: 'manyWithoutSession', message: /^1 of 3 traces \(33%\) have no session id, more than the 0% allowed/ }],
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

  it('on samples/: reports the deploy smoke test tr-13cfe5b30981a23e50c077e461f6a2e6, the one trace without a session', async () => {
    const { findings } = await analyzeInputs(['samples'], { rules: [{ module: rule as RuleModule, options: { ...rule.meta.defaultOptions } }] });
    expect(findings.map((f) => [f.messageId, f.traceId, f.message])).toEqual([
      [
        'noSessionId',
        'tr-13cfe5b30981a23e50c077e461f6a2e6',
        'This trace has no session id (no mlflow.trace.session metadata and no other session key) while 12 traces in 4 sessions of this dump have one: it is analysed alone, outside any conversation.',
      ],
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
