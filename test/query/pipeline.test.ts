import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { QuerySyntaxError } from '../../src/query/errors.js';
import { OR_MESSAGE } from '../../src/query/filter/parse.js';
import { STAGES, parseQuery } from '../../src/query/pipeline/parse.js';
import { formatRow, type QueryRun } from '../../src/query/pipeline/run.js';
import { fixturePath, queryTraces, SINGLE_TRACE_FIXTURES, type QueryTrace } from '../helpers/fixture-traces.js';
import { thrown } from '../helpers/thrown.js';

// `tracetriage query '<jsonpath> | stage ...'` without the CLI: the pipeline stages over real
// traces, read by the engine as the CLI reads them (parsed JSON, MLflow trace id, original bytes).

const ARCHIVE = SINGLE_TRACE_FIXTURES;
type Loaded = QueryTrace;
const load = queryTraces;

/** Runs a query as the CLI does: push each trace, print what comes out, stop when done, then finish. */
function run(query: string, traces: readonly Loaded[], options: { values?: boolean; withSource?: boolean } = {}): { lines: string[]; pushed: number; run: QueryRun } {
  const started = parseQuery(query).start();
  const lines: string[] = [];
  let pushed = 0;
  for (const trace of traces) {
    if (started.done) break;
    pushed++;
    const rows = started.pushTrace(trace.id, trace.doc, options.withSource === false ? undefined : trace.bytes);
    for (const row of rows) lines.push(formatRow(row, options.values ?? false));
  }
  for (const row of started.finish()) lines.push(formatRow(row, options.values ?? false));
  return { lines, pushed, run: started };
}

let archive: Loaded[];
beforeAll(async () => {
  archive = await load(ARCHIVE);
});

const T = {
  v219: '844221753fab44e2af0ba28057036bad',
  v34: 'tr-65fdb3d481f2413b2268e8e2394d64a5',
  v350: 'tr-cfa18bac7f27690f74ba5efa978c09ab',
  v36ok: 'tr-5fea91443bc8bda79ff15a5ab90fff94',
};

describe('stages over the archive (nine fixture files pushed into one run)', () => {
  it('reads the nine traces', () => {
    expect(archive.map((t) => t.id)).toEqual([
      T.v219,
      'd3511c9ea8e0437a95589caa181d1541',
      '9a62b6314808422996c687383a6ad4aa',
      T.v34,
      T.v350,
      'tr-0518806ea3e1bc6d2c78973da68756aa',
      T.v36ok,
      'tr-0af7651916cd43dd8448eb211c80319c',
      'tr-e8fd07e17bfd2bf2dbe182bc48b16be6',
    ]);
  });

  const cases: Array<{ name: string; query: string; values?: boolean; expected: unknown[] }> = [
    {
      name: 'the issue example: error span names counted across the archive (3.x status codes)',
      query: '$.data.spans[?@.status.code == "STATUS_CODE_ERROR"] | group_by(name) | count',
      expected: [
        { key: 'error_root', count: 1 },
        { key: 'broken_retriever', count: 1 },
        { key: 'retrieve', count: 1 },
        { key: 'stream_llm', count: 1 },
      ],
    },
    {
      name: 'error spans of every version (2.x status_code, 3.5.0 short codes)',
      query: '$.data.spans[?@.status.code == "STATUS_CODE_ERROR" || @.status.code == "ERROR" || @.status_code == "ERROR"] | group_by(name) | count',
      expected: [
        { key: 'error_root', count: 2 },
        { key: 'broken_retriever', count: 2 },
        { key: 'retrieve', count: 1 },
        { key: 'stream_llm', count: 1 },
      ],
    },
    {
      name: 'count, min, max, sum and avg per group; a missing key is the null group',
      query: '$.info | group_by(state) | count | min(execution_duration_ms) | max(execution_duration_ms) | sum(execution_duration_ms) | avg(execution_duration_ms)',
      expected: [
        { key: null, count: 3, min: null, max: null, sum: null, avg: null },
        { key: 'OK', count: 5, min: 58, max: 900, sum: 1253, avg: 250.6 },
        { key: 'ERROR', count: 1, min: 46, max: 46, sum: 46, avg: 46 },
      ],
    },
    {
      name: 'avg adds numbers only: a boolean or errored feedback has none',
      query: '$.info.assessments[?@.feedback] | group_by(assessment_name) | count | avg(feedback.value)',
      expected: [
        { key: 'helpfulness', count: 3, avg: 4 },
        { key: 'safety', count: 3, avg: null },
        { key: 'correctness', count: 3, avg: null },
      ],
    },
    {
      name: 'aggregators without group_by: one record over everything (min/max of strings in jq order)',
      query: '$.info | count | min(request_time) | max(request_time)',
      expected: [{ count: 9, min: '2025-10-09T08:53:20Z', max: '2026-11-24T04:31:33.100Z' }],
    },
    { name: 'count', query: '$.data.spans[*] | count', expected: [{ count: 24 }] },
    { name: 'count of nothing is 0', query: '$.nothing | count', expected: [{ count: 0 }] },
    { name: 'group_by over nothing has no groups', query: '$.nothing | group_by(name) | count', expected: [] },
    {
      name: 'sum over a wildcard adds every number it reaches',
      query: '$.data.spans[*] | sum(events.*.attributes.count) | count',
      expected: [{ sum: 3, count: 24 }],
    },
    {
      name: 'group_by(@) groups the values themselves; sort_by orders the records',
      query: '$.data.spans[*].name | group_by(@) | count | sort_by(count desc, key) | limit(4)',
      expected: [
        { key: 'agent', count: 5 },
        { key: 'chat_completion', count: 5 },
        { key: 'get_weather', count: 5 },
        { key: 'broken_retriever', count: 2 },
      ],
    },
    {
      name: 'where on the records of an aggregation, then count them',
      query: '$.data.spans[*] | group_by(name) | count | where(count > 1) | count',
      expected: [{ count: 5 }],
    },
    {
      name: 'unique, first-seen order',
      query: '$.data.spans[*].name | unique',
      values: true,
      expected: ['agent', 'get_weather', 'chat_completion', 'error_root', 'broken_retriever', 'invoke_agent weather-agent', 'chat gpt-4o-mini', 'retrieve', 'pipeline', 'stream_llm'],
    },
    {
      name: 'unique keeps the first node of each value, with its origin',
      query: '$.info.trace_metadata["mlflow.trace.session"] | unique',
      expected: [{ trace_id: T.v34, path: "$['info']['trace_metadata']['mlflow.trace.session']", value: 'session-123' }],
    },
    {
      name: 'where on a number (feedback) and pick',
      query: '$.info.assessments[*] | where(feedback.value >= 4) | pick(assessment_name, feedback.value)',
      expected: [
        { trace_id: T.v34, path: "$['info']['assessments'][1]", value: { assessment_name: 'helpfulness', 'feedback.value': 4 } },
        { trace_id: T.v350, path: "$['info']['assessments'][0]", value: { assessment_name: 'helpfulness', 'feedback.value': 4 } },
        { trace_id: T.v36ok, path: "$['info']['assessments'][0]", value: { assessment_name: 'helpfulness', 'feedback.value': 4 } },
      ],
    },
    {
      name: 'a string literal compares a boolean as its JSON text',
      query: "$.info.assessments[*] | where(feedback.value = 'true') | pick(assessment_name)",
      values: true,
      expected: [{ assessment_name: 'correctness' }, { assessment_name: 'correctness' }, { assessment_name: 'correctness' }],
    },
    {
      name: 'a number literal compares a JSON-text attribute as a number',
      query: '$.data.spans[*] | where(attributes.temperature < 0.5) | pick(name, attributes.temperature)',
      values: true,
      expected: Array(5).fill({ name: 'chat_completion', 'attributes.temperature': '0.2' }),
    },
    {
      name: 'LIKE (whole text, % and _)',
      query: "$.data.spans[*] | where(name LIKE '%retriev%') | pick(name)",
      values: true,
      expected: [{ name: 'broken_retriever' }, { name: 'broken_retriever' }, { name: 'retrieve' }],
    },
    {
      name: 'ILIKE ignores case, AND joins conditions',
      query: "$.data.spans[*] | where(name ILIKE 'CHAT%' AND status.code = 'STATUS_CODE_OK') | pick(name)",
      values: true,
      expected: [{ name: 'chat_completion' }, { name: 'chat_completion' }, { name: 'chat gpt-4o-mini' }],
    },
    {
      name: 'IN over span types (JSON text, quotes included)',
      query: `$.data.spans[*] | where(attributes.\`mlflow.spanType\` IN ('"TOOL"', '"RETRIEVER"')) | pick(name)`,
      values: true,
      expected: ['get_weather', 'broken_retriever', 'get_weather', 'get_weather', 'get_weather', 'broken_retriever', 'get_weather', 'retrieve'].map((name) => ({ name })),
    },
    {
      name: 'a missing field never matches, not even != (the 2.x spans have no status.code)',
      query: "$.data.spans[*] | where(status.code != 'STATUS_CODE_OK') | count",
      expected: [{ count: 7 }],
    },
    {
      name: 'NOT IN',
      query: "$.info | where(state NOT IN ('OK')) | pick(trace_id, state)",
      values: true,
      expected: [{ trace_id: 'tr-0518806ea3e1bc6d2c78973da68756aa', state: 'ERROR' }],
    },
    {
      name: 'a wildcard in where holds when any value matches; in pick it gives the list',
      query: "$.data.spans[*] | where(events.*.name = 'exception') | pick(name, events.*.name)",
      values: true,
      expected: [
        { name: 'error_root', 'events.*.name': ['exception'] },
        { name: 'broken_retriever', 'events.*.name': ['exception'] },
        { name: 'error_root', 'events.*.name': ['exception'] },
        { name: 'broken_retriever', 'events.*.name': ['exception'] },
        { name: 'retrieve', 'events.*.name': ['exception'] },
        { name: 'stream_llm', 'events.*.name': ['mlflow.chunk.item.0', 'custom', 'exception'] },
      ],
    },
    {
      name: 'RLIKE, and pick keys with backticks as written',
      query: "$.info.trace_metadata | where(`mlflow.trace.session` RLIKE '^session-[0-9]+$') | pick(`mlflow.trace.session`, `mlflow.trace.user`) | limit(1)",
      expected: [{ trace_id: T.v34, path: "$['info']['trace_metadata']", value: { '`mlflow.trace.session`': 'session-123', '`mlflow.trace.user`': 'user-42' } }],
    },
    {
      name: 'pick gives null for a missing field; limit keeps the first rows',
      query: '$.data.spans[*] | pick(name, status.code) | limit(2)',
      expected: [
        { trace_id: T.v219, path: "$['data']['spans'][0]", value: { name: 'agent', 'status.code': null } },
        { trace_id: T.v219, path: "$['data']['spans'][1]", value: { name: 'get_weather', 'status.code': null } },
      ],
    },
    {
      name: 'sort_by(@) over strings, limit after the sort',
      query: '$.info.request_time | sort_by(@) | limit(2)',
      values: true,
      expected: ['2025-10-09T08:53:20Z', '2026-11-24T04:26:59.740Z'],
    },
    {
      name: 'sort_by with two keys; a missing key sorts as null (first)',
      query: '$.info | sort_by(state, execution_duration_ms desc) | pick(state, execution_duration_ms) | limit(5)',
      values: true,
      expected: [
        { state: null, execution_duration_ms: null },
        { state: null, execution_duration_ms: null },
        { state: null, execution_duration_ms: null },
        { state: 'ERROR', execution_duration_ms: 46 },
        { state: 'OK', execution_duration_ms: 900 },
      ],
    },
  ];
  it.each(cases)('$name', ({ query, values, expected }) => {
    expect(run(query, archive, { values: values ?? false }).lines.map((line) => JSON.parse(line) as unknown)).toEqual(expected);
  });

  it('--values prints an aggregation record as itself', () => {
    const query = '$.data.spans[*] | count';
    expect(run(query, archive, { values: true }).lines).toEqual(run(query, archive).lines);
  });
});

describe('19-digit integers keep every digit in the output', () => {
  it('min and max per group print the digits of the source, not the rounded doubles', () => {
    const { lines } = run('$.data.spans[*] | group_by(name) | count | min(start_time_unix_nano) | max(end_time_unix_nano)', archive);
    expect(lines).toEqual([
      '{"key":"agent","count":5,"min":1795494419740777036,"max":1795494567286279277}',
      '{"key":"get_weather","count":5,"min":1795494419783301211,"max":1795494567249069713}',
      '{"key":"chat_completion","count":5,"min":1795494419802849393,"max":1795494567271550554}',
      '{"key":"error_root","count":2,"min":1795494419859181591,"max":1795494419905702412}',
      '{"key":"broken_retriever","count":2,"min":1795494419904140008,"max":1795494419905160629}',
      '{"key":"invoke_agent weather-agent","count":1,"min":1760000000000000000,"max":1760000000900000000}',
      '{"key":"chat gpt-4o-mini","count":1,"min":1760000000010000000,"max":1760000000600000000}',
      '{"key":"retrieve","count":1,"min":1760000000610000000,"max":1760000000800000000}',
      '{"key":"pipeline","count":1,"min":1795494693100791315,"max":1795494693158911825}',
      '{"key":"stream_llm","count":1,"min":1795494693143683193,"max":1795494693143956112}',
    ]);
    const sources = ARCHIVE.map((f) => readFileSync(fixturePath(f), 'utf8')).join('\n');
    for (const digits of lines.join('\n').match(/\d{19}/g)!) expect(sources).toContain(digits);
  });

  it('through sort_by and pick (rows held by the sort keep their digits)', () => {
    const { lines } = run('$.data.spans[*] | sort_by(start_time_unix_nano desc) | limit(3) | pick(name, start_time_unix_nano)', archive, { values: true });
    expect(lines).toEqual([
      '{"name":"stream_llm","start_time_unix_nano":1795494693143683193}',
      '{"name":"pipeline","start_time_unix_nano":1795494693100791315}',
      '{"name":"chat_completion","start_time_unix_nano":1795494567271144004}',
    ]);
  });

  it('a selected node prints its own digits; without the source it prints as parsed', () => {
    const [trace] = archive.filter((t) => t.id === 'tr-0518806ea3e1bc6d2c78973da68756aa');
    const query = '$.data.spans[0].start_time_unix_nano';
    expect(run(query, [trace!]).lines).toEqual([`{"trace_id":"${trace!.id}","path":"$['data']['spans'][0]['start_time_unix_nano']","value":1795494419859181591}`]);
    expect(run(query, [trace!], { withSource: false }).lines[0]).toContain('"value":1795494419859181600');
  });

  it('reads Python NaN in the source; a text it cannot re-read (duplicate keys, none kept) prints as parsed, with a warning', () => {
    const nan = '{"t": 1795494419859181591, "n": NaN}';
    const dup = '{"t": 1795494419859181591, "a": 1, "a": 2}';
    const started = parseQuery('$.t').start();
    // biome-ignore-start lint/correctness/noPrecisionLoss: the values JSON.parse gives for the texts above, digits lost on purpose
    const first = started.pushTrace('tr-nan', { t: 1795494419859181591, n: null }, nan);
    const second = started.pushTrace('tr-dup', { t: 1795494419859181591, a: 2 }, new TextEncoder().encode(dup));
    const third = started.pushTrace('tr-huge', { t: 1795494419859181591 }, new Uint8Array(0));
    // biome-ignore-end lint/correctness/noPrecisionLoss: the values JSON.parse gives for the texts above, digits lost on purpose
    expect([...first, ...second, ...third].map((row) => formatRow(row, true))).toEqual(['1795494419859181591', '1795494419859181600', '1795494419859181600']);
    expect(started.warnings).toEqual([
      {
        trace_id: 'tr-dup',
        message: "numbers printed as parsed (integers beyond 2^53 may be rounded): the original text could not be re-read exactly: Duplicate key 'a' encountered at position 36",
      },
      { trace_id: 'tr-huge', message: 'numbers printed as parsed (integers beyond 2^53 may be rounded): the record was too large to keep its original text' },
    ]);
  });
});

describe('streaming: done and early stop', () => {
  it('a limit before any aggregation stops the reading once reached', () => {
    const { lines, pushed, run: r } = run('$.data.spans[*].name | limit(4)', archive, { values: true });
    expect(lines).toEqual(['"agent"', '"get_weather"', '"chat_completion"', '"error_root"']);
    expect(pushed).toBe(2);
    expect(r.done).toBe(true);
  });

  it('a limit after a sort or an aggregation needs all the input', () => {
    expect(run('$.data.spans[*].name | sort_by(@) | limit(1)', archive).pushed).toBe(9);
    expect(run('$.data.spans[*] | group_by(name) | count | limit(1)', archive).pushed).toBe(9);
  });

  it('limit(0) is done before reading anything, and a run takes no trace after finish', () => {
    const started = parseQuery('$ | limit(0)').start();
    expect(started.done).toBe(true);
    expect(started.pushTrace('x', {})).toEqual([]);
    expect(started.finish()).toEqual([]);
    expect(() => started.pushTrace('x', {})).toThrow('pushTrace after finish');
  });

  it('rows come out as each trace is pushed, aggregations only at finish', () => {
    const stream = parseQuery('$.info.trace_id').start();
    expect(stream.pushTrace('a', { info: { trace_id: 'a' } }).map((r) => r.value)).toEqual(['a']);
    const grouped = parseQuery('$.info | group_by(trace_id) | count').start();
    expect(grouped.pushTrace('a', { info: { trace_id: 'a' } })).toEqual([]);
    expect(grouped.finish().map((r) => r.value)).toEqual([{ key: 'a', count: 1 }]);
  });

  it('says whether its outputs are selected items or records of its own', () => {
    expect(parseQuery('$.data.spans[*] | where(name = "x") | pick(name) | sort_by(name) | unique | limit(1)').output).toBe('items');
    expect(parseQuery('$.data.spans[*] | group_by(name) | count | limit(1)').output).toBe('records');
  });
});

describe('the stages and their docs agree', () => {
  const docs = readFileSync(new URL('../../docs/query.md', import.meta.url), 'utf8');
  it.each(STAGES.map((s) => [s.name, s.syntax]))('docs/query.md describes %s as `%s`', (_, syntax) => {
    expect(docs).toContain(`\`${syntax}\``);
  });
});

describe('invalid stages: message and column in the whole query', () => {
  const cases: Array<{ query: string; message: string; column: number }> = [
    { query: '$.a | foo', message: `unknown stage 'foo': expected one of ${STAGES.map((s) => s.name).join(', ')}`, column: 7 },
    { query: '$.a | count(x)', message: "count takes no argument, found '(x)'", column: 12 },
    { query: '$.a | unique(name)', message: "unique takes no argument, found '(name)'", column: 13 },
    { query: '$.a | limit(-1)', message: "limit expects a whole number of 0 or more, found '-1'", column: 13 },
    { query: '$.a | limit(2.5)', message: "limit expects a whole number of 0 or more, found '2.5'", column: 13 },
    { query: '$.a | limit', message: 'limit needs an argument: write limit(N)', column: 12 },
    { query: '$.a | pick()', message: 'pick needs an argument: write pick(path, ...)', column: 12 },
    { query: '$.a | pick(a, a)', message: "pick lists 'a' twice", column: 15 },
    { query: '$.a | pick(a.)', message: 'a path cannot end with .', column: 13 },
    { query: '$.a | pick(`a.b)', message: 'unclosed backtick in pick(...): expected a closing `', column: 12 },
    { query: "$.a | where(name = 'x) | count", message: "unclosed quote in where(...): expected a closing '", column: 20 },
    { query: '$.a | pick(a.`b`c)', message: "expected '.' after the backticked key, found 'c'", column: 17 },
    { query: '$.a | group_by(a) | limit(1)', message: "group_by must be followed by count, min, max, sum or avg, found 'limit(1)'", column: 21 },
    { query: '$.a | group_by(a)', message: 'group_by must be followed by count, min, max, sum or avg, found nothing', column: 7 },
    { query: '$.a | group_by(a, b) | count', message: 'group_by takes one path, found 2: write group_by(path)', column: 19 },
    { query: '$.a | group_by(a) | count | count', message: "a second 'count' in one aggregation: count, min, max, sum and avg each make one field of its record, so each may appear once", column: 29 },
    { query: '$.a | sum', message: 'sum needs an argument: write sum(path)', column: 10 },
    { query: '$.a | sort_by(a) desc', message: "unexpected 'desc' after sort_by: write the direction inside, sort_by(path desc)", column: 18 },
    { query: '$.a | count x', message: "unexpected 'x' after count: expected '|' or the end of the query", column: 13 },
    { query: '$.a | min(a', message: "unclosed '(' after min: expected ')'", column: 10 },
    { query: '$.a |', message: "expected a stage after '|', found nothing", column: 5 },
    { query: '$.a | | count', message: "expected a stage after '|', found nothing", column: 5 },
    { query: '$.a | 3', message: "expected a stage name, found '3'", column: 7 },
    { query: '$.a | where(a == 1)', message: "Invalid comparator '=='. Use '=' to compare.", column: 15 },
    { query: "$.a | where(a = 1 OR b = 'x')", message: OR_MESSAGE, column: 19 },
    { query: '$.a | where(a LIKE 3)', message: 'LIKE needs a quoted pattern, found 3', column: 20 },
    { query: "$.a | where(a IN 'x')", message: "IN needs a list such as ('a', 'b') after it", column: 18 },
    { query: "$.a | where(a = ('x'))", message: '= compares with one value, found a list: use IN for several', column: 17 },
    { query: "$.a | where(a RLIKE '(x')", message: 'invalid RLIKE pattern: error parsing regexp: missing closing ): `(x`', column: 21 },
    { query: "$.a[?@.b == 'x|y'] | where(c = 'p|q') | pick(`d|e`) | bad", message: expect.stringContaining("unknown stage 'bad'") as unknown as string, column: 55 },
  ];
  it.each(cases)('$query', ({ query, message, column }) => {
    const error = thrown(() => parseQuery(query));
    expect(error).toBeInstanceOf(QuerySyntaxError);
    expect(error).toMatchObject({ what: 'pipeline', message, column, text: query });
  });

  it('an error in the JSONPath is a jsonpath error, with its column in the whole query', () => {
    expect(() => parseQuery('  $.data.spans[?@.name ==] | count')).toThrow(expect.objectContaining({ what: 'jsonpath', column: 26 }));
    expect(() => parseQuery('| count')).toThrow(expect.objectContaining({ what: 'jsonpath', message: "expected a JSONPath starting with '$', found nothing", column: 1 }));
  });
});
