import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCliAsync } from '../helpers/make-inputs.js';
import { fixturePath } from '../helpers/fixture-traces.js';

// `tracetriage query` from the real binary: the pipeline and --jq answer the same questions alike,
// over several files at once.

const SAMPLES = join(REPO_ROOT, 'samples');
// The upstream fixtures by name (test/fixtures has sub-folders of its own tests' inputs).
const FIXTURES = readdirSync(join(REPO_ROOT, 'test', 'fixtures'))
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => fixturePath(name));
const SKIPPED = (n: number): string => `tracetriage: ${n} file(s) skipped: not trace exports\n`;

const lines = (stdout: string): unknown[] =>
  stdout
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);

interface Case {
  name: string;
  query: string;
  jq: string;
  /** The jq answers, turned into what the pipeline prints (or null when they print the same). */
  fromJq?: (values: unknown[]) => unknown[];
  inputs: string[];
  expected: unknown[];
}

const cases: Case[] = [
  {
    name: "error span names counted across samples/ and the fixtures (the issue's example)",
    query: '$.data.spans[?@.status.code == "STATUS_CODE_ERROR"] | group_by(name) | count',
    jq: '.data.spans[]? | select(.status.code == "STATUS_CODE_ERROR") | .name',
    fromJq: (names) => {
      const counts = new Map<unknown, number>();
      for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
      return [...counts].map(([key, count]) => ({ key, count }));
    },
    inputs: [SAMPLES, ...FIXTURES],
    expected: [
      { key: 'create_refund_request', count: 1 },
      { key: 'POST /v1/assistant/chat', count: 1 },
      { key: 'booking_agent', count: 1 },
      { key: 'Completions', count: 1 },
      { key: 'error_root', count: 3 },
      { key: 'broken_retriever', count: 3 },
      { key: 'retrieve', count: 1 },
      { key: 'stream_llm', count: 1 },
    ],
  },
  {
    name: 'trace ids of the refund session, in file order',
    query: '$.info.trace_id',
    jq: '.info.trace_id',
    inputs: [join(SAMPLES, 'search-sess-refund-7f3a.json')],
    expected: [
      'tr-eaad7e61ac6baaa620d497e41960925c',
      'tr-431e32114628b590f68d7835089ffda1',
      'tr-0db43d844574d1055d12ea28d4b290e6',
      'tr-3d038574a10650ce84e9aef154170594',
      'tr-1b5ff12852e9a8599f3d68af257f6254',
    ],
  },
  {
    name: 'distinct assessment names over every sample, first seen first',
    query: '$.info.assessments[*].assessment_name | unique',
    jq: '.info.assessments[]?.assessment_name',
    fromJq: (names) => [...new Set(names)],
    inputs: [SAMPLES],
    expected: ['correctness', 'relevance_to_query', 'helpfulness', 'expected_response', 'conversation_completeness'],
  },
  {
    name: 'the number of spans in the 2.x and 3.x single-trace fixtures',
    query: '$.data.spans[*] | count',
    jq: '.data.spans | length',
    fromJq: (lengths) => [{ count: (lengths as number[]).reduce((a, b) => a + b, 0) }],
    inputs: [fixturePath('v2.19_trace_ok.json'), fixturePath('v2.22_trace_error.json'), fixturePath('v3.6_trace_error.json')],
    expected: [{ count: 7 }],
  },
];

describe('query: pipeline and --jq give the same answers', () => {
  it.concurrent.each(cases)('$name', async ({ query, jq, fromJq, inputs, expected }) => {
    const pipeline = await runCliAsync(['query', query, '--values', ...inputs]);
    expect(pipeline.status).toBe(0);
    expect(lines(pipeline.stdout)).toEqual(expected);
    const viaJq = await runCliAsync(['query', '--jq', jq, ...inputs]);
    expect(viaJq.status).toBe(0);
    const answers = lines(viaJq.stdout);
    expect(fromJq ? fromJq(answers) : answers).toEqual(expected);
  });
});

describe('query output and behaviour', () => {
  it('prints {trace_id, path, value} by default, with every digit of nanosecond times', async () => {
    const run = await runCliAsync(['query', '$.data.spans[0].start_time_unix_nano', join(SAMPLES, 'search-sess-refund-7f3a.json')]);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('{"trace_id":"tr-eaad7e61ac6baaa620d497e41960925c","path":"$[\'data\'][\'spans\'][0][\'start_time_unix_nano\']","value":1794301462740732050}');
  });

  it('--filter-string keeps only the traces the MLflow filter matches', async () => {
    const run = await runCliAsync(['query', '$.info.trace_id', '--values', '--filter-string', "status = 'ERROR'", SAMPLES, ...FIXTURES]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(SKIPPED(1));
    // samples' failed wrapper turn, the 2.22 error fixture, and the 3.6 error trace (in two fixtures).
    expect(lines(run.stdout)).toEqual(['tr-9326a5b04ef80418fd5771af1f6b56bb', 'tr-fffbeddaa789c9f4e4122a9f1cde99ce', 'tr-0518806ea3e1bc6d2c78973da68756aa', 'tr-0518806ea3e1bc6d2c78973da68756aa']);
  });

  it('limit(N) stops reading once reached', async () => {
    const run = await runCliAsync(['query', '$.info.trace_id | limit(2)', '--values', SAMPLES]);
    expect(run.status).toBe(0);
    expect(lines(run.stdout)).toHaveLength(2);
  });

  it.each([
    ['$.data.spans[?@.name = 1]', 'jsonpath', 22],
    ['$.info | frobnicate', 'pipeline', 10],
  ])('%s: an error with its column, exit 2', async (query, what, column) => {
    const run = await runCliAsync(['query', query, SAMPLES]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toMatch(new RegExp(`^tracetriage: invalid ${what}: .+ \\(column ${column}\\)$`));
  });

  it("--jq: a compile error with jq's message and the column", async () => {
    const run = await runCliAsync(['query', '--jq', '.data.spans[', SAMPLES]);
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(/^tracetriage: invalid jq: jq cannot compile the program: syntax error.* \(column \d+\)$/);
  });
});
