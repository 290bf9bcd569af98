import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Evidence, Finding } from '../../src/engine/analyze/findings.js';
import type { AnalyzeReport, AnalyzeSessionInfo } from '../../src/report/analyze/analyze.js';
import { analyzeSarifChunks } from '../../src/report/analyze/sarif.js';
import { RULES } from '../../src/rules/index.js';
import { makeFinding } from '../helpers/findings.js';
import { sarifValidator } from '../helpers/sarif-schema.js';

// `run.logicalLocations` is numbered in a first pass over the findings that keeps a session's
// entries only while its block of findings is read (and those a later block refers back to), then
// listed by placing the findings again (src/report/analyze/sarif-places.ts). These tests hold the
// output to what one map of every entry for the whole run makes: the reference below numbers the
// places the parsed results point at, in order of first use, with a map of everything.
//
// The findings are read three times. The reports here hold arrays; the CLI passes
// `analysisFacts(result).findings` (src/cli/commands/analyze.ts and merge.ts), the engine's
// `SpilledFindings`, which reads the findings back from its temporary file at each pass, and the
// API an array (`Analysis.findings`): never a one-shot iterable.

type Kind = 'session' | 'trace' | 'span';
interface Entry {
  name: string;
  fullyQualifiedName: string;
  kind: Kind;
  parentIndex?: number;
}
interface Pointer {
  index: number;
  name: string;
  fullyQualifiedName: string;
  kind: Kind;
}
interface Run {
  results: Array<{ locations?: Array<{ logicalLocations: Pointer[] }>; relatedLocations?: Array<{ logicalLocations?: Pointer[] }> }>;
  logicalLocations?: Entry[];
}

const tool = { version: '9.9.9', rules: ['turn-gap', 'error-propagation'].map((id) => RULES.find((r) => r.meta.id === id)!.meta) };
const validateSarif = sarifValidator();

function sarifRun(report: AnalyzeReport): Run {
  const text = [...analyzeSarifChunks(report, tool)].join('');
  const doc = JSON.parse(text) as { runs: Run[] };
  expect(text).toBe(`${JSON.stringify(doc, null, 2)}\n`);
  const ok = validateSarif(doc);
  expect(ok ? [] : validateSarif.errors?.map((e) => `${e.instancePath} ${e.message ?? ''}`)).toEqual([]);
  return doc.runs[0]!;
}

/** Where each result points, in order: its location, then its related locations'. */
function pointers(run: Run): Pointer[] {
  return run.results.flatMap((r) => [...(r.locations ?? []), ...(r.relatedLocations ?? [])].flatMap((l) => l.logicalLocations ?? []));
}

const KINDS: readonly Kind[] = ['session', 'trace', 'span'];

/**
 * The reference: `run.logicalLocations` as one map of the whole run numbers it, each place the
 * results point at (and its session and trace before it) listed at its first use. A place's
 * parents are read off its name (the ids here have no `/`): a span of two names is a trace
 * without a session's.
 */
function fullMapList(run: Run): Entry[] {
  const list: Entry[] = [];
  const indexOf = new Map<string, number>();
  for (const p of pointers(run)) {
    const names = p.fullyQualifiedName.split('/');
    const kinds = KINDS.slice(KINDS.indexOf(p.kind) - names.length + 1, KINDS.indexOf(p.kind) + 1);
    let parentIndex: number | undefined;
    for (let i = 0; i < names.length; i++) {
      const fullyQualifiedName = names.slice(0, i + 1).join('/');
      const key = JSON.stringify([kinds[i], fullyQualifiedName]);
      let index = indexOf.get(key);
      if (index === undefined) {
        index = list.length;
        list.push({ name: names[i]!, fullyQualifiedName, kind: kinds[i]!, ...(parentIndex === undefined ? {} : { parentIndex }) });
        indexOf.set(key, index);
      }
      parentIndex = index;
    }
  }
  return list;
}

/** The run's logical locations are the reference's, and every pointer resolves to its entry. */
function expectLikeFullMap(run: Run): Entry[] {
  const list = run.logicalLocations ?? [];
  expect(list).toEqual(fullMapList(run));
  expect(new Set(list.map((e) => JSON.stringify([e.kind, e.fullyQualifiedName]))).size).toBe(list.length);
  for (const p of pointers(run)) {
    const entry = list[p.index];
    expect(entry && [entry.name, entry.fullyQualifiedName, entry.kind]).toEqual([p.name, p.fullyQualifiedName, p.kind]);
  }
  list.forEach((e, i) => {
    if (e.parentIndex === undefined) expect([e.kind === 'session' || e.kind === 'trace', e.fullyQualifiedName.includes('/')]).toEqual([true, false]);
    else {
      const parent = list[e.parentIndex]!;
      expect([e.parentIndex < i, `${parent.fullyQualifiedName}/${e.name}`, KINDS.indexOf(parent.kind) + 1]).toEqual([true, e.fullyQualifiedName, KINDS.indexOf(e.kind)]);
    }
  });
  return list;
}

const evidence = (traceId: string | null, spanId: string | null = null): Evidence => ({ traceId, spanId, turn: null, path: null, kind: 'k', label: 'l' });
const session = (id: string, turnTraceIds: string[]): AnalyzeSessionInfo => ({ id, turns: turnTraceIds.length, user: null, turnTraceIds });

function report(sessions: AnalyzeSessionInfo[], findings: Iterable<Finding>, withoutSessionTraceIds: string[] = []): AnalyzeReport {
  return {
    findings,
    sessions,
    tracesWithoutSession: withoutSessionTraceIds.length,
    withoutSessionTraceIds,
    traces: sessions.reduce((n, s) => n + s.turns, withoutSessionTraceIds.length),
    duplicates: 0,
    outsideSelection: 0,
    rejected: 0,
    rules: ['turn-gap', 'error-propagation'],
    config: null,
    failOn: 'none',
    failed: false,
  };
}

/** A `\u0001` and the same written out, `\u{1}`: strictText makes them one name. */
const CONTROL = 'x\u0001';
const SPELLED = 'x\\u{1}';

const SESSIONS = [session('sA', ['a1', 'a2']), session('sD', ['d1']), session('sB', ['b1', 'b2']), session('sC', ['c1']), session(SPELLED, ['x1']), session(CONTROL, ['y1'])];
let n = 0;
const f = (over: Partial<Finding>): Finding => makeFinding({ fingerprint: `f${n++}`, ...over });
const FINDINGS: Finding[] = [
  // (b) evidence in a later session (sC), and in another turn of its own.
  f({ sessionId: 'sA', traceId: 'a1', spanId: 'sp1', evidence: [evidence('a2'), evidence('c1', 'spc')] }),
  // (e) one span, two findings of one session.
  f({ sessionId: 'sA', traceId: 'a1', spanId: 'sp1' }),
  f({ sessionId: 'sA', traceId: null, turn: null }),
  // (a) evidence in an earlier session's trace and span; and (d) in a trace without a session.
  f({ sessionId: 'sB', traceId: 'b1', evidence: [evidence('a1'), evidence('a1', 'sp1'), evidence('n1')] }),
  f({ sessionId: 'sB', traceId: 'b2', spanId: 'spb' }),
  f({ sessionId: 'sC', traceId: 'c1', spanId: 'spc' }),
  // Two sessions whose names strictText makes one share their entries.
  f({ sessionId: SPELLED, traceId: 'x1' }),
  f({ sessionId: CONTROL, traceId: 'y1', evidence: [evidence('x1')] }),
  // (d) traces without a session, each used by several findings.
  f({ sessionId: null, traceId: 'n1', turn: null }),
  f({ sessionId: null, traceId: 'n1', spanId: 'spn', turn: null, evidence: [evidence('n2')] }),
  f({ sessionId: null, traceId: 'n2', turn: null }),
  // (c) dump-level findings with evidence in sessions and in a trace without one.
  f({ sessionId: null, traceId: null, turn: null, evidence: [evidence('b2', 'spb'), evidence('n2'), evidence('a2')] }),
  f({ sessionId: null, traceId: null, turn: null, path: null }),
];

describe('analyze --format sarif: run.logicalLocations as one map of the run would list it', () => {
  it('places evidence in earlier and later sessions, from the dump, and in traces without a session, each once', () => {
    const run = sarifRun(report(SESSIONS, FINDINGS, ['n1', 'n2']));
    expect(run.results.length).toBe(FINDINGS.length);
    const list = expectLikeFullMap(run);
    expect(list.map((e) => [e.fullyQualifiedName, e.kind])).toEqual([
      ['sA', 'session'],
      ['sA/a1', 'trace'],
      ['sA/a1/sp1', 'span'],
      ['sA/a2', 'trace'],
      ['sC', 'session'],
      ['sC/c1', 'trace'],
      ['sC/c1/spc', 'span'],
      ['sB', 'session'],
      ['sB/b1', 'trace'],
      ['n1', 'trace'],
      ['sB/b2', 'trace'],
      ['sB/b2/spb', 'span'],
      [SPELLED, 'session'],
      [`${SPELLED}/x1`, 'trace'],
      [`${SPELLED}/y1`, 'trace'],
      ['n1/spn', 'span'],
      ['n2', 'trace'],
    ]);
    // The earlier session's trace and span, from sB's block: the entries sA's block made.
    expect(run.results[3]!.relatedLocations!.map((r) => r.logicalLocations![0]!.index)).toEqual([1, 2, 9]);
    // The dump-level finding's evidence: sB's span, a trace without a session, sA's other trace.
    expect(run.results[11]!.relatedLocations!.map((r) => r.logicalLocations![0]!.index)).toEqual([11, 16, 3]);
  });

  it('holds whichever of two sessions strictText makes one comes first', () => {
    const [spelled, control] = [FINDINGS[6]!, FINDINGS[7]!];
    const run = sarifRun(report([SESSIONS[5]!, SESSIONS[4]!], [control, spelled]));
    expect(expectLikeFullMap(run).map((e) => e.fullyQualifiedName)).toEqual([SPELLED, `${SPELLED}/y1`, `${SPELLED}/x1`]);
  });

  it('throws, rather than list other entries than the results point at, when the findings differ from one read to the next', () => {
    let reads = 0;
    // Each read ends with one more trace without a session than the read before.
    const changing: Iterable<Finding> = {
      *[Symbol.iterator]() {
        reads++;
        yield* FINDINGS.slice(0, 3);
        for (let i = 0; i < reads; i++) yield f({ sessionId: null, traceId: `m${i}`, turn: null });
      },
    };
    expect(() => [...analyzeSarifChunks(report(SESSIONS, changing), tool)]).toThrow(/logical locations: \d+ numbered with the results, \d+ when listed/u);
  });

  it('matches the reference for any sessions, findings and evidence in the engine order', () => {
    // Session ids include the two strictText makes one; trace ids are unique across the report.
    const ids = ['s0', 's1', 's2', 's3', SPELLED, CONTROL];
    // No traces: a finding about its session, or about the dump.
    const place = (traces: string[]) =>
      fc.record({ traceId: traces.length === 0 ? fc.constant(null) : fc.option(fc.constantFrom(...traces), { nil: null }), spanId: fc.option(fc.constantFrom('p0', 'p1'), { nil: null }) });
    const arbitrary = fc.shuffledSubarray(ids, { minLength: 1 }).chain((sessionIds) => {
      const sessions = sessionIds.map((id, i) => session(id, [`t${i}a`, `t${i}b`]));
      const traces = [...sessions.flatMap((s) => s.turnTraceIds as string[]), 'n0', 'n1', 'gone'];
      const evidenceOf = fc.array(
        place(traces).map(({ traceId, spanId }) => evidence(traceId, spanId)),
        { maxLength: 3 },
      );
      const block = (sessionId: string | null, own: string[]) =>
        fc.array(fc.record({ at: place(own), evidence: evidenceOf }), { maxLength: 3 }).map((xs) => xs.map(({ at, evidence }) => f({ sessionId, ...at, evidence })));
      return fc.tuple(...sessions.map((s) => block(s.id, s.turnTraceIds as string[])), block(null, ['n0', 'n1']), block(null, [])).map((blocks) => ({ sessions, findings: blocks.flat() }));
    });
    fc.assert(
      fc.property(arbitrary, ({ sessions, findings }) => {
        expectLikeFullMap(sarifRun(report(sessions, findings, ['n0', 'n1'])));
      }),
      { numRuns: 300 },
    );
  });
});
