import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/analyze/findings.js';
import type { AnalyzeReport } from '../../src/report/analyze/analyze.js';
import { analyzeJunitChunks } from '../../src/report/analyze/junit.js';
import { analyzeSarifChunks, FINGERPRINT_KEY, SARIF_SCHEMA_URI } from '../../src/report/analyze/sarif.js';
import { RULES } from '../../src/rules/index.js';
import { expectGolden } from '../helpers/golden.js';
import { REPO_ROOT, makeWorkspace, runCliAsync, type CliRun } from '../helpers/make-inputs.js';
import { conversation, makeTrace } from '../helpers/trace-builder.js';
import { makeFinding } from '../helpers/findings.js';
import { sarifValidator } from '../helpers/sarif-schema.js';

// `analyze --format junit` and `--format sarif`: golden files over samples/, the JUnit read back
// by a conforming XML parser (saxes), the SARIF checked against the OASIS SARIF 2.1.0 schema,
// exit codes per --fail-on, and hostile trace text that must stay inert in both.
const SAMPLES = join(REPO_ROOT, 'samples');
const ROOT_TRACE = 'tr-0db43d844574d1055d12ea28d4b290e6';
const ws = makeWorkspace();
afterAll(() => ws.cleanup());

/** An element as the parser saw it: attributes, child elements and its own character data. */
interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Parses with saxes (a non-validating XML 1.0 parser that checks well-formedness and the Char production). */
function parseXml(xml: string): { root: XmlElement | null; errors: string[] } {
  const parser = new SaxesParser();
  const errors: string[] = [];
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  parser.on('error', (e) => errors.push(e.message));
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const el: XmlElement = { name: tag.name, attributes: { ...tag.attributes }, children: [], text: '' };
    const parent = stack.at(-1);
    if (parent === undefined) root = el;
    else parent.children.push(el);
    stack.push(el);
  });
  parser.on('text', (text) => {
    const el = stack.at(-1);
    if (el !== undefined) el.text += text;
  });
  parser.on('closetag', () => stack.pop());
  parser.write(xml).close();
  return { root, errors };
}

function wellFormed(xml: string): XmlElement {
  const { root, errors } = parseXml(xml);
  expect(errors).toEqual([]);
  expect(root).not.toBeNull();
  return root!;
}

const kids = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.name === name);

const validateSarif = sarifValidator();

function expectValidSarif(doc: unknown): void {
  const ok = validateSarif(doc);
  expect(ok ? [] : validateSarif.errors?.map((e) => `${e.instancePath} ${e.message ?? ''}`)).toEqual([]);
}

interface SarifLocation {
  id?: number;
  message?: { text: string };
  logicalLocations?: Array<{ index: number; name: string; fullyQualifiedName: string; kind: string }>;
  properties?: Record<string, unknown>;
}
interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations?: SarifLocation[];
  relatedLocations?: SarifLocation[];
  partialFingerprints: Record<string, string>;
  properties: { messageId: string; turn?: number; suggestion?: string };
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; rules: Array<{ id: string; name: string; defaultConfiguration: { level: string } }> } };
    results: SarifResult[];
    logicalLocations?: Array<{ name: string; fullyQualifiedName: string; kind: string; parentIndex?: number }>;
    properties: { failOn: string; failed: boolean };
  }>;
}
interface FindingJson {
  rule_id: string;
  message_id: string;
  severity: 'error' | 'warn' | 'info';
  fingerprint: string;
}

const LEVELS = { error: 'error', warn: 'warning', info: 'note' } as const;

async function analyze(format: string, args: readonly string[] = [SAMPLES]): Promise<CliRun> {
  return runCliAsync(['analyze', '--format', format, ...args]);
}

/** The exit status and stderr of a run (stderr in the comparison says what went wrong when the status is off). */
const outcome = (run: CliRun): { status: number | null; stderr: string } => ({ status: run.status, stderr: run.stderr });
/** What every run over samples/ says on stderr: samples/README.md is not a trace export. */
const SAMPLES_STDERR = 'tracetriage: 1 file(s) skipped: not trace exports\n';
/** The closing line every run ends stderr with when its status is not 0 (docs/commands.md "Exit status"). */
const closing = (level = 'error'): string => `tracetriage: exit 1: findings at or above ${level}\n`;

let junit: CliRun;
let sarif: CliRun;
let json: CliRun;
beforeAll(async () => {
  [junit, sarif, json] = await Promise.all([analyze('junit'), analyze('sarif'), analyze('json')]);
});

describe('analyze --format junit over samples/', () => {
  it('matches its golden file, exits 1 (an error-level finding) and is well-formed XML', () => {
    expect(outcome(junit)).toEqual({ status: 1, stderr: SAMPLES_STDERR + closing() });
    expectGolden('analyze.junit.xml', junit.stdout);
    expect(wellFormed(junit.stdout).name).toBe('testsuites');
  });

  it('has a suite per session with a testcase per turn, then the traces without a session (no dump suite: samples/ has no dump-level finding)', () => {
    const root = wellFormed(junit.stdout);
    const suites = kids(root, 'testsuite').map((s) => [s.attributes.name, s.attributes.tests, kids(s, 'testcase').length, s.attributes.failures]);
    expect(suites).toEqual([
      ['sess-legacy-2b', '2', 2, '0'],
      ['sess-refund-7f3a', '5', 5, '1'],
      ['sess-wrapper-19c2', '3', 3, '0'],
      ['sess-otel-44d1', '2', 2, '0'],
      ['traces without a session', '1', 1, '0'],
    ]);
    expect([root.attributes.tests, root.attributes.failures]).toEqual(['13', '1']);
    const refund = kids(root, 'testsuite')[1]!;
    expect(kids(refund, 'testcase').map((c) => [c.attributes.classname, (c.attributes.name ?? '').replace(/ · tr-\w+$/u, '')])).toEqual([1, 2, 3, 4, 5].map((n) => ['sess-refund-7f3a', `turn ${n}`]));
  });

  it('fails turn 3 of sess-refund-7f3a with the root cause; the turns below --fail-on keep their findings in system-out', () => {
    const refund = kids(wellFormed(junit.stdout), 'testsuite').find((s) => s.attributes.name === 'sess-refund-7f3a')!;
    const [, , turn3, turn4] = kids(refund, 'testcase');
    expect(turn3!.attributes.name).toBe(`turn 3 · ${ROOT_TRACE}`);
    const failure = kids(turn3!, 'failure');
    expect(failure.map((f) => f.attributes.type)).toEqual(['error-propagation/rootCause']);
    expect(failure[0]!.attributes.message).toMatch(/^Turn 3 is where the conversation went wrong: correctness = false: /u);
    expect(failure[0]!.text).toContain(`at trace ${ROOT_TRACE} · $.info.assessments[0]`);
    expect(failure[0]!.text).toContain('fix: Start at turn 3:');
    const props = kids(kids(turn3!, 'properties')[0]!, 'property').map((p) => [p.attributes.name, p.attributes.value]);
    expect(props.slice(0, 3)).toEqual([
      ['session_id', 'sess-refund-7f3a'],
      ['turn', '3'],
      ['trace_id', ROOT_TRACE],
    ]);
    expect(kids(turn4!, 'failure')).toEqual([]);
    expect(kids(turn4!, 'system-out')[0]!.text).toMatch(/warn error-propagation\/inheritedFailure turn 4\n[\s\S]*warn scorer-error-assessment\/scorerError turn 4\n/u);
  });

  // Failures follow --fail-on, so the report fails exactly when the exit status is 1.
  it.each([
    { failOn: 'error', status: 1, failures: '1' },
    { failOn: 'warn', status: 1, failures: '8' },
    { failOn: 'info', status: 1, failures: '8' },
    { failOn: 'none', status: 0, failures: '0' },
  ])('--fail-on $failOn: exit $status, $failures failing testcases, the exit status of --format json', async ({ failOn, status, failures }) => {
    const [run, asJson] = await Promise.all([analyze('junit', [SAMPLES, '--fail-on', failOn]), analyze('json', [SAMPLES, '--fail-on', failOn])]);
    const stderr = SAMPLES_STDERR + (status === 1 ? closing(failOn) : '');
    expect([outcome(run), outcome(asJson)]).toEqual([
      { status, stderr },
      { status, stderr },
    ]);
    const root = wellFormed(run.stdout);
    expect(root.attributes.failures).toBe(failures);
    const failing = kids(root, 'testsuite')
      .flatMap((s) => kids(s, 'testcase'))
      .filter((c) => kids(c, 'failure').length > 0);
    expect(String(failing.length)).toBe(failures);
  });
});

describe('analyze --format sarif over samples/', () => {
  it('matches its golden file, is laid out as JSON.stringify(…, null, 2) and is valid against the SARIF 2.1.0 schema', () => {
    expect(outcome(sarif)).toEqual({ status: 1, stderr: SAMPLES_STDERR + closing() });
    expectGolden('analyze.sarif.json', sarif.stdout);
    const doc = JSON.parse(sarif.stdout) as SarifLog;
    expect(sarif.stdout).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expectValidSarif(doc);
    expect([doc.$schema, doc.version, doc.runs.length, doc.runs[0]!.tool.driver.name]).toEqual([SARIF_SCHEMA_URI, '2.1.0', 1, 'tracetriage']);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(doc.runs[0]!.tool.driver.version).toBe(pkg.version);
  });

  it('has one result per finding, in the same order, with its fingerprint and mapped level; ruleIndex points into the rules table', () => {
    const run = (JSON.parse(sarif.stdout) as SarifLog).runs[0]!;
    const findings = (JSON.parse(json.stdout) as { findings: FindingJson[] }).findings;
    expect(run.results.map((r) => [r.ruleId, r.properties.messageId, r.level, r.partialFingerprints[FINGERPRINT_KEY]])).toEqual(
      findings.map((f) => [f.rule_id, f.message_id, LEVELS[f.severity], f.fingerprint]),
    );
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex!]!.id).toBe(r.ruleId);
    expect(run.properties).toEqual({ failOn: 'error', failed: true });
  });

  it('lists exactly the rules that ran, with their default level mapped', async () => {
    const rules = (JSON.parse((await runCliAsync(['rules', '--format', 'json'])).stdout) as { rules: Array<{ id: string; default_severity: 'error' | 'warn' | 'info' }> }).rules;
    const ran = (JSON.parse(json.stdout) as { summary: { rules: string[] } }).summary.rules;
    const table = (JSON.parse(sarif.stdout) as SarifLog).runs[0]!.tool.driver.rules;
    expect(table.map((r) => r.id)).toEqual(ran);
    expect(table.map((r) => [r.id, r.defaultConfiguration.level])).toEqual(rules.filter((r) => ran.includes(r.id)).map((r) => [r.id, LEVELS[r.default_severity]]));
    expect(table[0]!.name).toBe('ErrorPropagation');
    const two = JSON.parse((await analyze('sarif', [SAMPLES, '--rule', 'wrapper-root-span,error-propagation'])).stdout) as SarifLog;
    expectValidSarif(two);
    expect(two.runs[0]!.tool.driver.rules.map((r) => r.id)).toEqual(['error-propagation', 'wrapper-root-span']);
    expect(two.runs[0]!.results.map((r) => [r.ruleId, r.ruleIndex])).toContainEqual(['wrapper-root-span', 1]);
  });

  it('locates the root cause at session / trace through nested logical locations, with its evidence as related locations', () => {
    const run = (JSON.parse(sarif.stdout) as SarifLog).runs[0]!;
    const places = run.logicalLocations!;
    const root = run.results.find((r) => r.properties.messageId === 'rootCause')!;
    expect([root.level, root.properties.turn]).toEqual(['error', 3]);
    const [here] = root.locations![0]!.logicalLocations!;
    expect(here).toEqual({ index: here!.index, name: ROOT_TRACE, fullyQualifiedName: `sess-refund-7f3a/${ROOT_TRACE}`, kind: 'trace' });
    expect(root.locations![0]!.properties).toEqual({ jsonPath: '$.info.assessments[0]' });
    const cached = places[here!.index]!;
    expect(cached).toEqual({ name: ROOT_TRACE, fullyQualifiedName: `sess-refund-7f3a/${ROOT_TRACE}`, kind: 'trace', parentIndex: cached.parentIndex });
    expect(places[cached.parentIndex!]).toEqual({ name: 'sess-refund-7f3a', fullyQualifiedName: 'sess-refund-7f3a', kind: 'session' });
    expect(root.relatedLocations!.map((l) => l.id)).toEqual(root.relatedLocations!.map((_, i) => i + 1));
    expect(root.relatedLocations![1]).toMatchObject({ message: { text: 'turn 3\'s answer is in the input of "Completions" in turn 4' }, properties: { turn: 4, jsonPath: '$.data.spans[2]' } });
    expect(root.properties.suggestion).toMatch(/^Start at turn 3: /u);
    // A span finding sits three deep; every parent is listed before its children.
    const span = run.results.find((r) => r.ruleId === 'wrapper-root-span')!.locations![0]!.logicalLocations![0]!;
    expect([span.kind, span.fullyQualifiedName.split('/').length]).toEqual(['span', 3]);
    const PARENT_KINDS: Record<string, Array<string | undefined>> = { session: [undefined], trace: [undefined, 'session'], span: ['trace'] };
    places.forEach((p, i) => {
      const parent = p.parentIndex === undefined ? undefined : places[p.parentIndex];
      expect(PARENT_KINDS[p.kind]).toContain(parent?.kind);
      expect(p.fullyQualifiedName).toBe(parent === undefined ? p.name : `${parent.fullyQualifiedName}/${p.name}`);
      if (p.parentIndex !== undefined) expect(p.parentIndex).toBeLessThan(i);
    });
    // samples/ has no dump-level finding: analyzeSarifChunks below checks that one has no location.
    expect(run.results.filter((r) => r.properties.messageId === 'scorerTotals')).toEqual([]);
  });

  it.each([
    { failOn: 'error', status: 1 },
    { failOn: 'warn', status: 1 },
    { failOn: 'info', status: 1 },
    { failOn: 'none', status: 0 },
  ])('--fail-on $failOn: exit $status, as with the other formats', async ({ failOn, status }) => {
    const run = await analyze('sarif', [SAMPLES, '--fail-on', failOn]);
    expect(outcome(run)).toEqual({ status, stderr: SAMPLES_STDERR + (status === 1 ? closing(failOn) : '') });
    expect((JSON.parse(run.stdout) as SarifLog).runs[0]!.properties).toEqual({ failOn, failed: status === 1 });
  });
});

// Everything a trace can put in front of a reader: markup, a CDATA end, quotes, an escape
// sequence, NUL, a lone surrogate, a non-character, a SARIF-style link and a bidi override.
const EVIL = '<script>alert(1)</script> ]]> "q" & \u001b[31m \u0000 \ud800 \uffff [click](https://evil.example) \u202e';
/** What of EVIL is left once made safe: the characters XML and terminals cannot take shown as escapes. */
const EVIL_SHOWN = '<script>alert(1)</script> ]]> "q" & \\u{1b}[31m \\u{0} \\u{d800} \\u{ffff} [click](https://evil.example) \\u{202e}';
/** Characters no output may carry raw: C0 but tab/LF, DEL, C1, bidi and zero-width, lone surrogates, U+FFFE/U+FFFF. */
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]/u;

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

describe('hostile trace text', () => {
  let file: string;
  beforeAll(() => {
    const traces = [
      ...conversation(`sess ${EVIL}`, [
        { user: `hello ${EVIL}`, answer: `answer ${EVIL}` },
        { user: 'next', answer: 'done', toolError: { name: `tool ${EVIL}`, type: 'EvilError', message: EVIL } },
      ]),
      makeTrace({ key: 'loose', session: null, spans: [{ name: `span ${EVIL}`, attributes: { [`key ${EVIL}`]: 1 } }] }),
    ];
    file = ws.write('evil.jsonl', traces.map((t) => JSON.stringify(t)).join('\n') + '\n');
  });

  it('stays well-formed XML in JUnit, every string shown with the unsafe characters escaped', async () => {
    const run = await analyze('junit', [file, '--fail-on', 'warn']);
    expect(outcome(run)).toEqual({ status: 1, stderr: closing('warn') });
    expect(run.stdout).not.toMatch(FORBIDDEN);
    expect(run.stdout).not.toContain('<script>');
    expect(run.stdout).not.toContain(']]>');
    const root = wellFormed(run.stdout);
    const suite = kids(root, 'testsuite').find((s) => s.attributes.name === `sess ${EVIL_SHOWN}`)!;
    expect(kids(suite, 'testcase').map((c) => c.attributes.classname)).toEqual([`sess ${EVIL_SHOWN}`, `sess ${EVIL_SHOWN}`]);
    const failure = kids(kids(suite, 'testcase')[1]!, 'failure')[0]!;
    expect(failure.attributes.type).toBe('error-propagation/isolatedFailure');
    expect(failure.attributes.message).toContain(`EvilError: ${EVIL_SHOWN.slice(0, 40)}`);
    expect(failure.text).toContain(`span tool ${EVIL_SHOWN.slice(0, 40)}`);
    const loose = kids(root, 'testsuite').find((s) => s.attributes.name === 'traces without a session')!;
    expect(kids(kids(loose, 'testcase')[0]!, 'failure')[0]!.text).toContain(`key ${EVIL_SHOWN}`);
  });

  it('stays valid SARIF, every string escaped the same way, and makes no link', async () => {
    const run = await analyze('sarif', [file, '--fail-on', 'warn']);
    expect(outcome(run)).toEqual({ status: 1, stderr: closing('warn') });
    const doc = JSON.parse(run.stdout) as SarifLog;
    expectValidSarif(doc);
    expect(strings(doc).filter((s) => FORBIDDEN.test(s))).toEqual([]);
    const messages = doc.runs[0]!.results.flatMap((r) => [r.message.text, ...(r.relatedLocations ?? []).map((l) => l.message!.text)]);
    expect(messages.filter((m) => m.includes('[click'))).not.toEqual([]);
    // SARIF §3.11.6: `[text](target)` in a plain-text message is a link; trace text must not make one.
    expect(messages.filter((m) => /(?<!\\)(?:\\\\)*\]\(/u.test(m))).toEqual([]);
    expect(messages.join('\n')).toContain('[click\\](https://evil.example)');
    const places = doc.runs[0]!.logicalLocations!;
    expect(places[0]).toEqual({ name: `sess ${EVIL_SHOWN}`, fullyQualifiedName: `sess ${EVIL_SHOWN}`, kind: 'session' });
  });
});

// The formatters as pure functions, on findings the samples do not have.
const finding = (over: Partial<Finding>): Finding => makeFinding(over);

const report = (findings: Finding[], failOn: AnalyzeReport['failOn'] = 'warn'): AnalyzeReport => ({
  findings,
  sessions: [{ id: 's1', turns: 2, user: null, turnTraceIds: ['t1', 't2'] }],
  tracesWithoutSession: 1,
  withoutSessionTraceIds: ['t9'],
  traces: 3,
  duplicates: 0,
  outsideSelection: 0,
  rejected: 0,
  rules: ['turn-gap', 'error-propagation'],
  config: null,
  failOn,
  failed: findings.some((f) => f.severity !== 'info'),
});

const junitOf = (r: AnalyzeReport): XmlElement => wellFormed([...analyzeJunitChunks(r)].join(''));

describe('analyzeJunitChunks', () => {
  it.each([
    {
      name: 'a session-level finding: a `session` testcase first in its suite',
      findings: [finding({ turn: null, traceId: null, fingerprint: 'a' })],
      cases: [
        ['s1', 'session', 1],
        ['s1', 'turn 1 · t1', 0],
        ['s1', 'turn 2 · t2', 0],
        ['traces without a session', 't9', 0],
      ],
    },
    {
      name: 'a turn the session does not have: on the session testcase',
      findings: [finding({ turn: 7, fingerprint: 'b' })],
      cases: [
        ['s1', 'session', 1],
        ['s1', 'turn 1 · t1', 0],
        ['s1', 'turn 2 · t2', 0],
        ['traces without a session', 't9', 0],
      ],
    },
    {
      name: 'a session the report does not list: a suite of its own',
      findings: [finding({ sessionId: 's2', turn: 1, fingerprint: 'c' })],
      cases: [
        ['s1', 'turn 1 · t1', 0],
        ['s1', 'turn 2 · t2', 0],
        ['s2', 'session', 1],
        ['traces without a session', 't9', 0],
      ],
    },
    {
      name: 'a trace without a session, and the dump',
      findings: [finding({ sessionId: null, traceId: 't8', turn: null, fingerprint: 'd' }), finding({ sessionId: null, traceId: null, turn: null, fingerprint: 'e' })],
      cases: [
        ['s1', 'turn 1 · t1', 0],
        ['s1', 'turn 2 · t2', 0],
        ['traces without a session', 't9', 0],
        ['traces without a session', 't8', 1],
        ['dump', 'dump', 1],
      ],
    },
  ])('$name', ({ findings, cases }) => {
    const root = junitOf(report(findings));
    const seen = kids(root, 'testsuite').flatMap((s) => kids(s, 'testcase').map((c) => [c.attributes.classname, c.attributes.name, kids(c, 'failure').length]));
    expect(seen).toEqual(cases);
  });

  it('puts several failing findings in one <failure> (readers show only the first), the first as message and type', () => {
    const root = junitOf(
      report([
        finding({ fingerprint: 'f1', message: 'first' }),
        finding({ messageId: 'other', fingerprint: 'f2', message: 'second' }),
        finding({ severity: 'info', fingerprint: 'f3', message: 'third' }),
      ]),
    );
    const turn1 = kids(kids(root, 'testsuite')[0]!, 'testcase')[0]!;
    const [failure] = kids(turn1, 'failure');
    expect([failure!.attributes.message, failure!.attributes.type]).toEqual(['first (and 1 more finding)', 'turn-gap/longGap']);
    expect(failure!.text.match(/^warn turn-gap\/\w+ turn 1$/gmu)).toEqual(['warn turn-gap/longGap turn 1', 'warn turn-gap/other turn 1']);
    expect(kids(turn1, 'system-out')[0]!.text).toContain('info turn-gap/longGap turn 1\nthird\n');
    expect(
      kids(kids(turn1, 'properties')[0]!, 'property')
        .filter((p) => p.attributes.name === 'fingerprint')
        .map((p) => p.attributes.value),
    ).toEqual(['f1', 'f2', 'f3']);
  });

  it('yields the same document in pieces as whole', () => {
    const r = report([finding({})]);
    const chunks = [...analyzeJunitChunks(r)];
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.join('')).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites [^>]*>\n[\s\S]*<\/testsuites>\n$/u);
  });
});

describe('analyzeSarifChunks', () => {
  const tool = { version: '9.9.9', rules: ['turn-gap', 'error-propagation'].map((id) => RULES.find((r) => r.meta.id === id)!.meta) };
  const sarifOf = (r: AnalyzeReport): SarifLog => {
    const text = [...analyzeSarifChunks(r, tool)].join('');
    const doc = JSON.parse(text) as SarifLog;
    expect(text).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expectValidSarif(doc);
    return doc;
  };

  it.each([
    { name: 'no findings', findings: [], places: [] },
    { name: 'a session-level finding', findings: [finding({ traceId: null, turn: null })], places: [['s1', 'session']] },
    {
      name: 'a span finding',
      findings: [finding({ spanId: 'sp1' })],
      places: [
        ['s1', 'session'],
        ['s1/t1', 'trace'],
        ['s1/t1/sp1', 'span'],
      ],
    },
    { name: 'a trace without a session', findings: [finding({ sessionId: null, traceId: 't9', turn: null })], places: [['t9', 'trace']] },
    {
      name: 'dump-level evidence in a session trace: placed in that session',
      findings: [finding({ sessionId: null, traceId: null, turn: null, evidence: [{ traceId: 't2', spanId: null, turn: 2, path: '$.x', kind: 'k', label: 'l' }] })],
      places: [
        ['s1', 'session'],
        ['s1/t2', 'trace'],
      ],
    },
  ])('$name: valid, with logical locations $places', ({ findings, places }) => {
    const run = sarifOf(report(findings)).runs[0]!;
    expect((run.logicalLocations ?? []).map((p) => [p.fullyQualifiedName, p.kind])).toEqual(places);
    expect(run.results.length).toBe(findings.length);
  });

  it('a dump-level finding (no session, trace or evidence) has nowhere to point: no location', () => {
    const run = sarifOf(report([finding({ sessionId: null, traceId: null, turn: null, spanId: null, path: null, evidence: [] })])).runs[0]!;
    expect([run.results.length, run.results[0]!.locations, run.logicalLocations ?? []]).toEqual([1, undefined, []]);
  });

  // The schema check has teeth: what a SARIF writer gets wrong most is rejected.
  it.each([
    { name: 'a relative helpUri (SARIF wants an absolute URI)', edit: (log: SarifLog) => Object.assign(log.runs[0]!.tool.driver.rules[0]!, { helpUri: 'docs/rules/turn-gap.md' }) },
    { name: 'our severity name as a level', edit: (log: SarifLog) => Object.assign(log.runs[0]!.results[0]!, { level: 'warn' }) },
    { name: 'a result without a message', edit: (log: SarifLog) => delete (log.runs[0]!.results[0] as Partial<SarifResult>).message },
    { name: 'a negative related location id', edit: (log: SarifLog) => Object.assign(log.runs[0]!.results[0]!.relatedLocations![0]!, { id: -2 }) },
  ])('the schema rejects $name', ({ edit }) => {
    const log = sarifOf(report([finding({ evidence: [{ traceId: 't1', spanId: null, turn: 1, path: '$.x', kind: 'k', label: 'l' }] })]));
    edit(log);
    expect(validateSarif(log)).toBe(false);
  });

  it('maps every severity to its level and escapes a link in a message, backslashes included', () => {
    const run = sarifOf(
      report([
        finding({ severity: 'error', fingerprint: 'a', message: 'see [x](https://a.example)' }),
        finding({ severity: 'warn', fingerprint: 'b', message: 'odd \\](https://b.example)' }),
        finding({ severity: 'info', fingerprint: 'c', message: 'even \\\\](https://c.example)' }),
      ]),
    ).runs[0]!;
    expect(run.results.map((r) => [r.level, r.message.text])).toEqual([
      ['error', 'see [x\\](https://a.example)'],
      ['warning', 'odd \\\\\\](https://b.example)'],
      ['note', 'even \\\\\\\\\\](https://c.example)'],
    ]);
  });
});
