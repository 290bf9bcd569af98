import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, fixtureLine, jsonl, makeWorkspace, runCliAsync, type Workspace } from '../helpers/make-inputs.js';
import { fixturePath } from '../helpers/fixture-traces.js';
import { REFUND_TURNS } from '../helpers/samples.js';

// `search` and `get` from the real binary on real files: MLflow's bytes out where MLflow's bytes went in.

const SAMPLES = join(REPO_ROOT, 'samples');
const SEARCH_FIXTURE = fixturePath('v3.6_cli_traces_search_output_json.json');
const REFUND = "metadata.`mlflow.trace.session` = 'sess-refund-7f3a'";

interface SearchJson {
  traces: Array<{ info: { trace_id: string; state?: string }; data: { spans: unknown[] } }>;
  next_page_token: string | null;
}

const ids = (doc: SearchJson): string[] => doc.traces.map((t) => t.info.trace_id);
/** Every number literal of a JSON text, in order (strings are copied verbatim, so theirs match too). */
const numbers = (text: string): string[] => text.match(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g) ?? [];

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
  ws.write('mixed.jsonl', jsonl([fixtureLine('v3.6_trace_ok_assessments_session.json'), '{"not": "a trace"}', '{"info": {"trace_id": "x"', fixtureLine('v3.6_trace_error.json')]));
});
afterAll(() => ws.cleanup());

describe('search --output json', () => {
  it("prints MLflow's own search output byte for byte when given it back (default order timestamp_ms DESC)", async () => {
    const run = await runCliAsync(['search', '--output', 'json', SEARCH_FIXTURE]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(readFileSync(SEARCH_FIXTURE, 'utf8'));
  });

  it('finds one session across files and formats, in turn order, keeping every digit', async () => {
    const run = await runCliAsync(['search', SAMPLES, '--output', 'json', '--filter-string', REFUND, '--order-by', 'timestamp_ms ASC']);
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as SearchJson;
    expect(ids(doc)).toEqual(REFUND_TURNS);
    expect(doc.next_page_token).toBeNull();
    const source = readFileSync(join(SAMPLES, 'search-sess-refund-7f3a.json'), 'utf8');
    const original = JSON.parse(source) as SearchJson;
    for (const trace of doc.traces) expect(trace).toEqual(original.traces.find((t) => t.info.trace_id === trace.info.trace_id));
    // 19-digit nanosecond times survive: every literal of the source is in the output, none rounded.
    const out = new Set(numbers(run.stdout));
    const long = numbers(source).filter((n) => n.replace('-', '').length >= 17);
    expect(long.length).toBeGreaterThan(20);
    for (const n of long) expect(out.has(n)).toBe(true);
  });

  it('pages with --max-results and --page-token, and refuses a token from another search', async () => {
    const base = ['search', SAMPLES, '--output', 'json', '--filter-string', REFUND, '--order-by', 'timestamp_ms ASC', '--max-results', '2'];
    const seen: string[] = [];
    let token: string | null = null;
    for (let page = 0; page < 3; page++) {
      const run = await runCliAsync(token === null ? base : [...base, '--page-token', token]);
      expect(run.status).toBe(0);
      const doc = JSON.parse(run.stdout) as SearchJson;
      seen.push(...ids(doc));
      token = doc.next_page_token;
      expect(token === null).toBe(page === 2);
    }
    expect(seen).toEqual(REFUND_TURNS);
    const first = JSON.parse((await runCliAsync(base)).stdout) as SearchJson;
    const other = await runCliAsync(['search', SAMPLES, '--output', 'json', '--page-token', first.next_page_token!]);
    expect(other.status).toBe(2);
    expect(other.stderr).toContain('invalid page-token: invalid page token: it was made for another search');
  });

  it('--no-include-spans prints "spans": [] and --experiment-id keeps traces of that experiment', async () => {
    const run = await runCliAsync(['search', SEARCH_FIXTURE, '--output', 'json', '--no-include-spans', '-x', '400654040727596423']);
    const doc = JSON.parse(run.stdout) as SearchJson;
    expect(doc.traces.map((t) => t.data.spans)).toEqual([[], []]);
    const none = JSON.parse((await runCliAsync(['search', SEARCH_FIXTURE, '--output', 'json', '-x', '999'])).stdout) as SearchJson;
    expect(none).toEqual({ traces: [], next_page_token: null });
  });

  it('--extract-fields gives what MLflow gave for the same command', async () => {
    const spec = 'info.trace_id,info.state,info.tags.`mlflow.traceName`,info.trace_metadata.`mlflow.trace.session`,info.assessments.*.feedback.value,data.spans.*.name';
    const run = await runCliAsync(['search', SEARCH_FIXTURE, '--output', 'json', '--filter-string', "trace.status = 'OK'", '--extract-fields', spec]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(readFileSync(fixturePath('v3.6_cli_traces_search_extract_fields.json'), 'utf8')));
    expect(run.stdout).toContain('"value": 4.0');
  });

  it('--extract-fields in the table warns only of the fields that matched nothing, not of those it printed', async () => {
    const run = await runCliAsync(['search', SEARCH_FIXTURE, '--extract-fields', 'info.trace_id,info.no_such_key']);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^info\.trace_id +info\.no_such_key$/u);
    expect(run.stderr).not.toContain('info.trace_id matched nothing');
    expect(run.stderr).toMatch(/^tracetriage: --extract-fields: info\.no_such_key matched nothing in the \d+ trace\(s\) printed$/mu);
  });

  it('names rejected records on stderr, with file, line and byte offset, and still answers (exit 1)', async () => {
    const run = await runCliAsync(['search', ws.path('mixed.jsonl'), '--output', 'json']);
    expect(run.status).toBe(1);
    expect(ids(JSON.parse(run.stdout) as SearchJson)).toHaveLength(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/mixed\.jsonl:2:1 record 1 \(byte \d+\): not a trace: .*\[not-a-trace\]$/);
    expect(lines[1]).toMatch(/mixed\.jsonl:3:1 record 2 \(byte \d+\): .*\[(truncated|invalid-json|cut-short-line)\]$/);
    expect(lines.slice(-2)).toEqual([
      'tracetriage: 2 record(s) could not be read as traces and were left out (tracetriage validate lists them all)',
      'tracetriage: exit 1: 2 records could not be read as traces',
    ]);
  });
});

describe('search --output table and jsonl', () => {
  it("table: MLflow's columns with a real duration", async () => {
    const run = await runCliAsync(['search', SEARCH_FIXTURE]);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^info\.trace_id +info\.request_time +info\.state +info\.execution_duration +info\.request_preview +info\.response_preview$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^tr-0518806ea3e1bc6d2c78973da68756aa +2026-11-24 04:26:59 UTC +ERROR +\d+ ms /);
  });

  it('jsonl: one compact trace per line, same traces as json', async () => {
    const run = await runCliAsync(['search', SEARCH_FIXTURE, '--output', 'jsonl']);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const parsed = JSON.parse(readFileSync(SEARCH_FIXTURE, 'utf8')) as SearchJson;
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(parsed.traces);
  });
});

describe('search: filter errors point at the column', () => {
  it.each([
    ["status = 'OK' OR status = 'ERROR'", 'OR'],
    ["status = 'OK' AND", null],
  ])('%s', async (filter, word) => {
    const run = await runCliAsync(['search', SEARCH_FIXTURE, '--filter-string', filter]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const [head, echo, caret] = run.stderr.split('\n');
    expect(head).toMatch(/^tracetriage: invalid filter: .+ \(column \d+\)$/);
    expect(echo).toBe(`  ${filter}`);
    const column = Number(/\(column (\d+)\)/.exec(head!)![1]);
    expect(caret).toBe(`  ${' '.repeat(column - 1)}^`);
    if (word !== null) expect(filter.slice(column - 1).startsWith(word)).toBe(true);
  });
});

describe('get', () => {
  const singles = ['v3.6_trace_error.json', 'v3.6_trace_ok_assessments_session.json', 'v2.22_trace_ok_chat_messages.json', 'v3.4_trace_ok_assessments_session.json'];

  it.each(singles)('%s round-trips: byte for byte, so parsed equal and every number literal kept', async (file) => {
    const text = readFileSync(fixturePath(file), 'utf8');
    const doc = JSON.parse(text) as { info: { trace_id?: string; request_id?: string } };
    const id = doc.info.trace_id ?? doc.info.request_id!;
    const run = await runCliAsync(['get', '--trace-id', id, fixturePath(file)]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(doc);
    expect(numbers(run.stdout)).toEqual(numbers(text));
  });

  it('finds a trace inside a search export and a JSON Lines file, reformatted as MLflow indents', async () => {
    const run = await runCliAsync(['get', '--trace-id', REFUND_TURNS[2]!, SAMPLES]);
    expect(run.status).toBe(0);
    expect(run.stdout.startsWith('{\n  "info": {\n    "trace_id": "tr-0db43d844574d1055d12ea28d4b290e6",')).toBe(true);
    const otel = readFileSync(join(SAMPLES, 'otel-genai.jsonl'), 'utf8').split('\n')[0]!;
    const otelId = (JSON.parse(otel) as { info: { trace_id: string } }).info.trace_id;
    const fromLines = await runCliAsync(['get', '--trace-id', otelId, join(SAMPLES, 'otel-genai.jsonl')]);
    expect(JSON.parse(fromLines.stdout)).toEqual(JSON.parse(otel));
    expect(fromLines.stdout.split('\n').length).toBeGreaterThan(50);
  });

  it('--extract-fields on one trace', async () => {
    const run = await runCliAsync(['get', '--trace-id', REFUND_TURNS[2]!, SAMPLES, '--extract-fields', 'info.state,data.spans.*.attributes.`mlflow.spanType`']);
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as { info: unknown; data: { spans: Array<{ attributes: Record<string, string> }> } };
    expect(doc.info).toEqual({ state: 'OK' });
    expect(doc.data.spans.map((s) => s.attributes['mlflow.spanType'])).toContain('"RETRIEVER"');
  });

  it('exits 1 with a message when the trace is not there', async () => {
    const run = await runCliAsync(['get', '--trace-id', 'tr-00000000000000000000000000000000', SAMPLES]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    // samples/README.md is in the directory too: skipped, and counted.
    expect(run.stderr).toBe('tracetriage: 1 file(s) skipped: not trace exports\ntracetriage: exit 1: trace tr-00000000000000000000000000000000 is not in the inputs\n');
  });
});
