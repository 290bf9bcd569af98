import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FindingJson } from '../../src/report/analyze/analyze.js';
import { REPO_ROOT, makeWorkspace, runCliAsync } from '../helpers/make-inputs.js';
import { REFUND_TURNS } from '../helpers/samples.js';
import { conversation, spanIdOf } from '../helpers/trace-builder.js';

// The samples without a single assessment (test/judge-free/, made by
// `scripts/make-samples.mjs --judge-free`): what most production dumps look like. `analyze` must
// still find where the refund session went wrong, from what the traces hold.
const JUDGE_FREE = join(REPO_ROOT, 'test/judge-free');
const CLI_TIMEOUT = 60_000;

describe('analyze on the judge-free samples', () => {
  it(
    "finds the refund session's root cause at turn 3 from the outdated document, with turns 4 and 5 inheriting it",
    async () => {
      const run = await runCliAsync(['analyze', '--format', 'json', JUDGE_FREE]);
      // Clues warn, never fail a CI gate on their own: exit 0 at the default --fail-on error.
      expect(run.status).toBe(0);
      const doc = JSON.parse(run.stdout) as { findings: FindingJson[] };
      const refund = doc.findings.filter((f) => f.rule_id === 'error-propagation' && f.session_id === 'sess-refund-7f3a');
      expect(refund.map((f) => [f.message_id, f.turn, f.related_turns])).toEqual([
        ['suspectedRootCause', 3, [4, 5]],
        ['inheritedFailure', 4, [3]],
        ['inheritedFailure', 5, [3, 4]],
      ]);
      const root = refund[0]!;
      expect(root.trace_id).toBe(REFUND_TURNS[2]);
      expect(root.message).toMatch(
        /^Turn 3 is where the conversation likely went wrong \(no assessment; suspected from: turn 3 retrieved kb:\/\/acme-help\/policies\/refund-policy-2023\.md \(2023\), but the dump holds a newer version: kb:\/\/acme-help\/policies\/refund-policy-2024\.md \(2024\) in trace tr-[0-9a-f]{32} \[medium\]\)\. /u,
      );
      const outdated = root.evidence.filter((e) => e.kind === 'outdatedDocument');
      expect(outdated.map((e) => [e.turn, e.trace_id])).toEqual([[3, REFUND_TURNS[2]]]);
      // The newer version is in the other customer's session, which has no finding of its own.
      const other = doc.findings.filter((f) => f.session_id === 'sess-policy-5e21');
      expect(other).toEqual([]);
      // Turn 5's own failure: the rejected refund (a real error) with the answer's clues beside it.
      const five = refund[2]!;
      expect(five.evidence.filter((e) => e.turn === 5 && e.kind !== 'answerInHistory' && e.kind !== 'sameDocuments' && e.kind !== 'userDidNotCorrect').map((e) => e.kind)).toEqual([
        'failure',
        'answerCouldNot',
        'answerApologises',
        'outdatedDocument',
      ]);
    },
    CLI_TIMEOUT,
  );
});

describe('a tool retried with success, in a turn that answered', () => {
  const ws = makeWorkspace();
  afterAll(() => ws.cleanup());
  const agent = spanIdOf('s-retry/turn-1', { name: 'agent' });
  const file = ws.write(
    'retry.jsonl',
    conversation('s-retry', [
      {
        user: 'Where is my order AC-1 right now?',
        answer: 'Your order AC-1 shipped yesterday and arrives on Friday.',
        spans: [
          {
            id: 'b1b1b1b1b1b1b1b1',
            name: 'lookup_order',
            parent: agent,
            type: 'TOOL',
            start: 200,
            end: 400,
            status: 'ERROR',
            statusMessage: 'TimeoutError: timed out',
            inputs: {},
            exception: { type: 'TimeoutError', message: 'order service timed out after 30s' },
          },
          { id: 'b2b2b2b2b2b2b2b2', name: 'lookup_order', parent: agent, type: 'TOOL', start: 420, end: 480, status: 'OK', inputs: {}, outputs: { status: 'shipped' } },
        ],
      },
      { user: 'Thanks, can I change the delivery address?', answer: 'Yes, you can change it in your account until it ships.' },
    ])
      .map((t) => JSON.stringify(t))
      .join('\n'),
  );

  it(
    'is information in analyze, a passed turn with a recovered error span in the report, and recovered in the session JSON',
    async () => {
      const analyze = await runCliAsync(['analyze', '--format', 'json', file]);
      expect(analyze.status).toBe(0);
      const findings = (JSON.parse(analyze.stdout) as { findings: FindingJson[] }).findings;
      expect(findings.map((f) => [f.rule_id, f.message_id, f.severity, f.turn])).toEqual([['retry-storm', 'retriesThenSuccess', 'info', 1]]);

      const report = await runCliAsync(['report', '--format', 'markdown', file]);
      expect(report.status).toBe(0);
      expect(report.stdout).toContain('- `lookup_order` (span `b1b1b1b1b1b1b1b1`): TimeoutError: order service timed out after 30s (recovered: a later attempt succeeded)');
      // The turn passed: the session table's row and the turn's heading say so, with no "why it failed".
      expect(report.stdout).toMatch(/^\| 1 \| passed \| [^|]+ \| [^|]+ \| `tr-[0-9a-f]{32}` \| {2}\|$/mu);
      expect(report.stdout).toContain('#### Turn 1 · passed');

      const session = await runCliAsync(['session', 's-retry', file, '--format', 'json']);
      const doc = JSON.parse(session.stdout) as { turns: Array<{ errors: Array<{ span_id: string; recovered: boolean }> }> };
      expect(doc.turns.map((t) => t.errors)).toEqual([
        [
          {
            span_id: 'b1b1b1b1b1b1b1b1',
            name: 'lookup_order',
            depth: 1,
            status_message: 'TimeoutError: timed out',
            exception: { type: 'TimeoutError', message: 'order service timed out after 30s' },
            recovered: true,
          },
        ],
        [],
      ]);
    },
    CLI_TIMEOUT,
  );
});
