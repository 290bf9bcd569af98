import { describe, expect, it } from 'vitest';
import { QuerySyntaxError } from '../../src/query/errors.js';
import { compileJsonPath } from '../../src/query/jsonpath.js';
import { fixtureJson } from '../helpers/fixture-traces.js';
import { thrown } from '../helpers/thrown.js';

// RFC 9535 JSONPath (json-p3) over real MLflow traces of every serialization: what is selected,
// with which normalized path, and how a bad query is reported.

const select = (file: string, query: string): Array<[string, unknown]> => [...compileJsonPath(query).select(fixtureJson(file))].map((node) => [node.path, node.value]);

const SPANS = "$['data']['spans']";

describe('compileJsonPath: selections over the fixtures', () => {
  const cases: Array<{ name: string; file: string; query: string; expected: Array<[string, unknown]> }> = [
    {
      name: 'error spans of a 3.6 trace (status.code)',
      file: 'v3.6_trace_error.json',
      query: '$.data.spans[?@.status.code == "STATUS_CODE_ERROR"].name',
      expected: [
        [`${SPANS}[0]['name']`, 'error_root'],
        [`${SPANS}[1]['name']`, 'broken_retriever'],
      ],
    },
    {
      name: 'error spans of a 2.22 trace (status_code, V2 span format)',
      file: 'v2.22_trace_error.json',
      query: '$.data.spans[?@.status_code == "ERROR"].status_message',
      expected: [
        [`${SPANS}[0]['status_message']`, 'ValueError: index not found'],
        [`${SPANS}[1]['status_message']`, 'ValueError: index not found'],
      ],
    },
    {
      name: '3.5.0 spans carry the short status names',
      file: 'v3.5.0-equivalent_trace_ok_assessments_session.json',
      query: '$.data.spans[?@.status.code == "OK"].name',
      expected: [
        [`${SPANS}[0]['name']`, 'agent'],
        [`${SPANS}[1]['name']`, 'get_weather'],
        [`${SPANS}[2]['name']`, 'chat_completion'],
      ],
    },
    {
      name: 'assessment names',
      file: 'v3.6_trace_ok_assessments_session.json',
      query: '$.info.assessments[*].assessment_name',
      expected: [
        ["$['info']['assessments'][0]['assessment_name']", 'helpfulness'],
        ["$['info']['assessments'][1]['assessment_name']", 'expected_response'],
        ["$['info']['assessments'][2]['assessment_name']", 'safety'],
        ["$['info']['assessments'][3]['assessment_name']", 'expected_facts'],
        ["$['info']['assessments'][4]['assessment_name']", 'correctness'],
      ],
    },
    {
      name: 'a boolean feedback',
      file: 'v3.6_trace_ok_assessments_session.json',
      query: '$.info.assessments[?@.feedback.value == true].assessment_name',
      expected: [["$['info']['assessments'][4]['assessment_name']", 'correctness']],
    },
    {
      name: 'a numeric feedback compared as a number',
      file: 'v3.6_trace_ok_assessments_session.json',
      query: '$.info.assessments[?@.feedback.value >= 4].assessment_name',
      expected: [["$['info']['assessments'][0]['assessment_name']", 'helpfulness']],
    },
    {
      name: 'the error of a failed judge (existence test)',
      file: 'v3.6_trace_ok_assessments_session.json',
      query: '$.info.assessments[?@.feedback.error].feedback.error.error_code',
      expected: [["$['info']['assessments'][2]['feedback']['error']['error_code']", 'RATE_LIMIT_EXCEEDED']],
    },
    {
      name: 'a dotted metadata key in brackets',
      file: 'v3.6_trace_ok_assessments_session.json',
      query: "$.info.trace_metadata['mlflow.trace.session']",
      expected: [["$['info']['trace_metadata']['mlflow.trace.session']", 'session-123']],
    },
    {
      name: 'search() finds a pattern anywhere',
      file: 'v3.6_trace_ok_assessments_session.json',
      query: '$.data.spans[?search(@.name, "weather|chat")].name',
      expected: [
        [`${SPANS}[1]['name']`, 'get_weather'],
        [`${SPANS}[2]['name']`, 'chat_completion'],
      ],
    },
    {
      name: 'match() must cover the whole string',
      file: 'v3.6_trace_ok_assessments_session.json',
      query: '$.data.spans[?match(@.name, "get_.*") || match(@.name, "chat")].name',
      expected: [[`${SPANS}[1]['name']`, 'get_weather']],
    },
    {
      name: 'a slice from the end',
      file: 'v3.6_trace_ok_assessments_session.json',
      query: '$.data.spans[-1:].name',
      expected: [[`${SPANS}[2]['name']`, 'chat_completion']],
    },
    {
      name: 'span attributes are JSON text: the span type is compared with its quotes',
      file: 'v3.6_trace_ok_assessments_session.json',
      query: "$.data.spans[?@.attributes['mlflow.spanType'] == '\"TOOL\"'].span_id",
      expected: [[`${SPANS}[1]['span_id']`, 'DAKRKH2pBS0=']],
    },
    {
      name: 'count() over the events of each span',
      file: 'v3.6_trace_span_events_microsecond_timestamps.json',
      query: '$.data.spans[?count(@.events[*]) > 1].events[*].name',
      expected: [
        [`${SPANS}[1]['events'][0]['name']`, 'mlflow.chunk.item.0'],
        [`${SPANS}[1]['events'][1]['name']`, 'custom'],
        [`${SPANS}[1]['events'][2]['name']`, 'exception'],
      ],
    },
    {
      name: 'descendants: exception types wherever they are',
      file: 'v3.6_trace_span_events_microsecond_timestamps.json',
      query: "$..events[?@.name == 'exception'].attributes['exception.type']",
      expected: [[`${SPANS}[1]['events'][2]['attributes']['exception.type']`, 'RuntimeError']],
    },
    {
      name: 'length() of a string',
      file: 'v3.6_trace_otel_ingested_genai_openinference.json',
      query: '$.data.spans[?length(@.name) > 10].name',
      expected: [
        [`${SPANS}[0]['name']`, 'invoke_agent weather-agent'],
        [`${SPANS}[1]['name']`, 'chat gpt-4o-mini'],
      ],
    },
    {
      name: 'an object value (2.19 span context, 0x ids)',
      file: 'v2.19_trace_ok.json',
      query: '$.data.spans[0].context',
      expected: [[`${SPANS}[0]['context']`, { span_id: '0x34efba4e33168bdd', trace_id: '0x206ce518771d1994b2f6b6717665fa7e' }]],
    },
    { name: 'nothing selected', file: 'v2.19_trace_ok.json', query: '$.info.assessments[*]', expected: [] },
  ];
  it.each(cases)('$name', ({ file, query, expected }) => {
    expect(select(file, query)).toEqual(expected);
  });

  it('selects lazily: a consumer that stops early stops the walk', () => {
    const seen: string[] = [];
    for (const node of compileJsonPath('$..*').select(fixtureJson('v3.6_trace_error.json'))) {
      seen.push(node.path);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(["$['info']", "$['data']"]);
  });

  it('ignores blank space around the query, allows it where RFC 9535 does', () => {
    const path = compileJsonPath(' $.info .trace_id ');
    expect(path.text).toBe('$.info .trace_id');
    expect(select('v3.6_trace_error.json', "$.info[ 'trace_id' ]")).toEqual([["$['info']['trace_id']", 'tr-0518806ea3e1bc6d2c78973da68756aa']]);
    expect([...path.select(fixtureJson('v3.6_trace_error.json'))].map((n) => n.value)).toEqual(['tr-0518806ea3e1bc6d2c78973da68756aa']);
  });

  it('gives each node its location as keys and indices', () => {
    const [node] = compileJsonPath("$.data.spans[1].attributes['mlflow.spanType']").select(fixtureJson('v3.6_trace_error.json'));
    expect(node?.location).toEqual(['data', 'spans', 1, 'attributes', 'mlflow.spanType']);
  });
});

// RE2 keeps the catastrophic pattern linear: `make bench` (bench/micro.mjs, jsonpath-search) measures it.
describe('match() and search() run on RE2', () => {
  const hostile = [{ s: `${'a'.repeat(30_000)}b`, bad: '(', t: 'a\rb' }];
  it.each([
    ['a catastrophic pattern on a long string finishes, and does not match', '$[?search(@.s, "^(a+)+$")]', 0],
    ['the same pattern where it matches', '$[?search(@.s, "(a+)+b")]', 1],
    ['a dot matches other characters', '$[?match(@.t, "a[^x]b")]', 1],
    ["I-Regexp's dot does not match CR or LF", '$[?match(@.t, "a.b")]', 0],
    ['an invalid pattern read from the document matches nothing (RFC 9535 §2.4.6)', '$[?match(@.s, @.bad)]', 0],
  ])('%s', (_, query, count) => {
    expect([...compileJsonPath(query).select(hostile)].length).toBe(count);
  });
});

describe('compileJsonPath: invalid queries', () => {
  const cases: Array<{ query: string; message: string; column: number }> = [
    { query: 'data.spans', message: "expected '$' to start the JSONPath, found 'd'", column: 1 },
    { query: '', message: "expected a JSONPath starting with '$', found nothing", column: 1 },
    { query: '$.data.spans[?@.status.code ==]', message: 'unexpected end of expression', column: 31 },
    { query: '$.data.spans[', message: 'unclosed bracketed selection', column: 14 },
    { query: '$.data spans', message: "expected '.', '..' or a bracketed selection, found 's'", column: 8 },
    { query: '$.data.spans[?length(@.name)]', message: 'result of length()  must be compared', column: 15 },
    { query: '$.data.spans[?foo(@.name)]', message: "no such function 'foo'", column: 15 },
    { query: '  $.data.spans[', message: 'unclosed bracketed selection', column: 16 },
    { query: '$.data.spans[?match(@.name, "chat(")]', message: 'invalid regular expression in match(): error parsing regexp: missing closing ): `chat(`', column: 30 },
  ];
  it.each(cases)('$query', ({ query, message, column }) => {
    const error = thrown(() => compileJsonPath(query));
    expect(error).toBeInstanceOf(QuerySyntaxError);
    expect(error).toMatchObject({ what: 'jsonpath', message, column, text: query });
  });

  it('places the column in the text the query came from', () => {
    const source = "$.data.spans[?@.name == 'x' &&] | count";
    expect(() => compileJsonPath(source.slice(0, 31), source, 0)).toThrow(expect.objectContaining({ column: 31, text: source }));
    const padded = `  ${source}`;
    expect(() => compileJsonPath(source.slice(0, 31), padded, 2)).toThrow(expect.objectContaining({ column: 33, text: padded }));
  });
});
