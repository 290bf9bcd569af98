import type { Evidence, Finding } from '../../engine/analyze/findings.js';
import type { Severity } from '../../rules/api.js';
import type { AnalyzeReport } from './analyze.js';
import { strictText } from '../../shared/escape/terminal.js';
import { xmlAttr, xmlText } from '../../shared/escape/xml.js';
import { atLeast } from '../../shared/severity.js';

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
  cases: Case[];
}

interface SessionSuite {
  suite: Suite;
  turns: Case[];
  /** The `session` testcase, made at the first finding without a turn. */
  whole: Case | null;
}

/**
 * `analyze --format junit`: a `<testsuite>` per session (a `<testcase>` per turn, plus `session`
 * for findings without a turn), one for the traces without a session (a testcase per trace), one
 * for findings about the whole dump. A testcase fails when one of its findings is at or above
 * `--fail-on`, so the report has failures exactly when the exit status is 1; the findings below
 * it go to the testcase's `<system-out>`. A testcase carries at most one `<failure>`: Jenkins,
 * Azure DevOps and most JUnit readers show only the first, so its `message` and `type` are the
 * first failing finding's and its body lists every failing finding. Yields the document in
 * pieces (a suite at a time) for big dumps.
 */
export function* analyzeJunitChunks(report: AnalyzeReport): Generator<string> {
  const suites = suitesOf(report);
  const fails = (c: Case): boolean => c.findings.some((f) => failing(f, report.failOn));
  const tests = suites.reduce((n, s) => n + s.cases.length, 0);
  const failures = suites.reduce((n, s) => n + s.cases.filter(fails).length, 0);
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs([
    ['name', 'tracetriage analyze'],
    ['tests', tests],
    ['failures', failures],
    ['errors', 0],
  ])}>\n`;
  for (const suite of suites) {
    const out = [
      `  <testsuite${attrs([
        ['name', suite.name],
        ['tests', suite.cases.length],
        ['failures', suite.cases.filter(fails).length],
        ['errors', 0],
        ['skipped', 0],
      ])}>`,
    ];
    out.push(...propertiesXml(suite.props, '    '));
    for (const c of suite.cases) out.push(...caseXml(c, report.failOn));
    out.push('  </testsuite>');
    yield `${out.join('\n')}\n`;
  }
  yield '</testsuites>\n';
}

function failing(f: Finding, failOn: Severity | 'none'): boolean {
  return failOn !== 'none' && atLeast(f.severity, failOn);
}

/** Suites in report order: sessions, then the traces without one, then the dump; each finding on its testcase. */
function suitesOf(report: AnalyzeReport): Suite[] {
  const sessions = new Map<string, SessionSuite>();
  const sessionEntry = (id: string, user: string | null, traceIds: Iterable<string>): SessionSuite => {
    const turns = Array.from(traceIds, (traceId, i): Case => ({ classname: id, name: `turn ${i + 1} · ${traceId}`, props: turnProps(id, i + 1, traceId), findings: [] }));
    const props: Array<[string, string]> =
      user === null
        ? [['session_id', id]]
        : [
            ['session_id', id],
            ['user', user],
          ];
    const entry: SessionSuite = { suite: { name: id, props, cases: [...turns] }, turns, whole: null };
    sessions.set(id, entry);
    return entry;
  };
  for (const s of report.sessions) sessionEntry(s.id, s.user, s.turnTraceIds);
  const loose = new Map<string, Case>();
  const looseCase = (traceId: string): Case => {
    let c = loose.get(traceId);
    if (c === undefined) {
      c = { classname: WITHOUT_SESSION_SUITE, name: traceId, props: [['trace_id', traceId]], findings: [] };
      loose.set(traceId, c);
    }
    return c;
  };
  for (const id of report.withoutSessionTraceIds) looseCase(id);
  let dump: Case | null = null;
  for (const f of report.findings) {
    if (f.sessionId !== null) {
      // A session the report does not list (it always should) still gets its suite, not a lost finding.
      const entry = sessions.get(f.sessionId) ?? sessionEntry(f.sessionId, null, []);
      let target = f.turn === null ? undefined : entry.turns[f.turn - 1];
      if (target === undefined) {
        if (entry.whole === null) {
          // First in its suite: the session as a whole comes before its turns, as in the text report.
          entry.whole = { classname: f.sessionId, name: SESSION_CASE, props: [['session_id', f.sessionId]], findings: [] };
          entry.suite.cases.unshift(entry.whole);
        }
        target = entry.whole;
      }
      target.findings.push(f);
    } else if (f.traceId !== null) {
      looseCase(f.traceId).findings.push(f);
    } else {
      dump ??= { classname: DUMP_SUITE, name: DUMP_SUITE, props: [], findings: [] };
      dump.findings.push(f);
    }
  }
  const suites = [...sessions.values()].map((e) => e.suite);
  if (loose.size > 0) suites.push({ name: WITHOUT_SESSION_SUITE, props: [], cases: [...loose.values()] });
  if (dump !== null) suites.push({ name: DUMP_SUITE, props: [], cases: [dump] });
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
