import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportInputs, type ReportOptions } from '../../src/engine/report/report.js';
import { MAX_DETAILED_TURNS } from '../../src/engine/report/data.js';
import { reportHtml } from '../../src/report/ticket/html/report.js';
import { reportMarkdown } from '../../src/report/ticket/markdown/report.js';
import { selectRules } from '../../src/engine/analyze/rule-set.js';
import { waterfallOf } from '../../src/model/waterfall.js';
import { traceOf } from '../helpers/fixture-traces.js';
import { REPO_ROOT, makeWorkspace } from '../helpers/make-inputs.js';
import { conversation, makeTrace, spanIdOf } from '../helpers/trace-builder.js';

// The data `report` renders: which sessions are shown, each turn's status, excerpts and waterfall.
const ws = makeWorkspace();
afterAll(() => ws.cleanup());

function options(over: Partial<ReportOptions> = {}): ReportOptions {
  const selection = selectRules({}, []);
  return { rules: selection.rules, severityOverride: selection.severityOverride, maxSessions: 20, config: null, rejected: () => 0, ...over };
}

describe('reportInputs on samples/', () => {
  it('shows the session with the root cause first, each turn with its status, and counts everything', async () => {
    const data = await reportInputs([join(REPO_ROOT, 'samples')], options());
    expect(data.summary).toMatchObject({
      traces: 13,
      sessions: 4,
      turns: 12,
      tracesWithoutSession: 1,
      failedWithoutSession: 0,
      findings: 9,
      rootCauses: 1,
      bySeverity: { error: 1, warn: 8, info: 0 },
    });
    // Root cause first; the two sessions with one warn and one failed turn keep report order (first turn time).
    expect(data.sessions.map((s) => s.id)).toEqual(['sess-refund-7f3a', 'sess-legacy-2b', 'sess-wrapper-19c2', 'sess-otel-44d1']);
    const refund = data.sessions[0]!;
    expect(refund.turnList.map((t) => t.status)).toEqual(['passed', 'passed', 'root-cause', 'inherited', 'inherited']);
    expect(refund.rootCauseTurns).toEqual([3]);
    const root = refund.turnList[2]!;
    expect(root.traceId).toBe('tr-0db43d844574d1055d12ea28d4b290e6');
    expect(root.failure).toBe('correctness = false: States a 60-day refund window; the current policy (refund-policy-2024) allows 30 days.');
    expect(root.answerText).toMatch(/^Of course\. Our refund policy allows returns within 60 days/);
    expect(root.waterfall.spans.map((s) => [s.name, s.depth, s.turnIo])).toEqual([
      ['support_agent', 0, true],
      ['retrieve_policy_docs', 1, false],
      ['Completions', 1, false],
    ]);
    expect(root.waterfall.spans[0]!.startMs).toBe(0);
    expect(refund.sessionVerdicts.map((v) => [v.turn, v.verdict.name])).toEqual([[1, 'conversation_completeness']]);
    expect([...data.otherSessions]).toEqual([]);
  });

  it('keeps the most telling sessions within --max-sessions and lists the others in report order', async () => {
    const data = await reportInputs([join(REPO_ROOT, 'samples')], options({ maxSessions: 1 }));
    expect(data.sessions.map((s) => s.id)).toEqual(['sess-refund-7f3a']);
    expect(Array.from(data.otherSessions, (s) => s.id)).toEqual(['sess-legacy-2b', 'sess-wrapper-19c2', 'sess-otel-44d1']);
    expect([...data.otherSessions].every((s) => s.findings > 0 && s.worst === 'warn')).toBe(true);
  });

  it('reports only the sessions asked for', async () => {
    const data = await reportInputs([join(REPO_ROOT, 'samples')], options({ sessions: ['sess-legacy-2b'] }));
    expect(data.sessions.map((s) => s.id)).toEqual(['sess-legacy-2b']);
    expect(data.sessionFilter).toEqual(['sess-legacy-2b']);
    expect(data.summary.sessions).toBe(1);
    expect(data.sessions[0]!.turnList.map((t) => t.status)).toEqual(['passed', 'failed']);
  });

  it('marks a turn with a failed span as failed, and a scorer error alone as passed', async () => {
    const traces = conversation('s-x', [
      { user: 'hi', answer: 'hello' },
      { user: 'book it', answer: 'done' },
    ]);
    const failing = makeTrace({
      key: 's-x/turn-3',
      session: 's-x',
      time: Date.UTC(2026, 10, 10, 9, 5),
      spans: [
        { id: 'a'.repeat(16), name: 'agent', type: 'AGENT', inputs: { messages: [{ role: 'user', content: 'and?' }] }, outputs: 'oops', end: 500 },
        { id: 'b'.repeat(16), parent: 'a'.repeat(16), name: 'call_api', type: 'TOOL', status: 'ERROR', exception: { type: 'Timeout', message: 'after 30 s' }, start: 10, end: 400 },
      ],
      assessments: [{ name: 'correctness', error: { code: 'RATE_LIMIT', message: 'judge quota' } }],
    });
    const file = join(ws.dir, 'x.jsonl');
    writeFileSync(file, [...traces, failing].map((t) => JSON.stringify(t)).join('\n') + '\n');
    const data = await reportInputs([file], options());
    const turns = data.sessions[0]!.turnList;
    expect(turns.map((t) => t.status)).toEqual(['passed', 'passed', 'failed']);
    expect(turns[2]!.failure).toBe('span call_api failed: Timeout: after 30 s');
    expect(turns[2]!.scorerErrors.map((e) => e.code)).toEqual(['RATE_LIMIT']);
    expect(turns[2]!.waterfall.spans.map((s) => [s.name, s.status, s.error, s.startMs, s.durationMs])).toEqual([
      ['agent', 'OK', null, 0, 500],
      ['call_api', 'ERROR', 'Timeout: after 30 s', 10, 390],
    ]);
    expect(data.sessions[0]!.failedTurns).toBe(1);
  });
});

describe('reportInputs with traces that have no id', () => {
  it('keeps each turn its own texts and waterfall (turns are found by position, not by trace id)', async () => {
    const turns = conversation('s-noid', [
      { user: 'first question', answer: 'first answer' },
      { user: 'second question', answer: 'second answer' },
    ]).map((record) => {
      const info = record.info as Record<string, unknown>;
      info.trace_id = '';
      return record;
    });
    const file = join(ws.dir, 'noid.jsonl');
    writeFileSync(file, turns.map((t) => JSON.stringify(t)).join('\n') + '\n');
    const data = await reportInputs([file], options());
    const list = data.sessions[0]!.turnList;
    expect(list.map((t) => [t.traceId, t.userText, t.answerText])).toEqual([
      ['', 'first question', 'first answer'],
      ['', 'second question', 'second answer'],
    ]);
  });
});

describe('reportInputs on a long session', () => {
  it(`details MAX_DETAILED_TURNS turns, those that did not pass first, and keeps every turn in the strip`, async () => {
    const turns = Array.from({ length: MAX_DETAILED_TURNS + 5 }, (_, i) => ({ user: `question number ${i + 1}, long enough`, answer: `answer number ${i + 1}` }));
    const records = conversation('s-long', turns);
    // Turn 104 fails: a failed span.
    const failing = records[103]!;
    const spans = (failing.data as { spans: Array<Record<string, unknown>> }).spans;
    spans[0]!.status = { code: 'STATUS_CODE_ERROR', message: 'boom' };
    const file = join(ws.dir, 'long.jsonl');
    writeFileSync(file, records.map((t) => JSON.stringify(t)).join('\n') + '\n');
    const data = await reportInputs([file], options());
    const list = data.sessions[0]!.turnList;
    expect(list).toHaveLength(MAX_DETAILED_TURNS + 5);
    const detailed = list.filter((t) => t.detailed).map((t) => t.number);
    expect(detailed).toEqual([...Array.from({ length: MAX_DETAILED_TURNS - 1 }, (_, i) => i + 1), 104]);
    const outlined = list[99]!;
    expect([outlined.detailed, outlined.userText, outlined.answerText, outlined.waterfall.spans, outlined.verdicts]).toEqual([false, '', '', [], []]);
    expect(outlined.waterfall.omitted).toBeGreaterThan(0);
    expect(list[103]!).toMatchObject({ detailed: true, status: 'failed', failure: 'span agent failed: boom', userText: 'question number 104, long enough' });

    const html = reportHtml(data);
    const targets = [...html.matchAll(/<nav class="strip"[\s\S]*?<\/nav>/gu)][0]![0].match(/href="#([^"]+)"/gu)!.map((h) => h.slice(7, -1));
    expect(targets).toHaveLength(MAX_DETAILED_TURNS + 5);
    for (const id of targets) expect(html).toContain(`id="${id}"`);
    expect(html.match(/Details left out: in a session this long/gu)).toHaveLength(5);
    const md = reportMarkdown(data, { maxBytes: 10_000_000 });
    expect(md).toContain(`Details of 5 turns left out: a session this long is shown with ${MAX_DETAILED_TURNS} turns in detail`);
    expect(md).not.toContain('#### Turn 100 ');
    expect(md).toContain('#### Turn 104 ');
  });
});

describe('waterfallOf', () => {
  const trace = (spans: Parameters<typeof makeTrace>[0]['spans']) => traceOf(makeTrace({ key: 'w', spans: spans ?? [] }));

  it('puts each subtree under its root in start order, then orphans, and bounds the bars', () => {
    const t = trace([
      { id: '1'.repeat(16), name: 'root', end: 1000 },
      { id: '2'.repeat(16), parent: '1'.repeat(16), name: 'late', start: 600, end: 900 },
      { id: '3'.repeat(16), parent: '1'.repeat(16), name: 'early', start: 100, end: 200 },
      { id: '4'.repeat(16), parent: '3'.repeat(16), name: 'inner', start: 120, end: 150 },
      { id: '5'.repeat(16), parent: 'f'.repeat(16), name: 'orphan', start: 950, end: 1200 },
    ]);
    const w = waterfallOf(t, 0, 100);
    expect(w.spans.map((s) => `${s.depth}:${s.name}`)).toEqual(['0:root', '1:early', '2:inner', '1:late', '0:orphan']);
    expect(w.totalMs).toBe(1200);
    expect(w.omitted).toBe(0);
    expect(w.spans[0]!.turnIo).toBe(true);
    const bounded = waterfallOf(t, null, 2);
    expect(bounded.spans.map((s) => s.name)).toEqual(['root', 'early']);
    expect(bounded.omitted).toBe(3);
  });

  it('reads no times as unknown, not zero', () => {
    const record = makeTrace({ key: 'u', spans: [{ id: '1'.repeat(16), name: 'root' }] });
    const spans = (record.data as { spans: Array<Record<string, unknown>> }).spans;
    delete spans[0]!.end_time_unix_nano;
    const w = waterfallOf(traceOf(record), null, 10);
    expect(w.spans[0]!.durationMs).toBeNull();
    expect(w.spans[0]!.startMs).toBe(0);
    expect(spanIdOf('u', { id: '1'.repeat(16), name: 'root' })).toBe(w.spans[0]!.spanId);
  });
});
