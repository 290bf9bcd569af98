import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { QuerySyntaxError } from '../../src/query/errors.js';
import { createJq, type JqOutput } from '../../src/query/jq.js';
import { parseQuery } from '../../src/query/pipeline/parse.js';
import { formatRow } from '../../src/query/pipeline/run.js';
import { queryTraces, SINGLE_TRACE_FIXTURES, type QueryTrace } from '../helpers/fixture-traces.js';

// `--jq`: real jq 1.8.2 (jq-wasm) over traces fed in batches. The same questions asked of the
// pipeline and of jq get the same answers.

let archive: Array<QueryTrace & { text: string }>;
beforeAll(async () => {
  archive = (await queryTraces(SINGLE_TRACE_FIXTURES)).map((t) => ({ ...t, text: t.bytes.toString('utf8') }));
});

/** The pipeline's `--values` lines. */
function pipeline(query: string): string[] {
  const run = parseQuery(query).start();
  const lines = archive.flatMap((t) => run.pushTrace(t.id, t.doc, t.text).map((row) => formatRow(row, true)));
  return [...lines, ...run.finish().map((row) => formatRow(row, true))];
}

function values(outputs: readonly JqOutput[]): string[] {
  return outputs.map((o) => {
    if (o.kind !== 'value') throw new Error(`unexpected ${JSON.stringify(o)}`);
    return o.json;
  });
}

/** jq over each trace, the traces handed over `size` at a time (as the CLI streams them). */
async function jqEach(program: string, size: number): Promise<string[]> {
  const jq = await createJq(program);
  const out: string[] = [];
  for (let i = 0; i < archive.length; i += size) out.push(...values(await jq.push(archive.slice(i, i + size).map((t) => t.text))));
  jq.close();
  return out;
}

/** jq over the whole archive as one array (jq -s): how jq answers a question across traces. */
async function jqAll(program: string): Promise<string[]> {
  const jq = await createJq(program);
  const out = values(await jq.push([`[${archive.map((t) => t.text).join(',')}]`]));
  jq.close();
  return out;
}

const parsed = (lines: readonly string[]): unknown[] => lines.map((l) => JSON.parse(l) as unknown);

describe('the same questions, asked of the pipeline and of jq', () => {
  const perTrace: Array<{ name: string; query: string; jq: string }> = [
    {
      name: 'error span names',
      query: '$.data.spans[?@.status.code == "STATUS_CODE_ERROR"].name',
      jq: '.data.spans[] | select(.status.code == "STATUS_CODE_ERROR") | .name',
    },
    {
      name: 'where on a number, pick',
      query: '$.info.assessments[*] | where(feedback.value >= 4) | pick(assessment_name, feedback.value)',
      jq: '.info.assessments[]? | select((.feedback.value | type) == "number" and .feedback.value >= 4) | {assessment_name, "feedback.value": .feedback.value}',
    },
    {
      name: 'where LIKE',
      query: "$.data.spans[*] | where(name LIKE '%retriev%') | pick(name)",
      jq: '.data.spans[] | select(.name | test("retriev")) | {name}',
    },
    {
      name: 'pick with a wildcard',
      query: '$.data.spans[*] | pick(name, events.*.name)',
      jq: '.data.spans[] | {name, "events.*.name": [.events[]?.name]}',
    },
  ];
  it.each(perTrace)('per trace, in batches: $name', async ({ query, jq }) => {
    const ours = pipeline(query);
    expect(ours.length).toBeGreaterThan(0);
    expect(parsed(await jqEach(jq, 4))).toEqual(parsed(ours));
    expect(parsed(await jqEach(jq, 64))).toEqual(parsed(ours));
  });

  const across: Array<{ name: string; query: string; jq: string }> = [
    {
      name: 'the issue example: error spans counted by name',
      query: '$.data.spans[?@.status.code == "STATUS_CODE_ERROR"] | group_by(name) | count | sort_by(key)',
      jq: '[.[] | .data.spans[] | select(.status.code == "STATUS_CODE_ERROR")] | group_by(.name) | map({key: .[0].name, count: length}) | .[]',
    },
    {
      name: 'count, min, max, sum, avg per group',
      query: '$.info | group_by(state) | count | min(execution_duration_ms) | max(execution_duration_ms) | sum(execution_duration_ms) | avg(execution_duration_ms) | sort_by(key)',
      jq: '[.[] | .info] | group_by(.state) | map([.[].execution_duration_ms | numbers] as $d | {key: .[0].state, count: length, min: ($d | min), max: ($d | max), sum: ($d | add), avg: ($d | if length > 0 then add / length else null end)}) | .[]',
    },
    { name: 'count', query: '$.data.spans[*] | count', jq: '{count: [.[] | .data.spans[]] | length}' },
    { name: 'unique', query: '$.data.spans[*].name | unique | sort_by(@)', jq: '[.[] | .data.spans[].name] | unique | .[]' },
  ];
  it.each(across)('across the archive: $name', async ({ query, jq }) => {
    const ours = pipeline(query);
    expect(ours.length).toBeGreaterThan(0);
    expect(parsed(await jqAll(jq))).toEqual(parsed(ours));
  });

  // jq 1.8 keeps the literal of a number it did not compute with: both print the source's digits.
  const digits: Array<{ name: string; query: string; jq: string; all: boolean }> = [
    {
      name: 'selected nanosecond times',
      query: '$.data.spans[*].start_time_unix_nano',
      jq: '.data.spans[].start_time_unix_nano | numbers',
      all: false,
    },
    {
      name: 'sorted, limited and picked',
      query: '$.data.spans[*] | sort_by(start_time_unix_nano desc) | limit(3) | pick(name, start_time_unix_nano)',
      jq: '[.[] | .data.spans[]] | sort_by(.start_time_unix_nano) | reverse | .[:3][] | {name, start_time_unix_nano}',
      all: true,
    },
    {
      name: 'min and max per group',
      query: '$.data.spans[*] | group_by(name) | min(start_time_unix_nano) | max(end_time_unix_nano) | sort_by(key)',
      jq: '[.[] | .data.spans[]] | group_by(.name) | map({key: .[0].name, min: ([.[].start_time_unix_nano | numbers] | min), max: ([.[].end_time_unix_nano | numbers] | max)}) | .[]',
      all: true,
    },
  ];
  it.each(digits)('digit for digit: $name', async ({ query, jq, all }) => {
    const ours = pipeline(query);
    expect(ours.join('\n')).toMatch(/\d{19}/);
    expect(all ? await jqAll(jq) : await jqEach(jq, 3)).toEqual(ours);
  });
});

describe('createJq', () => {
  it('answers correctly over more than 600 calls in one process', async () => {
    const jq = await createJq('.info.trace_id // .info.request_id');
    const ids = archive.map((t) => t.id);
    for (let call = 0; call < 650; call++) {
      const start = call % archive.length;
      const batch = [...archive.slice(start), ...archive.slice(0, start)].slice(0, 1 + (call % 5));
      const outputs = await jq.push(batch.map((t) => t.text));
      expect(values(outputs)).toEqual(batch.map((t) => JSON.stringify(t.id)));
    }
    expect(values(await jq.push(archive.map((t) => t.text)))).toEqual(ids.map((id) => JSON.stringify(id)));
    jq.close();
  });

  it('splits a long push into batches of 64 and keeps trace order', async () => {
    const jq = await createJq('.n');
    const docs = Array.from({ length: 200 }, (_, n) => ({ n }));
    expect(values(await jq.push(docs))).toEqual(docs.map((d) => String(d.n)));
  });

  it('reports a runtime error for its trace and goes on with the others, keeping the outputs before it', async () => {
    const jq = await createJq('.a, (.b | if type == "number" then . else error("b is \\(type)") end)');
    const outputs = await jq.push([
      { a: 1, b: 2 },
      { a: 3, b: 'x' },
      { a: 5, b: 6 },
    ]);
    expect(outputs).toEqual([
      { kind: 'value', json: '1' },
      { kind: 'value', json: '2' },
      { kind: 'value', json: '3' },
      { kind: 'error', index: 1, message: 'b is string' },
      { kind: 'value', json: '5' },
      { kind: 'value', json: '6' },
    ]);
  });

  it('passes on what the program writes to stderr, apart from the error of a trace', async () => {
    const jq = await createJq('.a | debug("seen") | if . > 1 then error("too big") else . end');
    expect(await jq.push([{ a: 1 }])).toEqual([
      { kind: 'value', json: '1' },
      { kind: 'stderr', text: '["DEBUG:","seen"]' },
    ]);
    expect(await jq.push([{ a: 2 }])).toEqual([
      { kind: 'stderr', text: '["DEBUG:","seen"]' },
      { kind: 'error', index: 0, message: 'too big' },
    ]);
  });

  it('reports what halt_error printed as the error of its trace', async () => {
    const jq = await createJq('"stopped here\n" | halt_error');
    expect(await jq.push([{}])).toEqual([{ kind: 'error', index: 0, message: 'stopped here' }]);
  });

  it('runs an empty program as `.`, and a program ending in a comment', async () => {
    expect(values(await (await createJq('  ')).push([{ a: [1, 2] }]))).toEqual(['{"a":[1,2]}']);
    expect(values(await (await createJq('.a[] # every item')).push([{ a: [1, 2] }]))).toEqual(['1', '2']);
  });

  it('refuses a push after close', async () => {
    const jq = await createJq('.');
    jq.close();
    await expect(jq.push([{}])).rejects.toThrow('jq runner used after close');
  });

  it('is real jq 1.8.2 from jq-wasm pinned to 3.0.0-jq-1.8.2, imported only when used', async () => {
    const { version } = await import('jq-wasm');
    expect(await version()).toBe('jq-1.8.2');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['jq-wasm']).toBe('3.0.0-jq-1.8.2');
    const source = readFileSync(new URL('../../src/query/jq.ts', import.meta.url), 'utf8');
    expect(source.match(/^import .* from 'jq-wasm';$/gm)).toEqual(["import type { Jq } from 'jq-wasm';"]);
  });
});

describe('createJq: programs jq cannot compile', () => {
  const cases: Array<{ program: string; message: string; column: number }> = [
    { program: '.a]', message: "jq cannot compile the program: syntax error, unexpected INVALID_CHARACTER, expecting '|' or ',' or ')'", column: 3 },
    { program: 'foo(1)', message: 'jq cannot compile the program: foo/1 is not defined', column: 1 },
    { program: '.a | $x', message: 'jq cannot compile the program: $x is not defined', column: 6 },
    { program: '.a |', message: "jq cannot compile the program: syntax error, unexpected ')'", column: 5 },
    { program: '"é" | .a]', message: "jq cannot compile the program: syntax error, unexpected INVALID_CHARACTER, expecting '|' or ',' or ')'", column: 9 },
    { program: '.a\n| .b ]', message: "jq cannot compile the program: syntax error, unexpected INVALID_CHARACTER, expecting '|' or ',' or ')'", column: 9 },
  ];
  it.each(cases)('$program', async ({ program, message, column }) => {
    const error = await createJq(program).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QuerySyntaxError);
    expect(error).toMatchObject({ what: 'jq', message, column, text: program });
  });
});
