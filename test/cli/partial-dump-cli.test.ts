import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { FindingJson } from '../../src/report/analyze/analyze.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeWorkspace, runCliAsync, type Workspace } from '../helpers/make-inputs.js';

// A one-page export, from the real binary: the samples' refund session as `mlflow traces search`
// returns it (newest first), cut to its last 2 turns, with a next_page_token. Every command says
// the page; analyze marks the verdicts that depend on the missing turns and does not exit clean.

const SAMPLE = join(REPO_ROOT, 'samples', 'search-sess-refund-7f3a.json');
const ajv = new Ajv({ strict: true, allowUnionTypes: true });
for (const name of ['analyze-output.schema.json', 'stats-output.schema.json', 'validate-output.schema.json', 'session-output.schema.json', 'sessions-output.schema.json']) {
  ajv.addSchema(JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', name), 'utf8')) as object);
}
const valid = (id: string, doc: unknown): void => {
  expect(ajv.validate(`urn:tracetriage:schema:${id}`, doc), ajv.errorsText(ajv.errors)).toBe(true);
};
const TOKEN = 'eyJvZmZzZXQiOiAyfQ==';
/** Turn 4 of the refund session (turn 1 of the page) and turn 5 (turn 2 of the page). */
const TURN_4 = 'tr-431e32114628b590f68d7835089ffda1';
const TURN_5 = 'tr-eaad7e61ac6baaa620d497e41960925c';
/** Turn 4's "Completions" span: its input holds turns 1 to 3 (3 user and 3 assistant messages) before its own user message. */
const TURN_4_CALL = 'e211a8b24258fde8';

const NOTE =
  `this file is one page of a search: more traces exist (next_page_token "${TOKEN}"); ` +
  'fetch every page (mlflow traces search … --page-token <token>, until next_page_token is null, or a larger --max-results) and read them together';
const PARTIAL_EXIT =
  'the dump is partial (an input is one page of a longer search; 1 session starts mid-conversation; 1 verdict depends on turns it lacks): its verdicts are relative to what it holds';

let ws: Workspace;
let page: string;
let whole: string;
/** Where the token's string starts in the page file, and on which line. */
let tokenAt: { offset: number; line: number };

beforeAll(() => {
  ws = makeWorkspace('tracetriage-partial-');
  const sample = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { traces: Array<{ info: { trace_id: string } }> };
  const lastTwo = sample.traces.slice(0, 2);
  expect(lastTwo.map((t) => t.info.trace_id)).toEqual([TURN_5, TURN_4]);
  const text = JSON.stringify({ traces: lastTwo, next_page_token: TOKEN }, null, 2);
  page = ws.write('page.json', text);
  // Offsets count bytes (the samples hold non-ASCII text), lines count line feeds before.
  const before = text.slice(0, text.indexOf(`"${TOKEN}"`));
  tokenAt = { offset: Buffer.byteLength(before), line: before.split('\n').length };
  whole = SAMPLE;
});

afterAll(() => ws.cleanup());

describe('a one-page export', () => {
  it('validate and stats say the page in their output', async () => {
    const validate = await runCliAsync(['validate', page, '--format', 'json']);
    expect(validate.status).toBe(0);
    valid('validate-output', JSON.parse(validate.stdout));
    expect((JSON.parse(validate.stdout) as { notes: unknown[] }).notes).toEqual([{ source: page, kind: 'next-page-token', message: NOTE, ...tokenAt }]);
    const text = await runCliAsync(['validate', page]);
    expect(text.stdout).toContain(`notes:\n  ${page}:${tokenAt.line}: next-page-token: ${NOTE}\n`);
    const stats = await runCliAsync(['stats', page, '--format', 'json']);
    expect(stats.status).toBe(0);
    valid('stats-output', JSON.parse(stats.stdout));
    expect((JSON.parse(stats.stdout) as { notes: unknown[] }).notes).toEqual([{ source: page, kind: 'next-page-token', message: NOTE, ...tokenAt }]);
  });

  it('search and the other trace printers say it on stderr', async () => {
    const run = await runCliAsync(['search', page, '--output', 'json']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(`tracetriage: ${page}: next-page-token: ${NOTE}\n`);
  });

  it('analyze: the page, the session cut before turn 1, the marked root cause, exit 1 whatever --fail-on', async () => {
    const run = await runCliAsync(['analyze', page, '--format', 'json', '--fail-on', 'none']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`tracetriage: ${page}: next-page-token: ${NOTE}\ntracetriage: exit 1: ${PARTIAL_EXIT}\n`);
    const doc = JSON.parse(run.stdout) as { findings: FindingJson[]; sessions: unknown[] };
    valid('analyze-output', doc);
    // The session's turn numbers count from the first turn the dump holds, and it says so.
    expect(doc.sessions).toEqual([{ session_id: 'sess-refund-7f3a', user: 'cust-88121', turns: 2, findings: 4, root_cause_turns: [1], partial: { earlier_messages: 6, paged_sources: [page] } }]);
    const findings = doc.findings;
    const partial = findings.filter((f) => f.rule_id === 'partial-dump');
    expect(partial.map((f) => [f.message_id, f.severity, f.session_id, f.trace_id, f.span_id, f.turn, f.message])).toEqual([
      [
        'firstTurnMissing',
        'warn',
        'sess-refund-7f3a',
        TURN_4,
        TURN_4_CALL,
        1,
        'Turns before turn 1 are not in the dump: its model input carries 6 earlier messages ("Completions"). Turn numbers in this session count from the first turn the dump holds (turn 1 of the dump), and a failure there may have its cause in the missing turns.',
      ],
      [
        'pagedExport',
        'warn',
        null,
        null,
        null,
        null,
        `Input ${page} is one page of a search, not all of it: more traces exist (next_page_token "${TOKEN}"); its sessions may lack turns, and verdicts at their first turn in the dump may have their cause in the turns not read.`,
      ],
    ]);
    const root = findings.find((f) => f.message_id === 'rootCause')!;
    expect([root.trace_id, root.turn]).toEqual([TURN_4, 1]);
    expect(
      root.message.startsWith(
        'Turn 1 is where the conversation went wrong as far as the dump shows (it is the first bad turn the dump holds; earlier turns are missing, and the cause may lie there: ' +
          `its model input carries 6 earlier messages; the session comes from one page of a search (${page})): correctness = false: `,
      ),
    ).toBe(true);
    expect(root.evidence.filter((e) => e.kind === 'missingTurns')).toEqual([
      {
        trace_id: TURN_4,
        span_id: TURN_4_CALL,
        turn: 1,
        path: '$.data.spans[2]',
        kind: 'missingTurns',
        label: `turns before turn 1 are not in the dump: its model input carries 6 earlier messages; the session comes from one page of a search (${page})`,
      },
    ]);
    // The failure that built on it stays an inherited one, relative to turn 1 of the dump.
    const inherited = findings.find((f) => f.message_id === 'inheritedFailure')!;
    expect([inherited.trace_id, inherited.turn]).toEqual([TURN_5, 2]);
  });

  it("analyze's text summary gives the status and why", async () => {
    const compact = await runCliAsync(['analyze', page, '--fail-on', 'none']);
    expect(compact.status).toBe(1);
    expect(compact.stdout.split('\n')[1]).toMatch(/^. sess-refund-7f3a {2}.* · partial: starts mid-conversation \(6 earlier messages\), turns counted from the first the dump holds$/u);
    expect(compact.stdout.trimEnd().split('\n').at(-1)!.endsWith(`→ exit 1 (${PARTIAL_EXIT})`)).toBe(true);
    const run = await runCliAsync(['analyze', page, '--fail-on', 'none', '--verbose']);
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe('session sess-refund-7f3a · 2 turns · user cust-88121 · partial: starts mid-conversation (6 earlier messages), turns counted from the first the dump holds');
    expect(run.stdout.trimEnd().split('\n').at(-1)!.endsWith(`→ exit 1 (${PARTIAL_EXIT})`)).toBe(true);
  });

  it('session <id> says its turns count from the first the page holds', async () => {
    const json = await runCliAsync(['session', 'sess-refund-7f3a', page, '--format', 'json']);
    expect(json.status).toBe(0);
    const doc = JSON.parse(json.stdout) as { partial: unknown; turns: Array<{ turn: number; trace_id: string }> };
    valid('session-output', doc);
    expect(doc.partial).toEqual({ earlier_messages: 6, paged_sources: [page] });
    expect(doc.turns.map((t) => [t.turn, t.trace_id])).toEqual([
      [1, TURN_4],
      [2, TURN_5],
    ]);
    const text = await runCliAsync(['session', 'sess-refund-7f3a', page]);
    expect(text.stdout.split('\n')[3]).toBe(
      `  partial: turns before turn 1 may be missing: its model input carries 6 earlier messages; its traces come from one page of a search (${page}); turns are numbered from the first the inputs hold`,
    );
    const markdown = await runCliAsync(['session', 'sess-refund-7f3a', page, '--format', 'markdown']);
    expect(markdown.stdout).toContain('\n**Partial:** turns before turn 1 may be missing: its model input carries 6 earlier messages; its traces come from one page of a search (');
    const whole = await runCliAsync(['session', 'sess-refund-7f3a', SAMPLE, '--format', 'json']);
    expect((JSON.parse(whole.stdout) as { partial: unknown }).partial).toBeNull();
  });

  it('with partial-dump off, the marked verdict still keeps the run from a clean exit', async () => {
    const config = ws.write('off-rule.json', JSON.stringify({ schema_version: 1, rules: { 'partial-dump': 'off' } }));
    const run = await runCliAsync(['analyze', page, '--format', 'json', '--fail-on', 'none', '--config', config]);
    expect(run.status).toBe(1);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe('tracetriage: exit 1: the dump is partial (1 verdict depends on turns it lacks): its verdicts are relative to what it holds');
  });

  it('with both rules off, the marks and the partial exit go too', async () => {
    const config = ws.write('off.json', JSON.stringify({ schema_version: 1, rules: { 'partial-dump': 'off', 'error-propagation': 'off' } }));
    const run = await runCliAsync(['analyze', page, '--format', 'json', '--fail-on', 'none', '--config', config]);
    expect(run.status).toBe(0);
    const findings = (JSON.parse(run.stdout) as { findings: FindingJson[] }).findings;
    expect(findings.filter((f) => f.rule_id === 'partial-dump' || f.evidence.some((e) => e.kind === 'missingTurns'))).toEqual([]);
  });

  it('the whole session (next_page_token null) is no page and no partial dump', async () => {
    const validate = await runCliAsync(['validate', whole, '--format', 'json']);
    expect((JSON.parse(validate.stdout) as { notes: unknown[] }).notes).toEqual([]);
    const run = await runCliAsync(['analyze', whole, '--format', 'json', '--fail-on', 'none']);
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as { findings: FindingJson[]; sessions: Array<{ partial: unknown }> };
    expect(doc.sessions.map((s) => s.partial)).toEqual([null]);
    const findings = doc.findings;
    expect(findings.filter((f) => f.rule_id === 'partial-dump' || f.evidence.some((e) => e.kind === 'missingTurns'))).toEqual([]);
  });
});
