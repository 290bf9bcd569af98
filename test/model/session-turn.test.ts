import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTraces } from '../../src/engine/read/read.js';
import { digestTrace, sessionTurnOf } from '../../src/model/digest.js';
import type { DigestOptions } from '../../src/model/digest-types.js';
import type { SessionTurn } from '../../src/model/sessions.js';
import type { Trace } from '../../src/model/types.js';
import { traceOf } from '../helpers/fixture-traces.js';
import { REPO_ROOT } from '../helpers/make-inputs.js';
import { chatTurn, makeTrace } from '../helpers/trace-builder.js';

// The `sessions` command makes of each trace only its `SessionTurn` (sessionTurnOf), not a whole
// digest: every field must be the digest's, on every real input the repository has and with the
// options that change them (session and user keys, scorer polarities).

/** Every trace the engine reads from `inputs`. */
async function tracesOf(inputs: readonly string[]): Promise<Trace[]> {
  const traces: Trace[] = [];
  for await (const event of readTraces(inputs)) if (event.type === 'trace') traces.push(event.trace);
  return traces;
}

function turnFields(t: SessionTurn): SessionTurn {
  const { traceId, sessionId, user, experimentId, requestTimeMs, rootStartNs, durationMs, state, errorSpanCount, assessments } = t;
  return {
    traceId,
    sessionId,
    user,
    experimentId,
    requestTimeMs,
    rootStartNs,
    durationMs,
    state,
    errorSpanCount,
    assessments: { failing: assessments.failing, counts: { scorerErrors: assessments.counts.scorerErrors } },
  };
}

const OPTIONS: Array<[string, DigestOptions]> = [
  ['default options', {}],
  [
    'session and user keys, and a polarity override',
    // `no` passes helpfulness here: its verdicts count the other way.
    { sessionKeys: ['thread_id', 'conversation.id'], userKeys: ['customer'], overrides: { helpfulness: { pass: ['no'], fail: ['yes'] } } },
  ],
];

describe('sessionTurnOf', () => {
  it.each(OPTIONS)('is the digest’s SessionTurn for every trace of samples/, test/fixtures/, test/stores/, test/carrier-fixtures/ and hand-made edge cases, %s', async (_, options) => {
    const dirs = ['samples', 'test/fixtures', 'test/stores', 'test/carrier-fixtures'].map((d) => join(REPO_ROOT, d));
    const inputs = dirs.flatMap((d) => readdirSync(d).map((f) => join(d, f)));
    const traces = await tracesOf(inputs);
    // Edge cases the files may not have: no spans, an ERROR span under an OK state, judges, no times.
    const made: Array<Record<string, unknown>> = [
      makeTrace({ key: 'empty', session: null, spans: [] }),
      makeTrace({
        key: 'err',
        session: 's',
        state: 'OK',
        spans: [
          { id: 'c000000000000001', name: 'root' },
          { id: 'c000000000000002', name: 'tool', parent: 'c000000000000001', status: 'ERROR' },
        ],
      }),
      chatTurn({
        key: 'judged',
        session: 's',
        user: 'q',
        answer: 'a',
        assessments: [
          { name: 'helpfulness', value: 'no' },
          { name: 'correctness', error: { code: 'TIMEOUT', message: 'judge timed out' } },
        ],
      }),
    ];
    // No execution duration: the root span's times give it; no request time: the root's start.
    const untimed = makeTrace({ key: 'untimed', session: 's', spans: [{ id: 'c000000000000003', name: 'root' }] }) as { info: Record<string, unknown> };
    delete untimed.info.execution_duration;
    delete untimed.info.request_time;
    made.push(untimed);
    traces.push(...made.map((t) => traceOf(t)));
    expect(traces.length).toBeGreaterThan(60);
    let failing = 0;
    let errors = 0;
    for (const trace of traces) {
      const turn = sessionTurnOf(trace, options);
      expect(turn).toEqual(turnFields(digestTrace(trace, options)));
      failing += turn.assessments.failing;
      errors += turn.errorSpanCount;
    }
    // The inputs exercise the counts, not only zeros.
    expect(failing).toBeGreaterThan(0);
    expect(errors).toBeGreaterThan(0);
  });
});
