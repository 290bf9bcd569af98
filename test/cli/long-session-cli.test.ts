import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonl, makeWorkspace, runCliAsync, type Workspace } from '../helpers/make-inputs.js';
import { chatTurn, makeTrace, type AssessmentSpec } from '../helpers/trace-builder.js';

// Issue 12, "Bounded work": a session of thousands of turns and a trace of thousands of
// assessments, through the real binary. Correctness only (speed is `make bench -- --scenario
// long-session`): the exact findings a sliding-window app and a recurring error give, turn
// numbers, and the same bytes on two runs. Generous timeouts: the runs take seconds alone and
// much longer on a loaded two-core machine.

const TURNS = 1500;
/** Messages of history the app sends: the last three turns. */
const WINDOW = 6;
/** Every 100th turn fails with the same tool error. */
const FAILING = Array.from({ length: TURNS / 100 }, (_, i) => (i + 1) * 100);
const SESSION = 'sess-long';
const TIMEOUT = 300_000;

/** A long chat whose app keeps the last three turns; turn 100, 200, … hit the same tool error. */
function longSession(): string {
  const history: Array<{ role: 'user' | 'assistant'; content: string }> = [];
  const lines: string[] = [];
  for (let n = 1; n <= TURNS; n++) {
    const user = `Turn ${n}: please check order number ${n} and its delivery address`;
    const answer = `Order number ${n} ships from the warehouse on day ${(n % 28) + 1}`;
    const failing = n % 100 === 0;
    lines.push(
      JSON.stringify(
        chatTurn({
          key: `long/${n}`,
          session: SESSION,
          at: (n - 1) * 60_000,
          user,
          answer,
          history: history.slice(-WINDOW),
          ...(failing ? { toolError: { name: 'lookup_order', type: 'KeyError', message: 'order not found' } } : {}),
        }),
      ),
    );
    history.push({ role: 'user', content: user }, { role: 'assistant', content: answer });
  }
  return jsonl(lines);
}

/**
 * One trace with `m` assessments: every tenth a scorer error, every fourth of the others a fail.
 */
function assessedTrace(m: number): string {
  const assessments: AssessmentSpec[] = Array.from({ length: m }, (_, i) =>
    i % 10 === 9 ? { name: `judge_${i}`, error: { code: 'RATE_LIMIT', message: `judge ${i} was rate limited` } } : { name: `judge_${i}`, value: i % 4 === 0 ? 'no' : 'yes', rationale: `Judged ${i}.` },
  );
  return jsonl([
    JSON.stringify(
      makeTrace({
        key: 'assessed',
        session: 'sess-assessed',
        spans: [{ name: 'agent', type: 'AGENT', inputs: { messages: [{ role: 'user', content: 'Where is my parcel?' }] }, outputs: 'It ships tomorrow.' }],
        assessments,
      }),
    ),
  ]);
}

interface AnalyzeJson {
  summary: Record<string, unknown>;
  findings: Array<{ rule_id: string; message_id: string; turn: number | null; related_turns: number[]; message: string }>;
}

let ws: Workspace;
let longFile: string;
let assessedFile: string;
const M = 5000;

beforeAll(() => {
  ws = makeWorkspace('tracetriage-long-');
  longFile = ws.write('long.jsonl', longSession());
  assessedFile = ws.write('assessed.jsonl', assessedTrace(M));
});
afterAll(() => ws.cleanup());

describe(`a session of ${TURNS} turns`, () => {
  it(
    'sessions counts every turn',
    async () => {
      const r = await runCliAsync(['sessions', '--format', 'json', '--no-config', longFile]);
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout) as { sessions: Array<{ session_id: string; turns: number; turns_with_errors: number }> };
      expect(out.sessions.map((s) => [s.session_id, s.turns, s.turns_with_errors])).toEqual([[SESSION, TURNS, FAILING.length]]);
    },
    TIMEOUT,
  );

  it(
    'analyze finds each dropped turn once, the first recurring failure as the root, and is the same twice',
    async () => {
      const args = ['analyze', '--format', 'json', '--fail-on', 'none', '--no-config', longFile];
      const [a, b] = await Promise.all([runCliAsync(args), runCliAsync(args)]);
      expect(a.status).toBe(0);
      expect(a.stdoutBytes.equals(b.stdoutBytes)).toBe(true);
      const { findings } = JSON.parse(a.stdout) as AnalyzeJson;

      // The window keeps turns n-3..n-1: at turn n, turn n-4 leaves it, told once (first_only).
      const dropped = findings.filter((f) => f.message_id === 'historyDropped');
      expect(dropped.map((f) => [f.turn, f.related_turns])).toEqual(Array.from({ length: TURNS - 4 }, (_, i) => [i + 5, [i + 1]]));
      expect(dropped[0]!.message).toBe('Turn 5: turn 1 is no longer in the model input of "chat" (it keeps the last 4 turns); the model cannot see what was said there.');
      expect(dropped.at(-1)!.message).toContain(`Turn ${TURNS}: turn ${TURNS - 4} is no longer`);

      // The same error every hundred turns: turn 100 is the root, every later one inherits it.
      const roots = findings.filter((f) => f.message_id === 'rootCause');
      expect(roots.map((f) => [f.turn, f.related_turns])).toEqual([[100, FAILING.slice(1)]]);
      const inherited = findings.filter((f) => f.message_id === 'inheritedFailure');
      expect(inherited.map((f) => f.turn)).toEqual(FAILING.slice(1));
      // Each links to every earlier failing turn (same error, within the look-back).
      expect(inherited.map((f) => f.related_turns)).toEqual(FAILING.slice(1).map((n) => FAILING.filter((k) => k < n)));
      expect(findings.filter((f) => f.rule_id === 'error-propagation')).toHaveLength(FAILING.length);
    },
    TIMEOUT,
  );

  it(
    'report (html and markdown) is the same twice and names the root cause',
    async () => {
      const html = ['report', '--format', 'html', '--no-config', longFile];
      const md = ['report', '--format', 'markdown', '--max-bytes', '10000000', '--no-config', longFile];
      const [h1, h2, m1, m2] = await Promise.all([runCliAsync(html), runCliAsync(html), runCliAsync(md), runCliAsync(md)]);
      for (const r of [h1, m1]) expect(r.status).toBe(0);
      expect(h1.stdoutBytes.equals(h2.stdoutBytes)).toBe(true);
      expect(m1.stdoutBytes.equals(m2.stdoutBytes)).toBe(true);
      expect(h1.stdout).toContain('<h3>Root cause at <a href="#s1-t100">turn 100</a></h3>');
      expect(m1.stdout).toContain('#### Turn 200 · inherited the failure of turn 100');
    },
    TIMEOUT,
  );
});

describe(`a trace with ${M} assessments`, () => {
  const failing = Array.from({ length: M }, (_, i) => i).filter((i) => i % 10 !== 9 && i % 4 === 0).length;

  it(
    'sessions counts every failing assessment',
    async () => {
      const r = await runCliAsync(['sessions', '--format', 'json', '--no-config', assessedFile]);
      const out = JSON.parse(r.stdout) as { sessions: Array<{ turns: number; failing_assessments: number }> };
      expect(out.sessions.map((s) => [s.turns, s.failing_assessments])).toEqual([[1, failing]]);
    },
    TIMEOUT,
  );

  it(
    'analyze and report are the same twice',
    async () => {
      const analyze = ['analyze', '--format', 'json', '--fail-on', 'none', '--no-config', assessedFile];
      const report = ['report', '--format', 'html', '--no-config', assessedFile];
      const [a1, a2, r1, r2] = await Promise.all([runCliAsync(analyze), runCliAsync(analyze), runCliAsync(report), runCliAsync(report)]);
      expect(a1.status).toBe(0);
      expect(r1.status).toBe(0);
      expect(a1.stdoutBytes.equals(a2.stdoutBytes)).toBe(true);
      expect(r1.stdoutBytes.equals(r2.stdoutBytes)).toBe(true);
      const { findings } = JSON.parse(a1.stdout) as AnalyzeJson;
      // The trace is the whole session: its failure (the first failing assessment) is isolated.
      // Each scorer (500 distinct names) failed once: no total (totals start at 2 failures); one
      // finding per listed error, and one that says how many more the trace has past the list.
      const byMessage = new Map<string, number>();
      for (const f of findings) byMessage.set(f.message_id, (byMessage.get(f.message_id) ?? 0) + 1);
      expect(Object.fromEntries(byMessage)).toEqual({ isolatedFailure: 1, scorerError: 100, moreScorerErrors: 1 });
      expect(findings.find((f) => f.message_id === 'isolatedFailure')!.message).toBe('Turn 1 failed, but nothing later built on it: it is the last turn. Its failure: judge_0 = "no": Judged 0.');
      expect(r1.stdout).toContain('judge_0');
    },
    TIMEOUT,
  );
});
