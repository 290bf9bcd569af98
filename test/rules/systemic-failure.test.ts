import { describe, expect, it } from 'vitest';
import rule from '../../src/rules/systemic-failure.js';
import { ruleTester, runRule } from '../helpers/rule-tester.js';
import { chatTurn, conversation, spanIdOf, traceIdOf, type ChatTurnSpec } from '../helpers/trace-builder.js';

type TurnSpec = Omit<ChatTurnSpec, 'key' | 'session'>;

const ok = (n: number): TurnSpec => ({ user: `Question number ${n} about my order AC-1001?`, answer: `Answer number ${n}: all is well with AC-1001.` });
const down: TurnSpec['toolError'] = { name: 'check_stock', type: 'ConnectionError', message: 'inventory service unavailable' };
const failing = (n: number, toolError: TurnSpec['toolError'] = down): TurnSpec => ({ ...ok(n), toolError });
const judged = (n: number): TurnSpec => ({ ...ok(n), assessments: [{ name: 'correctness', value: false, rationale: 'States a 60-day refund window.' }] });

/** Sessions a1…a3 hit the same dependency at different turns; a4 and a5 are fine. */
const outage = [
  ...conversation('a1', [failing(1)]),
  ...conversation('a2', [ok(1), failing(2)]),
  ...conversation('a3', [ok(1), ok(2), failing(3)]),
  ...conversation('a4', [ok(1), ok(2)]),
  ...conversation('a5', [ok(1)]),
];

/** Sessions b1…b3 start failing at turn 2, each for its own reason; b4 reaches turn 2 and is fine. */
const turnTwo = [
  ...conversation('b1', [
    ok(1),
    failing(2, { name: 'lookup_order', type: 'KeyError', message: 'order AC-1 not found' }),
    failing(3, { name: 'lookup_order', type: 'KeyError', message: 'order AC-2 not found' }),
  ]),
  ...conversation('b2', [ok(1), failing(2, { name: 'parse_date', type: 'ValueError', message: 'bad date' })]),
  ...conversation('b3', [ok(1), judged(2)]),
  ...conversation('b4', [ok(1), ok(2)]),
];

ruleTester(rule, {
  valid: [
    { name: 'the same error in two sessions only', traces: outage.filter((t) => !JSON.stringify(t).includes('"a3"')) },
    {
      name: 'three sessions start failing at turn 2, but they are under half of the seven that reach it',
      traces: [...turnTwo, ...conversation('b5', [ok(1), ok(2)]), ...conversation('b6', [ok(1), ok(2)]), ...conversation('b7', [ok(1), ok(2)])],
      options: { min_sessions: 3, min_turn_share: 0.5 },
    },
    {
      name: 'scorer errors are judge failures, not session failures',
      traces: ['c1', 'c2', 'c3'].map((s) => chatTurn({ key: s, session: s, ...ok(1), assessments: [{ name: 'relevance', error: { code: 'RATE_LIMIT_EXCEEDED', message: '429' } }] })),
    },
    { name: 'the same error in traces without a session', traces: ['d1', 'd2', 'd3'].map((k) => chatTurn({ key: k, session: null, ...failing(1) })) },
  ],
  invalid: [
    {
      name: 'one dependency down in three sessions, at different turns',
      traces: outage,
      errors: [
        {
          messageId: 'sameSignature',
          sessionId: null,
          traceId: null,
          spanId: null,
          turn: null,
          path: null,
          severity: 'error',
          message: 'The same error fails 3 sessions (3 failing turns in all): ConnectionError: inventory service unavailable; first seen in session a1, turn 1.',
          evidenceKinds: ['failingTurn', 'failingTurn', 'failingTurn'],
          suggestion: /start from the first example/,
        },
      ],
    },
    {
      name: 'three sessions of four start failing at turn 2',
      traces: turnTwo,
      errors: [
        {
          messageId: 'sameTurnNumber',
          sessionId: null,
          traceId: null,
          turn: null,
          severity: 'warn',
          message: '3 sessions start failing at turn 2 (75% of the 4 sessions that reach it); e.g. session b1: span lookup_order failed: KeyError: order AC-1 not found.',
          evidenceKinds: ['failingTurn', 'failingTurn', 'failingTurn'],
        },
      ],
    },
  ],
});

describe('systemic-failure evidence', () => {
  it("names the trace, turn, span and path of each session's first sighting", () => {
    const [finding] = runRule(rule, outage).findings;
    expect(finding!.evidence.map((e) => [e.traceId, e.turn, e.spanId, e.path])).toEqual([
      [traceIdOf({ key: 'a1/turn-1' }), 1, spanIdOf('a1/turn-1', { name: 'check_stock' }), '$.data.spans[1]'],
      [traceIdOf({ key: 'a2/turn-2' }), 2, spanIdOf('a2/turn-2', { name: 'check_stock' }), '$.data.spans[1]'],
      [traceIdOf({ key: 'a3/turn-3' }), 3, spanIdOf('a3/turn-3', { name: 'check_stock' }), '$.data.spans[1]'],
    ]);
  });

  it('points a failing verdict at its assessment', () => {
    const [finding] = runRule(rule, turnTwo).findings;
    expect(finding!.evidence[2]).toMatchObject({
      traceId: traceIdOf({ key: 'b3/turn-2' }),
      path: '$.info.assessments[0]',
      label: 'session b3, turn 2: correctness = false: States a 60-day refund window.',
    });
  });

  it('reports both when the same error starts at the same turn everywhere', () => {
    const traces = ['e1', 'e2', 'e3'].flatMap((s) => conversation(s, [ok(1), failing(2)]));
    expect(runRule(rule, traces).findings.map((f) => f.messageId)).toEqual(['sameSignature', 'sameTurnNumber']);
  });

  it('bounds the evidence to ten sessions', () => {
    const traces = Array.from({ length: 12 }, (_, i) => chatTurn({ key: `f${i}`, session: `f${String(i).padStart(2, '0')}`, ...failing(1) }));
    const findings = runRule(rule, traces).findings;
    expect(findings.map((f) => [f.messageId, f.evidence.length])).toEqual([
      ['sameSignature', 10],
      ['sameTurnNumber', 10],
    ]);
    expect(findings[0]!.message).toMatch(/^The same error fails 12 sessions \(12 failing turns in all\)/);
  });
});
