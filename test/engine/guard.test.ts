import { afterEach, describe, expect, it } from 'vitest';
import { AnalysisCollector } from '../../src/engine/analyze/analyze.js';
import { toSummaryEvent } from '../../src/engine/read/batch.js';
import { DUMP_SOURCE, setTestFault } from '../../src/engine/read/guard.js';
import type { ActiveRule } from '../../src/engine/analyze/rule-runner.js';
import { normalizeRecord } from '../../src/model/normalize.js';
import { defineRule, type RuleModule } from '../../src/rules/api.js';
import { join } from 'node:path';
import { readStdin, REPO_ROOT, runCliAsync } from '../helpers/make-inputs.js';
import { conversation, traceIdOf } from '../helpers/trace-builder.js';

// The per-trace guard at engine level: a rule or a stage that throws on one trace (or one
// session) becomes an `internal` problem of that trace, and everything else is still analysed.

const ALPHA = conversation('sess-alpha', [
  { user: 'hello', answer: 'hi' },
  { user: 'refund?', answer: 'sure' },
]);
const BETA = conversation('sess-beta', [{ user: 'bonjour', answer: 'salut' }]);
const BOMB = traceIdOf({ key: 'sess-alpha/turn-2' });

/** A rule that reports every trace (and every session, and the dump), and throws where it is told to. */
function probe(throwOnTrace: string | null, throwOnSession: string | null, throwOnDump = false): ActiveRule {
  const module = defineRule({
    meta: { id: 'probe', type: 'problem', description: 'test probe', severity: 'warn', messages: { seen: 'seen {{id}}', session: 'session {{id}}', dump: 'dump of {{n}} sessions' } },
    create(context) {
      return {
        trace({ trace }) {
          if (trace.traceId === throwOnTrace) throw new TypeError(`probe broke on ${trace.traceId}`);
          context.report({ messageId: 'seen', data: { id: trace.traceId }, traceId: trace.traceId });
        },
        session(session) {
          // Reports first, then throws: what it reported on the failing session must not survive.
          context.report({ messageId: 'session', data: { id: session.id }, sessionId: session.id });
          if (session.id === throwOnSession) throw new RangeError(`probe broke on ${session.id}`);
        },
        dumpExit(dump) {
          // Reports first, then throws: a partial dump-level result must not survive either.
          context.report({ messageId: 'dump', data: { n: dump.sessionCount } });
          if (throwOnDump) throw new Error('probe broke on the dump');
        },
      };
    },
  });
  return { module: module as RuleModule, options: {} };
}

function analyse(rule: ActiveRule, records: ReadonlyArray<Record<string, unknown>>) {
  const told: string[] = [];
  const collector = new AnalysisCollector({ rules: [rule], onInternal: (r) => told.push(r.message) });
  try {
    records.forEach((record, index) => {
      const normalized = normalizeRecord(record);
      if (!('trace' in normalized)) throw new Error('test record is not a trace');
      collector.add(normalized.trace, { source: 'dump.jsonl', index, offset: index * 1000, length: 1000, line: index + 1 });
    });
    return { result: collector.finish(), told };
  } finally {
    collector.close();
  }
}

describe('a rule that throws', () => {
  it('on one trace: that trace is an internal problem with its provenance, the others are analysed', () => {
    const { result, told } = analyse(probe(BOMB, null), [...ALPHA, ...BETA]);
    expect(result.internal).toEqual([
      {
        provenance: { source: 'dump.jsonl', index: 1, offset: 1000, length: 1000, line: 2, column: 1 },
        code: 'internal',
        message: `internal error (analyze): probe broke on ${BOMB}`,
        at: { offset: 1000, line: 2 },
        stack: expect.stringContaining('TypeError: probe broke on') as unknown as string,
      },
    ]);
    expect(told).toEqual([`internal error (analyze): probe broke on ${BOMB}`]);
    // The failed trace is left out: counted as a problem, not as a trace read or a turn.
    expect(result.traces).toBe(2);
    expect(Array.from(result.sessions, (s) => [s.sessionId, s.turns])).toEqual([
      ['sess-alpha', 1],
      ['sess-beta', 1],
    ]);
    expect(
      result.findings
        .filter((f) => f.messageId === 'seen')
        .map((f) => f.traceId)
        .sort(),
    ).toEqual([traceIdOf({ key: 'sess-alpha/turn-1' }), traceIdOf({ key: 'sess-beta/turn-1' })].sort());
  });

  it("on one session: each of its traces gets an internal problem, the rule's findings there are dropped, the other sessions stand", () => {
    const { result } = analyse(probe(null, 'sess-alpha'), [...ALPHA, ...BETA]);
    expect(result.internal.map((r) => [r.code, r.provenance.index, r.message])).toEqual([
      ['internal', 0, 'internal error (session-rules): probe broke on sess-alpha (rule probe on session "sess-alpha", turn 1; its findings on this session are left out)'],
      ['internal', 1, 'internal error (session-rules): probe broke on sess-alpha (rule probe on session "sess-alpha", turn 2; its findings on this session are left out)'],
    ]);
    expect(result.findings.filter((f) => f.messageId === 'session').map((f) => f.sessionId)).toEqual(['sess-beta']);
    // The trace visitors' findings of the failing session were made before it and stand.
    expect(result.findings.filter((f) => f.messageId === 'seen')).toHaveLength(3);
    expect(Array.from(result.sessions, (s) => s.sessionId)).toEqual(['sess-alpha', 'sess-beta']);
  });

  it("on the whole dump: one internal problem of no trace, the rule's dump-level findings dropped, every other finding stands", () => {
    const { result, told } = analyse(probe(null, null, true), [...ALPHA, ...BETA]);
    expect(result.internal.map((r) => [r.code, r.provenance.source, r.message])).toEqual([
      ['internal', DUMP_SOURCE, 'internal error (dump-rules): probe broke on the dump (rule probe on the whole dump; its dump-level findings are left out)'],
    ]);
    expect(told).toHaveLength(1);
    expect(result.findings.filter((f) => f.messageId === 'dump')).toEqual([]);
    expect(result.findings.map((f) => f.messageId).sort()).toEqual(['seen', 'seen', 'seen', 'session', 'session']);
  });

  it('nowhere: no internal problem', () => {
    const { result } = analyse(probe(null, null), [...ALPHA, ...BETA]);
    expect(result.internal).toEqual([]);
    expect(result.findings).toHaveLength(6);
  });
});

describe('the reader and the summaries under the guard', () => {
  afterEach(() => setTestFault(null));
  const lines = Buffer.from([...ALPHA, ...BETA].map((t) => JSON.stringify(t)).join('\n') + '\n');

  it('a record whose reading throws is its internal rejection (record index, offset, line); the next records are read', async () => {
    setTestFault(`read:${BOMB}`);
    const events = await readStdin(lines);
    const offset = lines.indexOf('\n') + 1;
    expect(
      events
        .filter((e) => e.type === 'rejected' || e.type === 'trace')
        .map((e) => (e.type === 'trace' ? e.trace.traceId : [e.rejection.code, e.rejection.provenance.index, e.rejection.provenance.offset, e.rejection.provenance.line, e.rejection.message])),
    ).toEqual([
      traceIdOf({ key: 'sess-alpha/turn-1' }),
      ['internal', 1, offset, 2, `internal error (read): test fault injected at read for ${BOMB} (TRACETRIAGE_TEST_FAULT)`],
      traceIdOf({ key: 'sess-beta/turn-1' }),
    ]);
  });

  it('a trace whose summary throws is its internal rejection', async () => {
    setTestFault(`summary:${BOMB}`);
    const events = (await readStdin(lines)).map(toSummaryEvent);
    expect(events.filter((e) => e.type === 'rejected').map((e) => e.type === 'rejected' && [e.rejection.code, e.rejection.provenance.index])).toEqual([['internal', 1]]);
    expect(events.filter((e) => e.type === 'summary')).toHaveLength(2);
  });
});

describe('a rule that fails on the whole dump, from the binary', () => {
  it('analyze still prints every other finding, names the failure once and exits 2 saying why; no record is counted rejected', async () => {
    const run = await runCliAsync(['analyze', join(REPO_ROOT, 'samples'), '--no-config'], { env: { TRACETRIAGE_TEST_FAULT: 'dump-rules:scorer-error-assessment' } });
    expect(run.status).toBe(2);
    const last = run.stdout.trimEnd().split('\n').at(-1)!;
    expect(last).toBe(
      '9 findings: 1 error, 8 warn, 0 info · 1 root cause · 4 sessions, 13 traces read · 1 without a session · 14 rules · config none → exit 2 (an internal error left part of the output out (said above); --debug shows the stack)',
    );
    expect(run.stderr.split('\n')).toContain(
      'tracetriage: internal error (dump-rules): test fault injected at dump-rules for scorer-error-assessment (TRACETRIAGE_TEST_FAULT) (rule scorer-error-assessment on the whole dump; its dump-level findings are left out)',
    );
  }, 120_000);
});

describe('a report session that cannot be drawn, from the binary', () => {
  it.each(['markdown', 'html'] as const)(
    '%s: said in its place, the other sessions drawn, the failure named once, exit 2',
    async (format) => {
      const turn3 = 'tr-0db43d844574d1055d12ea28d4b290e6';
      const run = await runCliAsync(['report', join(REPO_ROOT, 'samples'), '--no-config', '--format', format], { env: { TRACETRIAGE_TEST_FAULT: `render:${turn3}` } });
      expect(run.status).toBe(2);
      const said = `this session could not be drawn (internal error: test fault injected at render for ${turn3} (TRACETRIAGE_TEST_FAULT))`;
      expect(run.stdout.split(said)).toHaveLength(2);
      // The other three sessions are still drawn in detail.
      for (const id of ['sess-legacy-2b', 'sess-wrapper-19c2', 'sess-otel-44d1']) expect(run.stdout).toContain(format === 'html' ? `Session <code>${id}</code>` : `## Session \`${id}\``);
      const named = run.stderr.split('\n').filter((line) => line.includes('could not be drawn'));
      expect(named).toEqual([
        `tracetriage: internal error (render): test fault injected at render for ${turn3} (TRACETRIAGE_TEST_FAULT) (session "sess-refund-7f3a" could not be drawn in the report; the report says so in its place)`,
      ]);
      expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('tracetriage: exit 2: an internal error left part of the output out (said above); --debug shows the stack');
    },
    120_000,
  );
});
