import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { FindingJson } from '../../src/report/analyze/analyze.js';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeWorkspace, runCliAsync } from '../helpers/make-inputs.js';
import { conversation, makeTrace } from '../helpers/trace-builder.js';

// `analyze` and `rules` from the real binary: formats, schema, exit codes, --rule, --session,
// --fail-on, the config's rules section, hostile text.
const SAMPLES = join(REPO_ROOT, 'samples');
const ajv = new Ajv({ strict: true, allowUnionTypes: true });
const schema = (name: string): object => JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', name), 'utf8')) as object;
ajv.addSchema(schema('analyze-output.schema.json'));
ajv.addSchema(schema('rules-output.schema.json'));
const ws = makeWorkspace();
afterAll(() => ws.cleanup());

interface AnalyzeJson {
  summary: { traces: number; sessions: number; findings: number; failed: boolean; fail_on: string; rules: string[]; config: string | null };
  findings: FindingJson[];
}

async function analyzeJson(args: string[], cwd?: string): Promise<{ doc: AnalyzeJson; status: number | null; stderr: string }> {
  const run = await runCliAsync(['analyze', '--format', 'json', ...args], cwd ? { cwd } : {});
  const doc = JSON.parse(run.stdout) as AnalyzeJson;
  expect(ajv.validate('urn:tracetriage:schema:analyze-output', doc), ajv.errorsText(ajv.errors)).toBe(true);
  return { doc, status: run.status, stderr: run.stderr };
}

const jsonl = (traces: ReadonlyArray<Record<string, unknown>>): string => traces.map((t) => JSON.stringify(t)).join('\n') + '\n';

describe('analyze', () => {
  it('runs every rule over samples/, valid against its schema, the same bytes on every run', async () => {
    const first = await runCliAsync(['analyze', '--format', 'json', SAMPLES]);
    const second = await runCliAsync(['analyze', '--format', 'json', SAMPLES]);
    expect(second.stdout).toBe(first.stdout);
    const { doc } = await analyzeJson([SAMPLES]);
    expect(doc.summary.traces).toBe(13);
    expect(doc.summary.sessions).toBe(4);
    expect(doc.summary.rules.length).toBeGreaterThanOrEqual(13);
    expect(doc.findings.length).toBe(doc.summary.findings);
    expect(new Set(doc.findings.map((f) => f.fingerprint)).size).toBe(doc.findings.length);
  });

  it('finds the propagation story of samples/: root cause turn 3 of sess-refund-7f3a, turns 4 and 5 explained by it, with evidence', async () => {
    const { doc, status } = await analyzeJson([SAMPLES]);
    expect(status).toBe(1);
    const story = doc.findings.filter((f) => f.rule_id === 'error-propagation' && f.session_id === 'sess-refund-7f3a');
    expect(story.map((f) => [f.message_id, f.turn, f.related_turns])).toEqual([
      ['sessionAssessmentFailed', 1, [3]],
      ['rootCause', 3, [4, 5]],
      ['inheritedFailure', 4, [3]],
      ['inheritedFailure', 5, [3, 4]],
    ]);
    const root = story[1]!;
    expect(root.severity).toBe('error');
    expect(root.trace_id).toBe('tr-0db43d844574d1055d12ea28d4b290e6');
    expect(root.path).toBe('$.info.assessments[0]');
    expect(root.message).toMatch(/^Turn 3 is where the conversation went wrong: correctness = false: States a 60-day refund window/);
    expect(root.evidence.map((e) => `${e.kind}@${e.turn} ${e.path}`)).toEqual([
      'failure@3 $.info.assessments[0]',
      'answerInHistory@4 $.data.spans[2]',
      'sameDocuments@4 $.data.spans[1]',
      'userDidNotCorrect@4 $.data.spans[0]',
      'answerInHistory@5 $.data.spans[4]',
      'answerInHistory@5 $.data.spans[4]',
      'sameDocuments@5 $.data.spans[1]',
      'sameDocuments@5 $.data.spans[1]',
      'userDidNotCorrect@5 $.data.spans[0]',
      'userDidNotCorrect@5 $.data.spans[0]',
    ]);
    const sessions = (doc as unknown as { sessions: Array<{ session_id: string; root_cause_turns: number[] }> }).sessions;
    expect(sessions.find((s) => s.session_id === 'sess-refund-7f3a')?.root_cause_turns).toEqual([3]);
    // The other sessions fail in isolation: said, not called propagation.
    expect(doc.findings.filter((f) => f.message_id === 'isolatedFailure').map((f) => `${f.session_id} ${f.turn}`)).toEqual(['sess-legacy-2b 2', 'sess-wrapper-19c2 3']);
  });

  it('--rule runs only the rules named; an unknown rule is a usage error naming the known ones', async () => {
    const { doc } = await analyzeJson(['--rule', 'wrapper-root-span', SAMPLES]);
    expect(doc.summary.rules).toEqual(['wrapper-root-span']);
    // One finding per session (its turns folded in), on the session's first wrapped turn.
    expect(doc.findings.map((f) => `${f.session_id} ${f.turn}`)).toEqual(['sess-wrapper-19c2 1', 'sess-otel-44d1 1']);
    const bad = await runCliAsync(['analyze', '--rule', 'no-such-rule', SAMPLES]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^tracetriage: --rule: unknown rule "no-such-rule"; known rules: error-propagation, /);
  });

  it('--session keeps one session; --fail-on decides the exit status', async () => {
    const { doc, status } = await analyzeJson(['--rule', 'wrapper-root-span', '--session', 'sess-otel-44d1', '--fail-on', 'warn', SAMPLES]);
    expect(doc.findings.map((f) => f.session_id)).toEqual(['sess-otel-44d1']);
    expect(doc.summary.failed).toBe(true);
    expect(status).toBe(1);
    expect((await runCliAsync(['analyze', '--rule', 'wrapper-root-span', '--fail-on', 'error', SAMPLES])).status).toBe(0);
    expect((await runCliAsync(['analyze', '--rule', 'wrapper-root-span', '--fail-on', 'none', SAMPLES])).status).toBe(0);
    expect((await runCliAsync(['analyze', '--fail-on', 'sometimes', SAMPLES])).status).toBe(2);
  });

  it('text output: one line per session, then the findings, then the verdict', async () => {
    const run = await runCliAsync(['analyze', '--rule', 'wrapper-root-span', '--fail-on', 'warn', SAMPLES]);
    expect(run.status).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 6)).toEqual([
      'analyze: 4 sessions · 0 went wrong · 2 with warnings or notes · 2 ok',
      '✓ sess-legacy-2b     ok',
      '✓ sess-refund-7f3a   ok',
      '▲ sess-wrapper-19c2  no error · 1 warn',
      '▲ sess-otel-44d1     no error · 1 warn',
      '',
    ]);
    expect(lines[6]).toBe('findings (2)');
    expect(lines.at(-1)).toMatch(/^2 findings: 0 error, 2 warn, 0 info · .* → exit 1 \(findings at or above warn\)$/);
  });

  it('--verbose text output groups by session and ends with the verdict', async () => {
    const run = await runCliAsync(['analyze', '--rule', 'wrapper-root-span', '--fail-on', 'warn', SAMPLES, '--verbose']);
    expect(run.status).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('session sess-wrapper-19c2 · 3 turns · user cust-51907');
    expect(lines.at(-1)).toMatch(/^2 findings: 0 error, 2 warn, 0 info · .* → exit 1 \(findings at or above warn\)$/);
    // The suggestion is said once, not under every finding.
    expect(run.stdout.split('fix: ').length - 1).toBe(1);
  });

  it('reads tracetriage.config.json from the working directory; --no-config ignores it; rules can be turned off or re-graded', async () => {
    const dir = ws.path('cfg');
    ws.write('cfg/tracetriage.config.json', JSON.stringify({ schema_version: 1, rules: { 'wrapper-root-span': 'error', 'no-turn-io': 'off' } }));
    const { doc, status } = await analyzeJson(['--rule', 'wrapper-root-span', SAMPLES], dir);
    expect(doc.summary.config).toBe('tracetriage.config.json');
    expect(doc.findings.every((f) => f.severity === 'error')).toBe(true);
    expect(status).toBe(1);
    const all = await analyzeJson([SAMPLES], dir);
    expect(all.doc.summary.rules).not.toContain('no-turn-io');
    const none = await analyzeJson(['--no-config', '--rule', 'wrapper-root-span', SAMPLES], dir);
    expect(none.doc.summary.config).toBeNull();
    expect(none.doc.findings.every((f) => f.severity === 'warn')).toBe(true);
  });

  it.each([
    [{ rules: { 'no-such-rule': 'warn' } }, "$.rules['no-such-rule']: expected a rule id (see 'tracetriage rules'), found an unknown rule"],
    [{ rules: { 'wrapper-root-span': 'loud' } }, '$.rules[\'wrapper-root-span\']: expected one of "off", "info", "warn", "error", found string "loud"'],
    [{ rules: { 'wrapper-root-span': { options: { depth: 2 } } } }, "$.rules['wrapper-root-span'].options.depth: expected no options (this rule has none), found an unknown option"],
    [{ rules: { 'wrapper-root-span': { level: 'warn' } } }, "$.rules['wrapper-root-span'].level: expected one of the keys severity, options, found an unknown key"],
  ])('a config that does not fit is refused with the key and what was expected: %j', async (config, message) => {
    const file = ws.write(`bad-${Math.random().toString(36).slice(2)}.json`, JSON.stringify({ schema_version: 1, ...config }));
    const run = await runCliAsync(['analyze', '--config', file, SAMPLES]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`tracetriage: config ${file}: ${message}\n`);
  });

  it('keeps hostile trace text from driving the terminal', async () => {
    const evil = 'x\u001b]0;pwned\u0007\u001b[2J\u202e<script>alert(1)</script>';
    const file = ws.write('evil.jsonl', jsonl([makeTrace({ key: 'evil', session: evil, spans: [{ name: evil, attributes: { [evil]: 1 } }] })]));
    for (const view of [[], ['--verbose'], ['--width', '80']]) {
      const run = await runCliAsync(['analyze', '--rule', 'no-turn-io', file, ...view]);
      expect(run.stdout).toContain(view[0] === '--verbose' ? 'no-turn-io/noIo' : 'no-turn-io');
      expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/u);
      expect(run.stdout).toContain('\\u{1b}]0;pwned');
    }
  });

  it('counts rejected records and still analyses the rest (exit 1: records not read as traces)', async () => {
    const good = conversation('sess-x', [{ user: 'Hello, I would like to change my booking please', answer: 'Sure, which booking would you like to change today?' }]);
    const file = ws.write('mixed.jsonl', `${jsonl(good)}{"info": 5}\nnot json\n`);
    const { doc, stderr, status } = await analyzeJson(['--rule', 'no-turn-io', file]);
    expect(doc.summary.traces).toBe(1);
    expect((doc.summary as unknown as { rejected_records: number }).rejected_records).toBe(2);
    expect(stderr).toContain('2 record(s) could not be read as traces and were left out');
    expect(stderr.trimEnd().split('\n').at(-1)).toBe('tracetriage: exit 1: 2 records could not be read as traces');
    expect(status).toBe(1);
  });
});

describe('rules', () => {
  it('lists every rule with severity and docs page; JSON fits its schema', async () => {
    const text = await runCliAsync(['rules']);
    expect(text.status).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^RULE +TYPE +SEVERITY +DESCRIPTION +DOCS$/);
    expect(text.stdout).toContain('docs/rules/error-propagation.md');
    const json = await runCliAsync(['rules', '--format', 'json']);
    const doc = JSON.parse(json.stdout) as { rules: Array<{ id: string; docs: string }> };
    expect(ajv.validate('urn:tracetriage:schema:rules-output', doc), ajv.errorsText(ajv.errors)).toBe(true);
    expect(doc.rules[0]!.id).toBe('error-propagation');
    for (const r of doc.rules) expect(r.docs).toBe(`docs/rules/${r.id}.md`);
  });

  it('shows the severity the config sets', async () => {
    ws.write('cfg2/tracetriage.config.json', JSON.stringify({ schema_version: 1, rules: { 'turn-gap': 'off', 'wrapper-root-span': 'info' } }));
    const run = await runCliAsync(['rules'], { cwd: ws.path('cfg2') });
    expect(run.stdout).toMatch(/^wrapper-root-span +suggestion +info \(default warn\) /mu);
    expect(run.stdout).toMatch(/^turn-gap +\S+ +off \(default \w+\) /mu);
  });
});
