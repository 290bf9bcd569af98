import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ASSESSMENTS } from '../../src/model/digest-types.js';
import { jsonl, makeWorkspace, runCliAsync, type Workspace } from '../helpers/make-inputs.js';
import { makeTrace, type AssessmentSpec } from '../helpers/trace-builder.js';

// Issue 12, "Nothing lost": a trace's digest lists at most MAX_ASSESSMENTS assessments, but every
// count (failing, scorer errors, per-scorer totals) is over all of them. The scorer errors and
// failures are spread over the whole trace, most of them past the bound, and outnumber it.

const M = 250;
const TIMEOUT = 300_000;
const SESSION = 'sess-many-assessments';

/** Assessment i: odd ones scorer errors (two codes), even ones verdicts, every fourth a fail. */
function spec(i: number): AssessmentSpec {
  const scorer = `judge_${i % 3}`;
  if (i % 2 === 1) return { name: scorer, error: { code: i % 4 === 1 ? 'RATE_LIMIT' : 'TIMEOUT', message: `judge ${i} failed` } };
  return { name: scorer, value: i % 4 === 0 ? 'no' : 'yes', rationale: `Judged ${i}.` };
}
const specs = Array.from({ length: M }, (_, i) => spec(i));
const errors = specs.filter((s) => s.error !== undefined);
const failing = specs.filter((s) => s.error === undefined && s.value === 'no').length;

let ws: Workspace;
let file: string;

beforeAll(() => {
  ws = makeWorkspace('tracetriage-assessments-');
  file = ws.write(
    'assessed.jsonl',
    jsonl([
      JSON.stringify(
        makeTrace({
          key: 'assessed',
          session: SESSION,
          spans: [{ name: 'agent', type: 'AGENT', inputs: { messages: [{ role: 'user', content: 'Where is my parcel?' }] }, outputs: 'It ships tomorrow.' }],
          assessments: specs,
        }),
      ),
    ]),
  );
});
afterAll(() => ws.cleanup());

describe(`a trace with ${M} assessments, ${errors.length} of them scorer errors`, () => {
  it('outnumbers the bound (the premise of these tests)', () => {
    expect(errors.length).toBe(125);
    expect(errors.length).toBeGreaterThan(MAX_ASSESSMENTS);
    expect(failing).toBe(63);
  });

  it(
    'sessions counts every scorer error and failing assessment',
    async () => {
      const r = await runCliAsync(['sessions', '--format', 'json', '--no-config', file]);
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout) as { sessions: Array<{ session_id: string; failing_assessments: number; scorer_errors: number }> };
      expect(out.sessions.map((s) => [s.session_id, s.failing_assessments, s.scorer_errors])).toEqual([[SESSION, 63, 125]]);
    },
    TIMEOUT,
  );

  it(
    'session counts every one and says how many the turn does not list',
    async () => {
      const r = await runCliAsync(['session', SESSION, '--format', 'json', '--no-config', file]);
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout) as {
        summary: { failing_assessments: number; scorer_errors: number };
        turns: Array<{ assessments: Array<{ polarity: string }>; scorer_errors: unknown[]; assessments_omitted: number }>;
      };
      expect([out.summary.failing_assessments, out.summary.scorer_errors]).toEqual([63, 125]);
      const turn = out.turns[0]!;
      // Each list is bounded on its own; what is not listed is counted.
      expect([turn.scorer_errors.length, turn.assessments.length, turn.assessments_omitted]).toEqual([MAX_ASSESSMENTS, MAX_ASSESSMENTS, M - 2 * MAX_ASSESSMENTS]);
      // The failing verdicts are kept first: all 63 are listed, though 125 verdicts outnumber the bound.
      expect(turn.assessments.filter((a) => a.polarity === 'fail')).toHaveLength(63);
      const text = await runCliAsync(['session', SESSION, '--no-config', '--no-color', file]);
      expect(text.stdout).toContain(`… ${M - 2 * MAX_ASSESSMENTS} more assessments not shown`);
      const md = await runCliAsync(['session', SESSION, '--format', 'markdown', '--no-config', file]);
      expect(md.stdout).toContain(`… and ${M - 2 * MAX_ASSESSMENTS} more assessments not listed`);
    },
    TIMEOUT,
  );

  it(
    'report says, under the lists it shows, how many assessments it did not list',
    async () => {
      const left = `… and ${M - 2 * MAX_ASSESSMENTS} more assessments not listed: `;
      const [md, html] = await Promise.all([runCliAsync(['report', '--format', 'markdown', '--no-config', file]), runCliAsync(['report', '--format', 'html', '--no-config', file])]);
      expect([md.status, html.status]).toEqual([0, 0]);
      expect(md.stdout.split('\n')).toContain(`${left}\`tracetriage trace\` shows them all.`);
      expect(html.stdout).toContain(`<p class="muted">${left}<code>tracetriage trace</code> shows them all.</p>`);
    },
    TIMEOUT,
  );

  it(
    'analyze totals every scorer failure per scorer',
    async () => {
      const r = await runCliAsync(['analyze', '--format', 'json', '--fail-on', 'none', '--no-config', '--rule', 'scorer-error-assessment', file]);
      expect(r.status).toBe(0);
      const { findings } = JSON.parse(r.stdout) as { findings: Array<{ message_id: string; message: string }> };
      const totals = findings.filter((f) => f.message_id === 'scorerTotals').map((f) => f.message);
      const expected = [0, 1, 2].map((k) => {
        const mine = specs.filter((s) => s.name === `judge_${k}`);
        const failures = mine.filter((s) => s.error !== undefined);
        const rate = failures.filter((s) => s.error!.code === 'RATE_LIMIT').length;
        const top = rate >= failures.length - rate ? ['RATE_LIMIT', rate] : ['TIMEOUT', failures.length - rate];
        return `Scorer "judge_${k}" failed ${failures.length} of ${mine.length} runs (${Math.round((100 * failures.length) / mine.length)}%) in 1 session; most common error ${top[0]} (${top[1]} of ${failures.length}).`;
      });
      expect(totals).toEqual(expected);
      // One finding per listed scorer error, and one that says how many more there are, by scorer;
      // the totals above count those past the list too.
      expect(findings.filter((f) => f.message_id === 'scorerError')).toHaveLength(MAX_ASSESSMENTS);
      const failing = specs.filter((s) => s.error !== undefined);
      const byScorer = [0, 1, 2].map((k) => `judge_${k} ${failing.filter((s) => s.name === `judge_${k}`).length}`).join(', ');
      expect(findings.filter((f) => f.message_id === 'moreScorerErrors').map((f) => f.message)).toEqual([
        `This trace has ${failing.length} scorer errors; the ${MAX_ASSESSMENTS} above are named one by one and ${failing.length - MAX_ASSESSMENTS} more are not (${byScorer}): each is a judge failure, not a quality signal.`,
      ]);
    },
    TIMEOUT,
  );
});
