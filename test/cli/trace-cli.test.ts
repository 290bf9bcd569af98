import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../helpers/fixture-traces.js';
import { REPO_ROOT, fixtureValue, makeWorkspace, runCliAsync, type Workspace } from '../helpers/make-inputs.js';

// `tracetriage trace` from the real binary on samples/ and the upstream fixtures.

const SAMPLES = join(REPO_ROOT, 'samples');
const REFUND = join(SAMPLES, 'search-sess-refund-7f3a.json');
const WRAPPER_3 = join(SAMPLES, 'traces', 'sess-wrapper-19c2-turn3.json');
const OTEL = join(SAMPLES, 'otel-genai.jsonl');
const TURN_5 = 'tr-eaad7e61ac6baaa620d497e41960925c';
const TURN_4 = 'tr-431e32114628b590f68d7835089ffda1';
const HOSTILE_ID = 'tr-0518806ea3e1bc6d2c78973da68756aa';

const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'trace-output.schema.json'), 'utf8')) as object;
const validateOutput = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true }).compile(schema);

const HOSTILE_NAME = 'evil|name`<script>alert(1)</script>\u001b[31mRED\u202eabc\nnext';
const DEEP = 100_000;

let ws: Workspace;
let hostile: string;
let shapes: string;
beforeAll(() => {
  ws = makeWorkspace();
  // The v3.6 error fixture with a hostile span name and attributes, a 100 000-deep attribute value,
  // an orphan span and two spans that are each other's parent.
  const record = fixtureValue('v3.6_trace_error.json') as { data: { spans: Array<Record<string, unknown>> } };
  const spans = record.data.spans;
  const child = spans[1]!;
  child.name = HOSTILE_NAME;
  child.attributes = {
    ...(child.attributes as object),
    'x|<b>': JSON.stringify('\u001b[2J<img src=x onerror=alert(1)>|`code`'),
    deep: JSON.stringify('['.repeat(DEEP) + ']'.repeat(DEEP)),
    // Within what a trace may nest, so decoded, and bounded when printed.
    deep100: JSON.stringify('['.repeat(100) + ']'.repeat(100)),
  };
  const copy = (spanId: string, parent: string, name: string): Record<string, unknown> => ({
    ...child,
    span_id: spanId,
    parent_span_id: parent,
    name,
    events: [],
    status: { code: 'STATUS_CODE_UNSET', message: '' },
  });
  spans.push(copy('AAAAAAAAAAE=', 'AAAAAAAAAAI=', 'lost_child'), copy('AAAAAAAAAAM=', 'AAAAAAAAAAQ=', 'loop_a'), copy('AAAAAAAAAAQ=', 'AAAAAAAAAAM=', 'loop_b'));
  hostile = ws.write('hostile.json', JSON.stringify(record));
  // A chain 60 spans deep under the root, and 250 more children of the root (251 in all).
  const wide = fixtureValue('v3.6_trace_error.json') as { data: { spans: Array<Record<string, unknown>> } };
  const [root, first] = wide.data.spans as [Record<string, unknown>, Record<string, unknown>];
  const id = (n: number): string => Buffer.from(n.toString(16).padStart(16, '0'), 'hex').toString('base64');
  const span = (n: number, parent: string, name: string): Record<string, unknown> => ({ ...first, span_id: id(n), parent_span_id: parent, name, events: [] });
  const chain = Array.from({ length: 60 }, (_, i) => span(1000 + i, i === 0 ? (root.span_id as string) : id(999 + i), `level${i + 1}`));
  const fan = Array.from({ length: 250 }, (_, i) => span(5000 + i, root.span_id as string, `leaf${i}`));
  wide.data.spans = [root, ...chain, ...fan];
  shapes = ws.write('shapes.json', JSON.stringify(wide));
});
afterAll(() => ws.cleanup());

const lines = (text: string): string[] => text.split('\n');

describe('trace: text', () => {
  it('refund turn 5: the TOOL span fails with its exception while the root stays OK', async () => {
    const run = await runCliAsync(['trace', TURN_5, REFUND]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = lines(run.stdout);
    expect(out.slice(0, 3)).toEqual([
      `trace ${TURN_5}  state OK  2026-11-10 09:04:22 UTC  4.32 s  format 3.5.1+`,
      'session sess-refund-7f3a  user cust-88121',
      'turn I/O: support_agent (depth 0, root); input mlflow.span (mlflow.spanInputs), output mlflow.span (mlflow.spanOutputs)',
    ]);
    expect(out).toContain('spans (5, 1 with status ERROR)');
    expect(out).toContain('support_agent  AGENT  4.32 s  OK  << turn I/O');
    expect(out).toContain('  create_refund_request  TOOL  635 ms  ERROR');
    const exception = out.find((l) => l.startsWith('    exception RefundRejectedError: 422 refund_window_expired'));
    expect(exception).toMatch(/\(refund-policy-2024\) \(at \+634 ms\)$/);
    // The Python traceback's last lines: the frame that raised, not OTel's wrappers.
    expect(out).toContain('      |     raise RefundRejectedError(resp.status_code, body["code"], body["detail"])');
    expect(out).toContain('  FAIL     correctness = false  (LLM_JUDGE openai:/gpt-4o-mini)');
    expect(out).toContain('  UNKNOWN  helpfulness = 1  (HUMAN qa.reviewer@acme-travel.example) on span 2666f4d2ca0f96c9');
  });

  it('refund turn 4: the scorer error stands apart from the verdicts', async () => {
    const run = await runCliAsync(['trace', TURN_4, REFUND]);
    expect(run.status).toBe(0);
    const out = lines(run.stdout);
    expect(out).toContain('assessments (1 feedback: 0 pass, 1 fail, 0 unknown; 0 expectation(s); 1 scorer error(s))');
    expect(out).toContain('scorer errors (the judge failed, not the trace)');
    expect(out.find((l) => l.startsWith('  relevance_to_query: RATE_LIMIT_EXCEEDED: Judge call'))).toBeDefined();
  });

  it('wrapper turn 3: the timeout chain, and booking_agent marked as the turn I/O span', async () => {
    const run = await runCliAsync(['trace', 'tr-9326a5b04ef80418fd5771af1f6b56bb', WRAPPER_3]);
    expect(run.status).toBe(0);
    const out = lines(run.stdout);
    expect(out.slice(2, 4)).toEqual(['turn I/O: booking_agent (depth 1, failed); input mlflow.span (mlflow.spanInputs), no output', '  below wrapper span(s): POST /v1/assistant/chat']);
    expect(out).toContain('spans (4, 3 with status ERROR)');
    expect(out).toContain('POST /v1/assistant/chat  UNKNOWN  30.12 s  ERROR');
    expect(out).toContain('  booking_agent  AGENT  30.11 s  ERROR  << turn I/O');
    expect(out).toContain('    get_booking  TOOL  75 ms  OK');
    expect(out).toContain('    Completions  CHAT_MODEL  30.02 s  ERROR');
    // MLflow's autolog wrote this event in microseconds: it still lands at the span's end.
    expect(out).toContain('      exception APITimeoutError: Request timed out. (at +30.02 s)');
    expect(out.filter((l) => l.trim() === '| openai.APITimeoutError: Request timed out.')).toHaveLength(3);
  });

  it.each([
    ['v2.19_trace_ok.json', '844221753fab44e2af0ba28057036bad', ['agent  AGENT  7 ms  OK  << turn I/O', '  get_weather  TOOL  0 ms  OK', '  chat_completion  CHAT_MODEL  6 ms  OK']],
    [
      'v2.22_trace_error.json',
      'd3511c9ea8e0437a95589caa181d1541',
      ['error_root  UNKNOWN  2 ms  ERROR  << turn I/O', '  error: ValueError: index not found', '  broken_retriever  RETRIEVER  1 ms  ERROR'],
    ],
    ['v2.22_trace_ok_chat_messages.json', '9a62b6314808422996c687383a6ad4aa', ['agent  AGENT  15 ms  OK  << turn I/O', '  get_weather  TOOL  0 ms  OK', '  chat_completion  CHAT_MODEL  15 ms  OK']],
    [
      'v3.6_trace_span_events_microsecond_timestamps.json',
      'tr-e8fd07e17bfd2bf2dbe182bc48b16be6',
      ['  stream_llm  LLM  0 ms  ERROR', '    exception RuntimeError: upstream 503 (at +0 ms)', '    events: mlflow.chunk.item.0, custom'],
    ],
  ])('%s: the span tree', async (file, id, expected) => {
    const run = await runCliAsync(['trace', id, fixturePath(file)]);
    expect(run.status).toBe(0);
    for (const line of expected) expect(lines(run.stdout)).toContain(line);
  });

  it('--attributes shows decoded attributes (double-encoded OTel values included); the bare hex id matches', async () => {
    const run = await runCliAsync(['trace', '5ca81f36845adbfabba8f2c8cb6441ff', OTEL, '--attributes']);
    expect(run.status).toBe(0);
    const out = lines(run.stdout);
    expect(out).toContain('  chat gpt-4o-mini  CHAT_MODEL  904 ms  OK  << turn I/O');
    expect(out).toContain('    · gen_ai.operation.name = chat');
    expect(out).toContain('    · gen_ai.input.messages = [{"role":"user","parts":[{"type":"text","content":"Is my flight AX412 to Madrid tomorrow on time?"}]}]');
    expect(out).toContain('    · gen_ai.tool.call.arguments = {"flight_number":"AX412","date":"2026-11-11"}');
  });

  it.each([
    [['trace', 'tr-00000000000000000000000000000000', REFUND], 1, 'tracetriage: exit 1: trace tr-00000000000000000000000000000000 is not in the inputs\n'],
    [['trace', TURN_5, join(SAMPLES, 'missing.json')], 2, null],
    [['trace', TURN_5], 2, null],
  ])('exit status: %j', async (args, status, stderr) => {
    const run = await runCliAsync(args);
    expect(run.status).toBe(status);
    expect(run.stdout).toBe('');
    if (stderr !== null) expect(run.stderr).toBe(stderr);
    else expect(run.stderr).toMatch(/^tracetriage: /);
  });
});

describe('trace: hostile and malformed traces', () => {
  it('text: escapes control, bidi and line-break characters; shows orphans and cycles; a 100 000-deep value is cut', async () => {
    const run = await runCliAsync(['trace', HOSTILE_ID, hostile, '--attributes']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(/[\u001b\u202e]/);
    const out = lines(run.stdout);
    expect(out).toContain('  evil|name`<script>alert(1)</script>\\u{1b}[31mRED\\u{202e}abc\\u{a}next  RETRIEVER  1 ms  ERROR');
    // JSON's own escape for the ESC inside a string value.
    expect(out).toContain('    · x|<b> = \\u001b[2J<img src=x onerror=alert(1)>|`code`');
    const deep = out.find((l) => l.startsWith('    · deep = '));
    // JSON text that decodes deeper than a trace may nest (512 levels) stays text (docs/inputs.md).
    expect(deep).toBe(`    · deep = ${'['.repeat(300)}… (${2 * DEEP} characters; --full shows all)`);
    expect(out).toContain('lost_child  RETRIEVER  1 ms  UNSET  (orphan: parent 0000000000000002 is not in the trace)');
    expect(out).toContain('spans on a parent cycle (unreachable from any root):');
    expect(out).toContain('loop_a  RETRIEVER  1 ms  UNSET  (parent 0000000000000004)');
  });

  it('--full renders the 100 000-deep value whole, without a stack overflow', async () => {
    const run = await runCliAsync(['trace', HOSTILE_ID, hostile, '--attributes', '--full']);
    expect(run.status).toBe(0);
    expect(lines(run.stdout)).toContain(`    · deep = ${'['.repeat(DEEP)}${']'.repeat(DEEP)}`);
  });

  it('markdown: no raw HTML, no extra table cells, no control characters', async () => {
    const run = await runCliAsync(['trace', HOSTILE_ID, hostile, '--attributes', '--format', 'markdown']);
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(/[\u001b\u202e]|<script|<img|<b>/);
    const out = lines(run.stdout);
    const row = out.find((l) => l.includes('evil'));
    expect(row).toBe('| &nbsp;&nbsp;↳ evil\\|name\\`&lt;script&gt;alert(1)&lt;/script&gt;\\\\u\\{1b\\}\\[31mRED\\\\u\\{202e\\}abc<br>next | RETRIEVER | 1 ms | ERROR | ValueError: index not found |');
    // Every table row keeps its cell count: unescaped pipes only between cells.
    for (const line of out.filter((l) => l.startsWith('| '))) {
      const cells = line.replace(/\\\|/g, '').split('|').length - 2;
      expect([2, 5, 6]).toContain(cells);
    }
  });

  it('json: validates against the schema, deep values bounded', async () => {
    const run = await runCliAsync(['trace', HOSTILE_ID, hostile, '--attributes', '--format', 'json']);
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as { spans: Array<{ name: string; place: string; attributes: Record<string, unknown> }> };
    expect(validateOutput(doc), JSON.stringify(validateOutput.errors)).toBe(true);
    expect(doc.spans.map((s) => [s.name, s.place])).toEqual([
      ['error_root', 'root'],
      [HOSTILE_NAME, 'child'],
      ['lost_child', 'orphan'],
      ['loop_a', 'cycle'],
      ['loop_b', 'cycle'],
    ]);
    // Kept as the text the file holds (too deep to decode), cut like any long text.
    expect(doc.spans[1]!.attributes.deep).toBe(`${'['.repeat(2000)}… (${2 * DEEP} characters)`);
    let value = doc.spans[1]!.attributes.deep100;
    let depth = 0;
    while (Array.isArray(value)) {
      value = value[0];
      depth++;
    }
    expect([depth, value]).toEqual([32, '[nested too deep]']);
  });
});

describe('trace: bounds on deep and wide trees', () => {
  it('summarizes spans past depth 40 and children past 200, and says how many were left out', async () => {
    const run = await runCliAsync(['trace', HOSTILE_ID, shapes]);
    expect(run.status).toBe(0);
    const out = lines(run.stdout);
    expect(out).toContain(`${'  '.repeat(40)}level40  RETRIEVER  1 ms  ERROR`);
    expect(out).toContain(`${'  '.repeat(41)}… 20 span(s) below level40 not shown (deeper than the depth shown)`);
    expect(out).toContain('  … 51 more span(s) under error_root not shown (--full shows all children)');
    expect(out).toContain('(71 span(s) not shown; --full shows more children per span)');
    const full = await runCliAsync(['trace', HOSTILE_ID, shapes, '--full']);
    expect(lines(full.stdout)).toContain('(20 span(s) not shown)');
  });
});

describe('trace: json and markdown', () => {
  it.each([
    [TURN_5, REFUND],
    [TURN_4, REFUND],
    ['tr-9326a5b04ef80418fd5771af1f6b56bb', WRAPPER_3],
    ['tr-5ca81f36845adbfabba8f2c8cb6441ff', OTEL],
    ['3781cb4c5076daa8b83e9664f2d7445c', join(SAMPLES, 'legacy-v2.json')],
  ])('%s: --format json validates against schemas/trace-output.schema.json', async (id, file) => {
    const run = await runCliAsync(['trace', id, file, '--format', 'json', '--attributes']);
    expect(run.status).toBe(0);
    expect(validateOutput(JSON.parse(run.stdout)), JSON.stringify(validateOutput.errors)).toBe(true);
  });

  it('refund turn 5 as JSON: the failing TOOL span, its exception, the triaged verdicts', async () => {
    const run = await runCliAsync(['trace', TURN_5, REFUND, '--format', 'json']);
    const doc = JSON.parse(run.stdout) as {
      turn_io: { span_name: string; selection: string };
      spans: Array<{ name: string; status: string; turn_io: boolean; exceptions: Array<{ type: string }> }>;
      assessments: { counts: Record<string, number>; feedback: Array<{ name: string; polarity: string; source_type: string }> };
    };
    expect([doc.turn_io.span_name, doc.turn_io.selection]).toEqual(['support_agent', 'root']);
    expect(doc.spans.map((s) => [s.name, s.status, s.turn_io, s.exceptions.map((e) => e.type)])).toEqual([
      ['support_agent', 'OK', true, []],
      ['retrieve_policy_docs', 'OK', false, []],
      ['Completions', 'OK', false, []],
      ['create_refund_request', 'ERROR', false, ['RefundRejectedError']],
      ['Completions', 'OK', false, []],
    ]);
    expect(doc.assessments.counts).toEqual({ pass: 1, fail: 1, unknown: 1, superseded: 0, disagreements: 0, scorer_errors: 0 });
    expect(doc.assessments.feedback.map((f) => [f.name, f.polarity, f.source_type])).toEqual([
      ['correctness', 'fail', 'LLM_JUDGE'],
      ['relevance_to_query', 'pass', 'LLM_JUDGE'],
      ['helpfulness', 'unknown', 'HUMAN'],
    ]);
  });

  it('refund turn 4 as Markdown: the span table and the scorer error table', async () => {
    const run = await runCliAsync(['trace', TURN_4, REFUND, '--format', 'markdown']);
    expect(run.status).toBe(0);
    const out = lines(run.stdout);
    expect(out[0]).toBe(`# Trace \`${TURN_4}\``);
    expect(out).toContain('| support_agent **(turn I/O)** | AGENT | 2.45 s | OK |  |');
    expect(out).toContain('| &nbsp;&nbsp;↳ retrieve_policy_docs | RETRIEVER | 129 ms | OK |  |');
    expect(out).toContain('### Scorer errors (the judge failed, not the trace)');
    expect(out.find((l) => l.startsWith('| relevance_to_query | RATE_LIMIT_EXCEEDED: '))).toMatch(/\| turn \|$/);
  });
});
