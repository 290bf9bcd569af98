import { join } from 'node:path';
import { loadJq, type Jq } from 'jq-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCliAsync } from './helpers/make-inputs.js';

// The jq commands of the analyzing-mlflow-session skill (../shared/reference/analyzing-mlflow-session.md),
// copied unchanged, run by real jq 1.8.2 on what `tracetriage search` / `get` print for samples/,
// where the skill ran them on `mlflow traces search` / `get`. The answers are derived by hand from
// samples/README.md (session sess-refund-7f3a).

const SAMPLES = join(REPO_ROOT, 'samples');
const SESSION = 'sess-refund-7f3a';
const FIRST = 'tr-1b5ff12852e9a8599f3d68af257f6254';

let jq: Jq;
beforeAll(async () => {
  jq = await loadJq();
});

/** Runs a tracetriage command line the skill wrote for `mlflow traces`, with samples/ as input. */
async function tracetriage(args: string[]): Promise<string> {
  const run = await runCliAsync([...args, SAMPLES]);
  // samples/README.md sits in the directory: skipped and counted, nothing else to say.
  expect(run.stderr).toBe('tracetriage: 1 file(s) skipped: not trace exports\n');
  expect(run.status).toBe(0);
  return run.stdout;
}

/** `jq [flags] '<program>' file` over a command's output: its output lines. */
function jqLines(output: string, program: string, flags: string[] = []): string[] {
  const { stdout, stderr, exitCode } = jq.raw(JSON.parse(output) as object, program, ['-c', ...flags]);
  expect(stderr).toBe('');
  expect(exitCode).toBe(0);
  return stdout.trim() === '' ? [] : stdout.trim().split('\n');
}

/** The same, each output line parsed as JSON. */
function jqOn(output: string, program: string, flags: string[] = []): unknown[] {
  return jqLines(output, program, flags).map((line) => JSON.parse(line) as unknown);
}

describe('the skill, step 1: discover the schema from the first trace', () => {
  let firstTrace: string;
  let detail: string;
  beforeAll(async () => {
    firstTrace = await tracetriage([
      'search',
      '--experiment-id',
      '4',
      '--filter-string',
      `metadata.\`mlflow.trace.session\` = "${SESSION}"`,
      '--order-by',
      'timestamp_ms ASC',
      '--extract-fields',
      'info.trace_id',
      '--output',
      'json',
      '--max-results',
      '1',
    ]);
    detail = await tracetriage(['get', '--trace-id', FIRST]);
  });

  it("the first trace's id", () => {
    expect(jqOn(firstTrace, '.traces[0].info.trace_id')).toEqual([FIRST]);
  });

  it("jq '.data.spans[] | select(.parent_span_id == null)' finds the root span", () => {
    const roots = jqOn(detail, '.data.spans[] | select(.parent_span_id == null)') as Array<{ name: string }>;
    expect(roots.map((r) => r.name)).toEqual(['support_agent']);
  });

  it('jq --arg root "$ROOT_ID" lists the root\'s children with their inputs and outputs', () => {
    const [rootId] = jqLines(detail, '.data.spans[] | select(.parent_span_id == null) | .span_id', ['-r']);
    expect(rootId).toBe('C1RKQ0oam0E=');
    const children = jqOn(detail, '.data.spans[] | select(.parent_span_id == $root) | {name: .name, inputs: .attributes["mlflow.spanInputs"], outputs: .attributes["mlflow.spanOutputs"]}', [
      '--arg',
      'root',
      rootId!,
    ]) as Array<{ name: string; inputs: string }>;
    expect(children.map((c) => c.name)).toEqual(['retrieve_policy_docs', 'Completions', 'lookup_order', 'Completions']);
    expect(typeof children[0]!.inputs).toBe('string');
  });

  it('session-level assessments (scorer errors excluded)', () => {
    const program = '[.info.assessments[] | select(.feedback.error == null) | select(.metadata["mlflow.trace.session"]) | {name: .assessment_name, value: .feedback.value}]';
    expect(jqOn(detail, program)).toEqual([[{ name: 'conversation_completeness', value: 'no' }]]);
  });

  it('per-turn assessments (scorer errors excluded)', () => {
    const program = '[.info.assessments[] | select(.feedback.error == null) | select(.metadata["mlflow.trace.session"] == null) | {name: .assessment_name, value: .feedback.value}]';
    expect(jqOn(detail, program)).toEqual([
      [
        { name: 'correctness', value: true },
        { name: 'relevance_to_query', value: 'yes' },
      ],
    ]);
  });

  it('assessments with their rationale', () => {
    const program = '[.info.assessments[] | select(.feedback.error == null) | {name: .assessment_name, value: .feedback.value, rationale: .rationale}]';
    const [list] = jqOn(detail, program) as Array<Array<{ name: string; rationale: unknown }>>;
    expect(list!.map((a) => a.name)).toEqual(['correctness', 'relevance_to_query', 'conversation_completeness']);
    expect(list!.every((a) => typeof a.rationale === 'string' && a.rationale.length > 0)).toBe(true);
  });
});

describe('the skill, step 2: extract across all session traces', () => {
  it('lists turns with their valid assessments; the scorer error of turn 4 is left out', async () => {
    const session = await tracetriage([
      'search',
      '--experiment-id',
      '4',
      '--filter-string',
      `metadata.\`mlflow.trace.session\` = "${SESSION}"`,
      '--order-by',
      'timestamp_ms ASC',
      '--extract-fields',
      'info.trace_id,info.state,info.request_time,info.assessments,info.trace_metadata.`mlflow.traceInputs`,info.trace_metadata.`mlflow.traceOutputs`',
      '--output',
      'json',
      '--max-results',
      '100',
    ]);
    const turns = jqOn(
      session,
      `.traces[] | {
  trace_id: .info.trace_id,
  time: .info.request_time,
  state: .info.state,
  assessments: [.info.assessments[]? | select(.feedback.error == null) | {
    name: .assessment_name,
    value: .feedback.value
  }]
}`,
    ) as Array<{ trace_id: string; state: string; assessments: Array<{ name: string; value: unknown }> }>;
    expect(turns.map((t) => t.trace_id)).toEqual([
      FIRST,
      'tr-3d038574a10650ce84e9aef154170594',
      'tr-0db43d844574d1055d12ea28d4b290e6',
      'tr-431e32114628b590f68d7835089ffda1',
      'tr-eaad7e61ac6baaa620d497e41960925c',
    ]);
    expect(turns.map((t) => t.state)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK']);
    const correctness = turns.map((t) => t.assessments.find((a) => a.name === 'correctness')?.value);
    expect(correctness).toEqual([true, true, false, false, false]);
    expect(turns[3]!.assessments.map((a) => a.name)).toEqual(['correctness']);
    expect(jqOn(session, '.traces[0].info.trace_id')).toEqual([FIRST]);
  });
});
