import type { Evidence, Finding } from '../../engine/analyze/findings.js';
import type { Severity } from '../../rules/api.js';
import type { AnalyzeReport } from './analyze.js';
import { strictText } from '../../shared/escape/terminal.js';
import { xmlAttr, xmlText } from '../../shared/escape/xml.js';
import { atLeast } from '../../shared/severity.js';
import { FindingCursor } from '../../shared/finding-cursor.js';
import { looseTraces, type LooseTrace } from '../../shared/loose-traces.js';

/** The suite (and testcase class) of the traces that have no session. */
export const WITHOUT_SESSION_SUITE = 'traces without a session';
/** The suite, class and testcase of the findings about the dump as a whole. */
export const DUMP_SUITE = 'dump';
/** The testcase of a session's findings that have no turn. */
export const SESSION_CASE = 'session';

interface Case {
  classname: string;
  name: string;
  /** Locators of the testcase itself, written as its properties. */
  props: Array<[string, string]>;
  findings: Finding[];
}

interface Suite {
  name: string;
  props: Array<[string, string]>;
  /** Its testcases, and how many of them fail (the totals are written before the cases). */
  tests: number;
  failures: number;
  /** Read once, as the suite is written (the traces without a session make theirs then). */
  cases: Iterable<Case>;
}

/**
 * `analyze --format junit`: a `<testsuite>` per session (a `<testcase>` per turn, plus `session`
 * for findings without a turn), one for the traces without a session (a testcase per trace), one
 * for findings about the whole dump. A testcase fails when one of its findings is at or above
 * `--fail-on`, so the report has failures exactly when the exit status is 1; the findings below
 * it go to the testcase's `<system-out>`. A testcase carries at most one `<failure>`: Jenkins,
 * Azure DevOps and most JUnit readers show only the first, so its `message` and `type` are the
 * first failing finding's and its body lists every failing finding. Yields the document in
 * pieces, a suite at a time: the sessions' suites are made twice (counted for the totals the
 * root element states, then written), each from its session and its findings read in step
 * (`FindingCursor`), so one session's findings are held at a time; so is one trace without a
 * session's, when the engine hands them grouped by trace (`withoutSessionTraces`). The findings
 * about the dump, and about sessions the report does not list, are held from the first pass to
 * the second.
 */
export function* analyzeJunitChunks(report: AnalyzeReport): Generator<string> {
  const fails = (c: Case): boolean => c.findings.some((f) => failing(f, report.failOn));
  let tests = 0;
  let failures = 0;
  const counting = new FindingCursor(report.findings);
  for (const s of report.sessions) {
    const suite = sessionSuite(s.id, s.user, s.turnTraceIds, counting.take(s.id), fails);
    tests += suite.tests;
    failures += suite.failures;
  }
  const traces = report.withoutSessionTraces ?? looseTraces(report.withoutSessionTraceIds, report.findings);
  const tail = tailSuites(traces, counting.rest(), fails);
  for (const suite of tail) {
    tests += suite.tests;
    failures += suite.failures;
  }
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs([
    ['name', 'tracetriage analyze'],
    ['tests', tests],
    ['failures', failures],
    ['errors', 0],
  ])}>\n`;
  const writing = new FindingCursor(report.findings);
  for (const s of report.sessions) yield* suiteChunks(sessionSuite(s.id, s.user, s.turnTraceIds, writing.take(s.id), fails), report.failOn);
  for (const suite of tail) yield* suiteChunks(suite, report.failOn);
  yield '</testsuites>\n';
}

/** Testcases per piece of text yielded: the suite of the traces without a session has one per trace. */
const CASES_PER_CHUNK = 200;

/** A suite's XML in pieces: its head, its testcases a few hundred at a time, its end. */
function* suiteChunks(suite: Suite, failOn: Severity | 'none'): Generator<string> {
  const head = [
    `  <testsuite${attrs([
      ['name', suite.name],
      ['tests', suite.tests],
      ['failures', suite.failures],
      ['errors', 0],
      ['skipped', 0],
    ])}>`,
    ...propertiesXml(suite.props, '    '),
  ];
  yield `${head.join('\n')}\n`;
  let out: string[] = [];
  let cases = 0;
  for (const c of suite.cases) {
    out.push(...caseXml(c, failOn));
    if (++cases % CASES_PER_CHUNK === 0) {
      yield `${out.join('\n')}\n`;
      out = [];
    }
  }
  out.push('  </testsuite>');
  yield `${out.join('\n')}\n`;
}

function failing(f: Finding, failOn: Severity | 'none'): boolean {
  return failOn !== 'none' && atLeast(f.severity, failOn);
}

/** A session's suite: a testcase per turn, and `session` first for its findings without a turn (or past its turns). */
function sessionSuite(id: string, user: string | null, traceIds: Iterable<string>, findings: readonly Finding[], fails: (c: Case) => boolean): Suite {
  const turns = Array.from(traceIds, (traceId, i): Case => ({ classname: id, name: `turn ${i + 1} · ${traceId}`, props: turnProps(id, i + 1, traceId), findings: [] }));
  const props: Array<[string, string]> =
    user === null
      ? [['session_id', id]]
      : [
          ['session_id', id],
          ['user', user],
        ];
  const cases = [...turns];
  let whole: Case | null = null;
  for (const f of findings) {
    let target = f.turn === null ? undefined : turns[f.turn - 1];
    if (target === undefined) {
      if (whole === null) {
        // First in its suite: the session as a whole comes before its turns, as in the text report.
        whole = { classname: id, name: SESSION_CASE, props: [['session_id', id]], findings: [] };
        cases.unshift(whole);
      }
      target = whole;
    }
    target.findings.push(f);
  }
  return { name: id, props, tests: cases.length, failures: cases.filter(fails).length, cases };
}

/**
 * The suites after the sessions', from the findings after theirs: a session the report does not
 * list (it always should) still gets its suite, not a lost finding; then the traces without a
 * session, a testcase per trace (`traces`: each once, in the order of `withoutSessionTraceIds`,
 * then any other a finding names, with their findings), read a trace at a time at each pass; then
 * the dump. The findings about traces without a session come from `traces`, not from `findings`.
 */
function tailSuites(traces: Iterable<LooseTrace<Finding>>, findings: Iterable<Finding>, fails: (c: Case) => boolean): Suite[] {
  const unlisted = new Map<string, Finding[]>();
  const dump: Finding[] = [];
  for (const f of findings) {
    if (f.sessionId !== null) {
      const list = unlisted.get(f.sessionId);
      if (list) list.push(f);
      else unlisted.set(f.sessionId, [f]);
    } else if (f.traceId === null) dump.push(f);
  }
  const suites = [...unlisted].map(([id, own]) => sessionSuite(id, null, [], own, fails));
  const looseCase = ({ traceId, findings }: LooseTrace<Finding>): Case => ({ classname: WITHOUT_SESSION_SUITE, name: traceId, props: [['trace_id', traceId]], findings });
  let tests = 0;
  let failures = 0;
  for (const trace of traces) {
    tests++;
    if (fails(looseCase(trace))) failures++;
  }
  if (tests > 0) {
    const cases = function* (): Generator<Case> {
      for (const trace of traces) yield looseCase(trace);
    };
    suites.push({ name: WITHOUT_SESSION_SUITE, props: [], tests, failures, cases: cases() });
  }
  if (dump.length > 0) {
    const c: Case = { classname: DUMP_SUITE, name: DUMP_SUITE, props: [], findings: dump };
    suites.push({ name: DUMP_SUITE, props: [], tests: 1, failures: fails(c) ? 1 : 0, cases: [c] });
  }
  return suites;
}

function turnProps(sessionId: string, turn: number, traceId: string): Array<[string, string]> {
  return [
    ['session_id', sessionId],
    ['turn', String(turn)],
    ['trace_id', traceId],
  ];
}

function caseXml(c: Case, failOn: Severity | 'none'): string[] {
  const out = [
    `    <testcase${attrs([
      ['classname', c.classname],
      ['name', c.name],
    ])}>`,
  ];
  // One fingerprint per finding, in body order: what a tool keys a finding on across runs.
  out.push(...propertiesXml([...c.props, ...c.findings.map((f): [string, string] => ['fingerprint', f.fingerprint])], '      '));
  const failed = c.findings.filter((f) => failing(f, failOn));
  const other = c.findings.filter((f) => !failing(f, failOn));
  const first = failed[0];
  if (first !== undefined) {
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more ${failed.length === 2 ? 'finding' : 'findings'})` : '';
    out.push(
      `      <failure${attrs([
        ['message', `${first.message}${more}`],
        ['type', `${first.ruleId}/${first.messageId}`],
      ])}>${body(failed)}</failure>`,
    );
  }
  if (other.length > 0) out.push(`      <system-out>${body(other)}</system-out>`);
  if (out.length === 1) return [out[0]!.replace(/>$/u, '/>')];
  out.push('    </testcase>');
  return out;
}

function propertiesXml(props: ReadonlyArray<[string, string]>, indent: string): string[] {
  if (props.length === 0) return [];
  return [
    `${indent}<properties>`,
    ...props.map(
      ([name, value]) =>
        `${indent}  <property${attrs([
          ['name', name],
          ['value', value],
        ])}/>`,
    ),
    `${indent}</properties>`,
  ];
}

/** Every finding in full: what, where, fingerprint, all its evidence, the fix. GitLab shows only this body. */
function body(findings: readonly Finding[]): string {
  const blocks = findings.map((f) => {
    const lines = [`${f.severity} ${f.ruleId}/${f.messageId}${f.turn === null ? '' : ` turn ${f.turn}`}`, strictText(f.message)];
    const at = [f.traceId && `trace ${strictText(f.traceId)}`, f.spanId && `span ${strictText(f.spanId)}`, f.path && strictText(f.path)].filter(Boolean);
    if (at.length > 0) lines.push(`at ${at.join(' · ')}`);
    lines.push(`fingerprint ${f.fingerprint}`);
    for (const e of f.evidence) lines.push(`- ${evidenceText(e)}`);
    if (f.suggestion !== null) lines.push(`fix: ${strictText(f.suggestion)}`);
    return lines.join('\n');
  });
  return xmlText(`\n${blocks.join('\n\n')}\n`);
}

function evidenceText(e: Evidence): string {
  const where = [e.turn === null ? null : `turn ${e.turn}`, e.traceId === null ? null : `trace ${strictText(e.traceId)}`, e.path === null ? null : strictText(e.path)].filter(Boolean);
  return `${strictText(e.label)}${where.length === 0 ? '' : `  (${where.join(' · ')})`}`;
}

function attrs(pairs: ReadonlyArray<[string, string | number]>): string {
  return pairs.map(([name, value]) => ` ${name}="${xmlAttr(typeof value === 'number' ? String(value) : strictText(value))}"`).join('');
}
