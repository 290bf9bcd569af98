import type { Finding } from '../../src/engine/analyze/findings.js';

/**
 * A worded finding for reporter tests: a `turn-gap/longGap` warning on turn 1 of session `s1`
 * (trace `t1`), no evidence, no suggestion; `over` replaces any field.
 */
export function makeFinding(over: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'turn-gap',
    messageId: 'longGap',
    severity: 'warn',
    message: 'a pause',
    sessionId: 's1',
    traceId: 't1',
    spanId: null,
    turn: 1,
    path: '$.info',
    relatedTurns: [],
    evidence: [],
    suggestion: null,
    fingerprint: '0123456789abcdef',
    role: null,
    ...over,
  };
}
