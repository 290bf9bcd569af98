import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureJson } from '../helpers/fixture-traces.js';
import { REPO_ROOT, jsonl, makeWorkspace, runCliAsync, type Workspace } from '../helpers/make-inputs.js';
import { REFUND_TURNS } from '../helpers/samples.js';
import { makeTrace } from '../helpers/trace-builder.js';
import { DISTINCT_IN_MEMORY } from '../../src/ingest/distinct-strings.js';

// `sessions` and `session <id>` from the real binary (make test builds dist/ first) on samples/,
// the upstream fixtures, and workspaces written here.

const SAMPLES = join(REPO_ROOT, 'samples');
const SKIPPED = 'tracetriage: 1 file(s) skipped: not trace exports\n'; // samples/README.md
const NO_SESSION = 'tr-13cfe5b30981a23e50c077e461f6a2e6';

const schema = (name: string): object => JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', name), 'utf8')) as object;
const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
ajv.addSchema(schema('sessions-output.schema.json'));
ajv.addSchema(schema('session-output.schema.json'));

interface SessionsJson {
  sessions: Array<{ session_id: string; user: string | null; turns: number; turns_with_errors: number; failing_assessments: number; scorer_errors: number; trace_ids: string[] }>;
  traces_without_session: { count: number; trace_ids: string[] };
  duplicate_traces: number;
}
interface Verdict {
  name: string;
  value: string;
  polarity: string;
  rationale: string | null;
  source_type: string;
  turn?: number;
}
interface SessionJson {
  session_id: string;
  summary: SessionsJson['sessions'][number];
  session_assessments: Verdict[];
  turns: Array<{
    turn: number;
    trace_id: string;
    user_text: string;
    answer_text: string;
    cut: boolean;
    tool_calls: Array<{ name: string }>;
    io_span: { name: string | null; depth: number | null; selection: string; wrapper_chain: string[]; answer_span: { name: string; span_id: string } | null; input: { carrier: string } | null };
    errors: Array<{ name: string; exception: { type: string | null } | null }>;
    assessments: Verdict[];
    scorer_errors: Array<{ name: string; error_code: string | null }>;
  }>;
}

async function json<T>(args: string[], schemaId: string): Promise<T> {
  const run = await runCliAsync(args);
  expect(run.status, run.stderr).toBe(0);
  const doc = JSON.parse(run.stdout) as T;
  expect(ajv.validate(schemaId, doc), ajv.errorsText(ajv.errors)).toBe(true);
  return doc;
}
const sessionsJson = (...args: string[]): Promise<SessionsJson> => json(['sessions', '--format', 'json', ...args], 'urn:tracetriage:schema:sessions-output');
const sessionJson = (...args: string[]): Promise<SessionJson> => json(['session', ...args, '--format', 'json'], 'urn:tracetriage:schema:session-output');

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});
afterAll(() => ws.cleanup());

describe('sessions on samples/', () => {
  it('lists the 4 sessions with their counts and the trace without a session (text)', async () => {
    const run = await runCliAsync(['sessions', SAMPLES]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(SKIPPED);
    expect(run.stdout).toBe(
      [
        'SESSION            EXPERIMENT  USER        TURNS  FIRST                    LAST                       DURATION  ERR TURNS  FAILING  SCORER ERR',
        'sess-legacy-2b     2           cust-20417      2  2026-11-09 16:20:48 UTC  2026-11-09 16:21:30 UTC     44.72 s          1        0           0',
        'sess-refund-7f3a   4           cust-88121      5  2026-11-10 09:00:04 UTC  2026-11-10 09:04:22 UTC  4 min 23 s          1        4           1',
        'sess-wrapper-19c2  4           cust-51907      3  2026-11-10 10:14:37 UTC  2026-11-10 10:16:02 UTC  1 min 55 s          1        0           0',
        'sess-otel-44d1     4           cust-73302      2  2026-11-10 11:02:13 UTC  2026-11-10 11:03:05 UTC     54.18 s          0        0           0',
        '',
        '4 sessions, 12 turns',
        `1 trace without a session: ${NO_SESSION}`,
        '',
      ].join('\n'),
    );
  });

  it('gives the same numbers as JSON, valid against its schema', async () => {
    const doc = await sessionsJson(SAMPLES);
    expect(doc.sessions.map((s) => [s.session_id, s.user, s.turns, s.turns_with_errors, s.failing_assessments, s.scorer_errors])).toEqual([
      ['sess-legacy-2b', 'cust-20417', 2, 1, 0, 0],
      ['sess-refund-7f3a', 'cust-88121', 5, 1, 4, 1],
      ['sess-wrapper-19c2', 'cust-51907', 3, 1, 0, 0],
      ['sess-otel-44d1', 'cust-73302', 2, 0, 0, 0],
    ]);
    expect(doc.sessions[1]!.trace_ids).toEqual(REFUND_TURNS);
    expect(doc.traces_without_session).toEqual({ count: 1, trace_ids: [NO_SESSION] });
    expect(doc.duplicate_traces).toBe(0);
  });

  const sorts: Array<[string, string[]]> = [
    ['id', ['sess-legacy-2b', 'sess-otel-44d1', 'sess-refund-7f3a', 'sess-wrapper-19c2']],
    ['last', ['sess-legacy-2b', 'sess-refund-7f3a', 'sess-wrapper-19c2', 'sess-otel-44d1']],
    ['turns', ['sess-refund-7f3a', 'sess-wrapper-19c2', 'sess-legacy-2b', 'sess-otel-44d1']],
    ['errors', ['sess-legacy-2b', 'sess-refund-7f3a', 'sess-wrapper-19c2', 'sess-otel-44d1']],
    ['failing', ['sess-refund-7f3a', 'sess-legacy-2b', 'sess-wrapper-19c2', 'sess-otel-44d1']],
  ];
  it.each(sorts)('--sort %s', async (key, expected) => {
    const doc = await sessionsJson('--sort', key, SAMPLES);
    expect(doc.sessions.map((s) => s.session_id)).toEqual(expected);
  });

  it('--filter-string keeps only the traces it matches before grouping', async () => {
    const doc = await sessionsJson('--filter-string', "status = 'ERROR'", SAMPLES);
    expect(doc.sessions.map((s) => [s.session_id, s.trace_ids])).toEqual([['sess-wrapper-19c2', ['tr-9326a5b04ef80418fd5771af1f6b56bb']]]);
    expect(doc.traces_without_session.count).toBe(0);
  });
});

describe('session sess-refund-7f3a', () => {
  it('shows the session-level assessment first, turns 1-5 in order, the wrong answer of turn 3 and the scorer error of turn 4 apart', async () => {
    const run = await runCliAsync(['session', 'sess-refund-7f3a', SAMPLES]);
    expect(run.status).toBe(0);
    const out = run.stdout;
    const at = (text: string): number => {
      const i = out.indexOf(text);
      expect(i, text).toBeGreaterThanOrEqual(0);
      return i;
    };
    const turns = [1, 2, 3, 4, 5].map((n) => at(`\nTurn ${n} · `));
    expect(turns).toEqual([...turns].sort((a, b) => a - b));
    expect(at('Session-level assessments\n  FAIL  conversation_completeness = "no" (LLM_JUDGE) (logged on turn 1)')).toBeLessThan(turns[0]!);
    expect(at("  user: Honestly I'd rather just return it and get my money back. What's your refund policy?")).toBeGreaterThan(turns[2]!);
    const rationale3 = at('FAIL  correctness = false (LLM_JUDGE)\n          rationale: States a 60-day refund window; the current policy (refund-policy-2024) allows 30 days.');
    expect(rationale3).toBeGreaterThan(turns[2]!);
    expect(rationale3).toBeLessThan(turns[3]!);
    const scorer = at('  scorer errors (a judge that failed, not the turn):\n    relevance_to_query: RATE_LIMIT_EXCEEDED: Judge call to openai:/gpt-4o-mini failed: 429 Too Many Requests');
    expect(scorer).toBeGreaterThan(turns[3]!);
    expect(scorer).toBeLessThan(turns[4]!);
    expect(at('create_refund_request (depth 1, span 1ff7a0d562d0177e): RefundRejectedError: 422 refund_window_expired')).toBeGreaterThan(turns[4]!);
  });

  it('as JSON: turn order, the correctness=false rationale of turns 3-5, the scorer error apart', async () => {
    const doc = await sessionJson('sess-refund-7f3a', SAMPLES);
    expect(doc.turns.map((t) => [t.turn, t.trace_id])).toEqual(REFUND_TURNS.map((id, i) => [i + 1, id]));
    expect(doc.session_assessments.map((v) => [v.turn, v.name, v.value, v.polarity])).toEqual([[1, 'conversation_completeness', '"no"', 'fail']]);
    expect(doc.turns[2]!.user_text).toBe("Honestly I'd rather just return it and get my money back. What's your refund policy?");
    const correctness = doc.turns.map((t) => t.assessments.find((v) => v.name === 'correctness')!);
    expect(correctness.map((v) => v.polarity)).toEqual(['pass', 'pass', 'fail', 'fail', 'fail']);
    expect(correctness[2]!.rationale).toBe('States a 60-day refund window; the current policy (refund-policy-2024) allows 30 days.');
    expect(correctness[3]!.rationale).toMatch(/^Confirms a return on day 45 using the 60-day window/);
    expect(correctness[4]!.rationale).toMatch(/^Blames a temporary system issue and repeats the 60-day window/);
    expect(doc.turns[3]!.scorer_errors).toEqual([expect.objectContaining({ name: 'relevance_to_query', error_code: 'RATE_LIMIT_EXCEEDED' })]);
    expect(doc.turns[3]!.assessments.map((v) => v.name)).toEqual(['correctness']);
  });
});

describe('session: where the turn I/O lives', () => {
  it("sess-wrapper-19c2 names booking_agent at depth 1, 2, 1 below the wrapper and turn 3's timeout", async () => {
    const doc = await sessionJson('sess-wrapper-19c2', SAMPLES);
    expect(doc.turns.map((t) => [t.io_span.name, t.io_span.depth, t.io_span.selection, t.io_span.wrapper_chain])).toEqual([
      ['booking_agent', 1, 'descendant', ['POST /v1/assistant/chat']],
      ['booking_agent', 2, 'descendant', ['POST /v1/assistant/chat', 'session_refresh']],
      ['booking_agent', 1, 'failed', ['POST /v1/assistant/chat']],
    ]);
    expect(doc.turns[2]!.errors.map((e) => [e.name, e.exception?.type])).toEqual([
      ['POST /v1/assistant/chat', 'APITimeoutError'],
      ['booking_agent', 'APITimeoutError'],
      ['Completions', 'APITimeoutError'],
    ]);
    expect(doc.turns[2]!.answer_text).toBe('');
    const text = (await runCliAsync(['session', 'sess-wrapper-19c2', join(SAMPLES, 'traces')])).stdout;
    expect(text).toContain('  span: booking_agent (depth 1, below wrapper POST /v1/assistant/chat) · carrier mlflow.span');
    expect(text).toContain('  span: booking_agent (depth 2, below wrappers POST /v1/assistant/chat › session_refresh)');
    expect(text).toContain('    Completions (depth 2, span dbd68d97da0c9a68): APITimeoutError: Request timed out.');
    expect(text).toContain('  app: (no answer)');
  });

  it('sess-otel-44d1, keyed by root span attributes, shows non-empty turns (mlflow/mlflow#24677)', async () => {
    const doc = await sessionJson('sess-otel-44d1', join(SAMPLES, 'otel-genai.jsonl'));
    expect(doc.turns.map((t) => [t.io_span.name, t.io_span.depth, t.user_text])).toEqual([
      ['chat gpt-4o-mini', 1, 'Is my flight AX412 to Madrid tomorrow on time?'],
      ['chat gpt-4o-mini', 1, 'Can I already check in online?'],
    ]);
    // An agent loop: the first chat call asked for get_flight_status, the answer is the last call's.
    expect(doc.turns[0]!.answer_text).toMatch(/^Yes — AX412 from Lisbon to Madrid tomorrow \(11 November\) is currently on time\./);
    expect(doc.turns[0]!.io_span.answer_span?.name).toBe('chat gpt-4o-mini');
    expect(doc.turns[1]!.io_span.answer_span).toBeNull();
    expect(doc.turns[1]!.answer_text).toMatch(/^Yes\. Online check-in for AX412 opens 24 hours before departure/);
  });

  it('sess-legacy-2b (MLflow 2.22, tag session_id) shows the failed retriever of turn 2', async () => {
    const doc = await sessionJson('sess-legacy-2b', join(SAMPLES, 'legacy-v2.json'));
    expect(doc.turns.map((t) => [t.user_text, t.errors.map((e) => e.name)])).toEqual([
      ['How long does delivery to Portugal take?', []],
      ['And can I pay with PayPal?', ['retrieve_policy_docs']],
    ]);
  });
});

describe('sessions over workspaces', () => {
  it('rebuilds a session spread out of order over a search export, a JSON Lines file and a get file', async () => {
    const traces = (JSON.parse(readFileSync(join(SAMPLES, 'search-sess-refund-7f3a.json'), 'utf8')) as { traces: unknown[] }).traces;
    // The export lists turns 5, 4, 3, 2, 1 (newest first).
    const search = ws.write('spread/1-search.json', JSON.stringify({ traces: traces.slice(0, 2), next_page_token: null }, null, 2));
    const lines = ws.write('spread/2-lines.jsonl', jsonl(traces.slice(2, 4).map((t) => JSON.stringify(t))));
    const get = ws.write('spread/3-get.json', JSON.stringify(traces[4], null, 2));
    for (const inputs of [[get, lines, search], [ws.path('spread')]]) {
      const doc = await sessionJson('sess-refund-7f3a', ...inputs);
      expect(doc.turns.map((t) => t.trace_id)).toEqual(REFUND_TURNS);
      expect(doc.session_assessments.map((v) => v.turn)).toEqual([1]);
    }
    const listed = await sessionsJson(search, get, lines, search);
    expect(listed.sessions.map((s) => [s.session_id, s.trace_ids])).toEqual([['sess-refund-7f3a', REFUND_TURNS]]);
    expect(listed.duplicate_traces).toBe(2);
  });

  it('groups a legacy session keyed by the tag session_id (altered 2.19 fixture)', async () => {
    const turn = (requestId: string, ms: number, question: string): string => {
      const record = fixtureJson('v2.19_trace_ok.json') as { info: Record<string, unknown>; data: { spans: Array<{ attributes: Record<string, string> }> } };
      record.info.request_id = requestId;
      record.info.timestamp_ms = ms;
      (record.info.tags as Record<string, string>).session_id = 'legacy-chat-1';
      (record.info.tags as Record<string, string>).user_id = 'u-legacy';
      record.data.spans[0]!.attributes['mlflow.spanInputs'] = JSON.stringify({ question });
      return JSON.stringify(record);
    };
    const file = ws.write('legacy.json', `[${turn('bb'.repeat(16), 1795494552000, 'And tomorrow?')},${turn('aa'.repeat(16), 1795494551000, "What's the weather in Paris?")}]`);
    const listed = await sessionsJson(file);
    expect(listed.sessions.map((s) => [s.session_id, s.user, s.trace_ids])).toEqual([['legacy-chat-1', 'u-legacy', ['aa'.repeat(16), 'bb'.repeat(16)]]]);
    const doc = await sessionJson('legacy-chat-1', file);
    expect(doc.turns.map((t) => [t.user_text, t.answer_text])).toEqual([
      ["What's the weather in Paris?", 'It is sunny in Paris.'],
      ['And tomorrow?', 'It is sunny in Paris.'],
    ]);
  });

  it('counts and lists traces without a session (the first 10 in text, all in JSON)', async () => {
    const base = readFileSync(join(SAMPLES, 'traces', 'no-session-smoke-test.json'), 'utf8');
    const ids = Array.from({ length: 12 }, (_, i) => `tr-${String(i).padStart(2, '0')}${'c'.repeat(30)}`);
    const file = ws.write('no-session.jsonl', jsonl(ids.map((id) => JSON.stringify({ ...(JSON.parse(base) as object), info: { ...(JSON.parse(base) as { info: object }).info, trace_id: id } }))));
    const doc = await sessionsJson(file);
    expect(doc.sessions).toEqual([]);
    expect(doc.traces_without_session).toEqual({ count: 12, trace_ids: ids });
    const text = await runCliAsync(['sessions', file]);
    expect(text.stdout).toBe(`0 sessions, 0 turns\n12 traces without a session (first 10: ${ids.slice(0, 10).join(', ')}; --format json lists all)\n`);
  });
});

describe('more sessions than are counted in memory', () => {
  it('session and stats count every distinct session exactly (their ids past the first 16,384 go to a temporary file)', { timeout: 120_000 }, async () => {
    // Two traces of each of the first sessions, one of the rest, and one trace without a session.
    const sessions = DISTINCT_IN_MEMORY + 300;
    const lines: string[] = [];
    for (let i = 0; i < sessions; i++) {
      for (let turn = 0; turn < (i < 100 ? 2 : 1); turn++)
        lines.push(JSON.stringify(makeTrace({ key: `t-${i}-${turn}`, session: `s-${i}`, time: 1794301200000 + turn * 1000, spans: [{ name: 'root' }] })));
    }
    lines.push(JSON.stringify(makeTrace({ key: 'loose', session: null, spans: [{ name: 'root' }] })));
    const file = ws.write('many-sessions.jsonl', jsonl(lines));
    const asked = await runCliAsync(['session', file]);
    expect(asked.status).toBe(2);
    expect(asked.stderr).toContain(`the inputs hold ${sessions} sessions: name one`);
    const stats = JSON.parse((await runCliAsync(['stats', '--format', 'json', file])).stdout) as { total: { traces: number; sessions: number; traces_without_session: number } };
    expect(stats.total).toMatchObject({ traces: sessions + 101, sessions, traces_without_session: 1 });
    const one = await sessionJson('s-7', file);
    expect(one.turns).toHaveLength(2);
  });
});

describe('hostile trace text', () => {
  const hostile = 'pipe | tick ` <script>alert(1)</script>\nsecond line \u001b[31mred\u001b[0m';
  let file: string;
  beforeAll(() => {
    const record = JSON.parse(readFileSync(join(SAMPLES, 'traces', 'sess-wrapper-19c2-turn1.json'), 'utf8')) as {
      data: { spans: Array<{ name: string; attributes: Record<string, string> }> };
    };
    const agent = record.data.spans.find((s) => s.name === 'booking_agent')!;
    const inputs = JSON.parse(agent.attributes['mlflow.spanInputs']!) as { messages: Array<{ role: string; content: string }> };
    inputs.messages[inputs.messages.length - 1]!.content = hostile + ' ' + 'x'.repeat(2500);
    agent.attributes['mlflow.spanInputs'] = JSON.stringify(inputs);
    file = ws.write('hostile.json', JSON.stringify(record));
  });

  it('Markdown escapes it so every table row keeps its cells', async () => {
    const run = await runCliAsync(['session', 'sess-wrapper-19c2', file, '--format', 'markdown']);
    expect(run.status).toBe(0);
    const md = run.stdout;
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('\u001b');
    expect(md).toContain('pipe \\| tick \\` &lt;script&gt;alert(1)&lt;/script&gt;<br>second line \\\\u\\{1b\\}\\[31mred\\\\u\\{1b\\}\\[0m');
    const cells = (line: string): number => line.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length - 2;
    for (const block of md.split('\n\n')) {
      const rows = block.split('\n').filter((l) => l.startsWith('|'));
      if (rows.length === 0) continue;
      const widths = new Set(rows.map(cells));
      expect(widths.size, block).toBe(1);
      for (const row of rows) expect(row.endsWith(' |'), row).toBe(true);
    }
  });

  it('text escapes control characters and cuts long texts unless --full', async () => {
    const cut = await runCliAsync(['session', 'sess-wrapper-19c2', file]);
    expect(cut.stdout).not.toContain('\u001b');
    expect(cut.stdout).toContain('  user: pipe | tick ` <script>alert(1)</script>\n        second line \\u{1b}[31mred\\u{1b}[0m xxx');
    expect(cut.stdout).toContain('x… [cut, 565 chars]\n  app: Your booking ZX4Q7P');
    const full = await sessionJson('sess-wrapper-19c2', file, '--full');
    expect(full.turns[0]!.user_text).toBe(hostile + ' ' + 'x'.repeat(2500));
    expect(full.turns[0]!.cut).toBe(false);
  });
});

describe('exit codes and help', () => {
  it('exits 1 with one clear line when the session is not in the inputs', async () => {
    const run = await runCliAsync(['session', 'sess-refund', join(SAMPLES, 'search-sess-refund-7f3a.json')]);
    expect([run.status, run.stdout, run.stderr]).toEqual([1, '', 'tracetriage: exit 1: session sess-refund is not in the inputs (1 other session found; tracetriage sessions lists them)\n']);
  });

  it('exits 2 when an input cannot be read', async () => {
    const missing = ws.path('missing.json');
    for (const args of [
      ['sessions', missing],
      ['session', 'sess-refund-7f3a', missing],
    ]) {
      const run = await runCliAsync(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('missing.json');
    }
  });

  it('exits 2 on usage errors', async () => {
    for (const args of [
      ['session', 'sess-refund-7f3a'],
      ['sessions', SAMPLES, '--sort', 'size'],
      ['session', 'x', SAMPLES, '--format', 'html'],
    ]) {
      expect((await runCliAsync(args)).status, args.join(' ')).toBe(2);
    }
  });

  it('--help shows examples on samples/', async () => {
    expect((await runCliAsync(['sessions', '--help'])).stdout).toContain('tracetriage sessions samples/ --sort failing');
    expect((await runCliAsync(['session', '--help'])).stdout).toContain('tracetriage session sess-refund-7f3a samples/');
  });
});
