import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { checkRecord, classifyRecord, type RecordKind, type SchemaProblem } from '../../src/model/schema.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const NOT_A_TRACE = 'a trace: an object with info and data (Trace.to_json), trace (REST), spans (traces.json) or a TraceInfo';
const SPAN_STATUS_CODES = 'one of OK, ERROR, UNSET, STATUS_CODE_OK, STATUS_CODE_ERROR, STATUS_CODE_UNSET, 0, 1, 2';

function readFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
}

/** A `{"traces": [...]}` file holds one record per element; any other file is one record. */
function fixtureRecords(): Array<[string, unknown]> {
  const rows: Array<[string, unknown]> = [];
  for (const name of readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const doc = readFixture(name) as { traces?: unknown };
    if (Array.isArray(doc.traces)) doc.traces.forEach((trace, i) => rows.push([`${name} traces[${i}]`, trace]));
    else rows.push([name, doc]);
  }
  return rows;
}

function kindOf(value: unknown): RecordKind {
  const result = classifyRecord(value);
  if (!('kind' in result)) throw new Error(`not classified: ${JSON.stringify(result.problem)}`);
  return result.kind;
}

const span = (extra: Record<string, unknown>): Record<string, unknown> => ({
  trace_id: 'Zf2z1IHyQTsiaOjiOU1kpQ==',
  span_id: 'Ypa6UHx1CEU=',
  parent_span_id: null,
  name: 'agent',
  start_time_unix_nano: 1795494448390281700, // the double nearest 1795494448390281686
  end_time_unix_nano: 1795494448505196300,
  events: [],
  status: { code: 'STATUS_CODE_OK', message: '' },
  attributes: { 'mlflow.spanType': '"AGENT"' },
  ...extra,
});

const infoV3 = (extra: Record<string, unknown>): Record<string, unknown> => ({
  trace_id: 'tr-65fdb3d481f2413b2268e8e2394d64a5',
  request_time: '2025-10-22T04:14:54.524Z',
  state: 'OK',
  ...extra,
});

const REST_BODY = {
  trace: {
    trace_info: {
      trace_id: 'tr-1',
      request_time: '2025-10-09T08:53:20Z',
      execution_duration: '0.062s',
      state: 'OK',
    },
    spans: [
      {
        trace_id: 'AAAA',
        span_id: 't61rcWkgMzE=',
        name: 'x',
        start_time_unix_nano: 1,
        end_time_unix_nano: 2,
        status: { code: 'STATUS_CODE_OK' },
        attributes: [{ key: 'a', value: { string_value: 'b' } }],
      },
    ],
  },
};

const extractFieldsFixture = readFixture('v3.6_cli_traces_search_extract_fields.json') as { traces: unknown[] };

describe('fixtures', () => {
  it.each(fixtureRecords())('%s is a trace and is accepted', (_name, record) => {
    expect(classifyRecord(record)).toEqual({ kind: 'trace' });
    expect(checkRecord('trace', record)).toBeNull();
  });
});

describe('accepted records', () => {
  const cases: Array<{ name: string; kind: RecordKind; value: unknown }> = [
    { name: 'REST GetTrace body with OTLP attributes', kind: 'rest', value: REST_BODY },
    { name: 'traces.json artifact, 3.x', kind: 'artifact', value: { spans: [] } },
    {
      name: 'traces.json artifact, 2.x',
      kind: 'artifact',
      value: { spans: [], request: '{"q": "x"}', response: null },
    },
    {
      name: 'bare TraceInfo V3 from REST search',
      kind: 'info',
      value: {
        trace_id: 'tr-1',
        trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
        request_time: '2025-10-09T08:53:20.123456789+02:00',
        execution_duration: '1.5s',
        state: 'IN_PROGRESS',
        trace_metadata: { 'mlflow.trace.session': 's-1' },
      },
    },
    {
      name: 'bare TraceInfo V2 from REST with key/value lists',
      kind: 'info',
      value: {
        request_id: 'b26cef11ab0345deb5daa7a94c67407f',
        experiment_id: '1',
        timestamp_ms: 1795494525480,
        execution_time_ms: null,
        status: 'TRACE_STATUS_UNSPECIFIED',
        request_metadata: [{ key: 'mlflow.trace_schema.version', value: '2' }],
        tags: [{ key: 'mlflow.traceName', value: 'agent' }],
      },
    },
    { name: '--extract-fields element', kind: 'trace', value: extractFieldsFixture.traces[0] },
    { name: '--extract-fields with only info', kind: 'trace', value: { info: { trace_id: 'tr-1' } } },
    { name: '--extract-fields with only spans', kind: 'trace', value: { data: { spans: [{}, { name: 'a' }] } } },
    {
      name: 'TS SDK span: digit-string times, decoded attributes, "" root parent',
      kind: 'trace',
      value: {
        info: infoV3({ execution_duration: '0.5s', assessments: [] }),
        data: {
          spans: [
            span({
              parent_span_id: '',
              start_time_unix_nano: '1795494448390281686',
              end_time_unix_nano: '1795494448505196196',
              status: { code: 'STATUS_CODE_UNSET', message: '' },
              attributes: { 'mlflow.spanType': 'AGENT', 'mlflow.spanInputs': { q: 1 }, n: 3 },
            }),
          ],
        },
      },
    },
    {
      name: 'integer status and state codes, request_time in ms, unknown keys',
      kind: 'trace',
      value: {
        info: infoV3({ state: 1, request_time: 1760000000000, added_in_3_9: { x: 1 } }),
        data: { spans: [span({ status: { code: 2 }, links: [], kind: 'SPAN_KIND_INTERNAL' })] },
      },
    },
    {
      name: 'V2 span that has not ended',
      kind: 'trace',
      value: {
        info: { request_id: 'r', status: 'IN_PROGRESS', request_metadata: {}, tags: {} },
        data: {
          spans: [
            {
              name: 'agent',
              context: { span_id: '0x71a5c42ec5791a8d', trace_id: '0x0f' },
              parent_id: null,
              start_time: 1795494525480000000,
              end_time: null,
              status_code: 'UNSET',
              status_message: '',
              attributes: {},
              events: [{ name: 'exception', timestamp: 1795494693143733, attributes: { 'exception.escaped': 'False' } }],
            },
          ],
        },
      },
    },
    {
      name: '2.x assessment with null fields and ms times',
      kind: 'trace',
      value: {
        info: {
          request_id: 'r',
          assessments: [
            {
              name: 'relevance',
              source: { source_type: 'HUMAN', source_id: 'bob' },
              feedback: { value: 1, error: null },
              expectation: null,
              rationale: null,
              metadata: null,
              span_id: null,
              create_time_ms: 1745000000000,
              last_update_time_ms: 1745000000000,
            },
          ],
        },
        data: { spans: [] },
      },
    },
  ];

  it.each(cases)('$name', ({ kind, value }) => {
    expect(kindOf(value)).toBe(kind);
    expect(checkRecord(kind, value)).toBeNull();
  });
});

describe('rejected records', () => {
  const cases: Array<{ name: string; value: unknown; problem: SchemaProblem }> = [
    {
      name: 'info is not an object',
      value: { info: 5, data: {} },
      problem: { jsonPath: '$.info', expected: "an object (the trace's TraceInfo)", found: 'number 5' },
    },
    {
      name: 'data.spans is not an array',
      value: { info: infoV3({}), data: { spans: {} } },
      problem: { jsonPath: '$.data.spans', expected: 'an array of spans', found: 'empty object' },
    },
    {
      name: 'a span is not an object',
      value: { info: infoV3({}), data: { spans: [span({}), []] } },
      problem: { jsonPath: '$.data.spans[1]', expected: 'an object (a span)', found: 'array of 0 items' },
    },
    {
      name: 'span start time is not a number',
      value: { info: infoV3({}), data: { spans: [span({}), span({ start_time_unix_nano: 'abc' })] } },
      problem: {
        jsonPath: '$.data.spans[1].start_time_unix_nano',
        expected: 'an integer (nanoseconds since the epoch)',
        found: 'string "abc"',
      },
    },
    {
      name: 'unknown span status code',
      value: { info: infoV3({}), data: { spans: [span({ status: { code: 'BROKEN' } })] } },
      problem: { jsonPath: '$.data.spans[0].status.code', expected: SPAN_STATUS_CODES, found: 'string "BROKEN"' },
    },
    {
      name: 'request_time is not RFC 3339',
      value: { info: infoV3({ request_time: 'yesterday' }), data: { spans: [] } },
      problem: {
        jsonPath: '$.info.request_time',
        expected: 'an RFC 3339 timestamp such as "2025-10-09T08:53:20.524Z" (or milliseconds since the epoch)',
        found: 'string "yesterday"',
      },
    },
    {
      name: 'metadata value under a dotted key is a number',
      value: { info: infoV3({ trace_metadata: { 'mlflow.trace.session': 42 } }) },
      problem: {
        jsonPath: "$.info.trace_metadata['mlflow.trace.session']",
        expected: 'a string (MLflow stores metadata and tag values as text)',
        found: 'number 42',
      },
    },
    {
      name: 'V3 state from the V2 enum',
      value: { info: infoV3({ state: 'TRACE_STATUS_UNSPECIFIED' }) },
      problem: {
        jsonPath: '$.info.state',
        expected: 'one of STATE_UNSPECIFIED, OK, ERROR, IN_PROGRESS, 0, 1, 2, 3',
        found: 'string "TRACE_STATUS_UNSPECIFIED"',
      },
    },
    {
      name: 'execution_duration is not a duration',
      value: { info: infoV3({ execution_duration: '62ms' }) },
      problem: {
        jsonPath: '$.info.execution_duration',
        expected: 'a duration in seconds such as "0.062s"',
        found: 'string "62ms"',
      },
    },
    {
      name: 'V2 parent_id is a number',
      value: { data: { spans: [{ name: 'a', context: { span_id: 'e9e9f2038f32ee51' }, parent_id: 7 }] } },
      problem: { jsonPath: '$.data.spans[0].parent_id', expected: 'a string or null', found: 'number 7' },
    },
    {
      name: 'V2 request_metadata entry value is not a string',
      value: { info: { request_id: 'r', request_metadata: [{ key: 'k', value: true }] } },
      problem: {
        jsonPath: '$.info.request_metadata[0].value',
        expected: 'a string (MLflow stores metadata and tag values as text)',
        found: 'boolean true',
      },
    },
    {
      name: 'event time is a word',
      value: { data: { spans: [span({ events: [{ name: 'e', time_unix_nano: 'soon', attributes: {} }] })] } },
      problem: {
        jsonPath: '$.data.spans[0].events[0].time_unix_nano',
        expected: 'an integer (nanoseconds or microseconds since the epoch)',
        found: 'string "soon"',
      },
    },
    {
      name: 'assessment valid is not a boolean',
      value: { info: infoV3({ assessments: [{}, { assessment_name: 'x', valid: 'yes' }] }) },
      problem: { jsonPath: '$.info.assessments[1].valid', expected: 'true or false', found: 'string "yes"' },
    },
    {
      name: 'serialized expectation value is not JSON text',
      value: {
        info: infoV3({
          assessments: [{ expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: [1, 2] } } }],
        }),
      },
      problem: {
        jsonPath: '$.info.assessments[0].expectation.serialized_value.value',
        expected: 'a string (the expectation as JSON text)',
        found: 'array of 2 items',
      },
    },
    {
      name: 'REST attribute key is not a string',
      value: { trace: { trace_info: {}, spans: [{ name: 'x', attributes: [{ key: 1, value: {} }] }] } },
      problem: { jsonPath: '$.trace.spans[0].attributes[0].key', expected: 'a string', found: 'number 1' },
    },
    {
      name: 'REST trace is an array',
      value: { trace: [] },
      problem: {
        jsonPath: '$.trace',
        expected: 'an object with trace_info and spans (REST GetTrace body)',
        found: 'array of 0 items',
      },
    },
  ];

  it.each(cases)('$name', ({ value, problem }) => {
    expect(checkRecord(kindOf(value), value)).toEqual(problem);
  });
});

describe('checkRecord given a kind the value does not fit', () => {
  const cases: Array<{ kind: RecordKind; value: unknown; problem: SchemaProblem }> = [
    {
      kind: 'trace',
      value: {},
      problem: {
        jsonPath: '$.data',
        expected: 'a data object (a trace needs info, data or both)',
        found: 'nothing (the key is missing)',
      },
    },
    {
      kind: 'artifact',
      value: { request: '{}' },
      problem: {
        jsonPath: '$.spans',
        expected: 'an array of spans (a traces.json artifact needs spans)',
        found: 'nothing (the key is missing)',
      },
    },
    {
      kind: 'info',
      value: { state: 'OK' },
      problem: {
        jsonPath: '$.trace_id',
        expected: 'a trace id string (a TraceInfo needs trace_id or request_id)',
        found: 'nothing (the key is missing)',
      },
    },
    {
      kind: 'rest',
      value: 'trace',
      problem: { jsonPath: '$', expected: 'an object with trace (REST GetTrace body)', found: 'string "trace"' },
    },
  ];

  it.each(cases)('$kind: $value', ({ kind, value, problem }) => {
    expect(checkRecord(kind, value)).toEqual(problem);
  });
});

describe('classification', () => {
  const manyKeys = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]));
  const cases: Array<{ name: string; value: unknown; found: string }> = [
    { name: 'object with unknown keys', value: { hello: 1, foo: 2 }, found: 'object with keys hello, foo' },
    { name: 'one unknown key', value: { hello: 1 }, found: 'object with key hello' },
    { name: 'a search page, not a trace', value: { traces: [], next_page_token: null }, found: 'object with keys traces, next_page_token' },
    { name: 'id without any TraceInfo key', value: { trace_id: 'tr-1' }, found: 'object with key trace_id' },
    { name: 'many keys', value: manyKeys, found: 'object with keys k0, k1, k2, k3, k4, k5, k6, k7, … (10 keys)' },
    { name: 'odd keys are quoted', value: { 'a b': 1, '\u202e': 2 }, found: 'object with keys "a b", "\\u202e"' },
    { name: 'number', value: 42, found: 'number 42' },
    { name: 'array', value: [1], found: 'array of 1 item' },
    { name: 'null', value: null, found: 'null' },
    { name: 'empty object', value: {}, found: 'empty object' },
    // Once taken as a REST body with an empty trace id: a plain object that has a `trace` key.
    { name: 'a trace key holding no MLflow keys', value: { trace: { id: 'x' } }, found: "an object whose trace holds object with key id (not MLflow's trace_info and spans)" },
    { name: 'an empty trace object', value: { trace: {} }, found: "an object whose trace holds empty object (not MLflow's trace_info and spans)" },
    { name: 'data as a list (a paged API answer)', value: { data: [{ id: 1 }] }, found: 'object with key data' },
    { name: 'info of unknown keys', value: { info: { title: 'x' } }, found: 'object with key info' },
    { name: 'long string is cut', value: 'x'.repeat(100), found: `string "${'x'.repeat(59)}…"` },
    { name: 'control characters are escaped', value: 'a\u001b[31m\nb', found: 'string "a\\u001b[31m\\nb"' },
  ];

  it.each(cases)('$name', ({ value, found }) => {
    expect(classifyRecord(value)).toEqual({ problem: { jsonPath: '$', expected: NOT_A_TRACE, found } });
  });

  it.each<[string, unknown, RecordKind]>([
    ['info and data', { info: {}, data: {} }, 'trace'],
    ['data only', { data: {} }, 'trace'],
    ['trace', { trace: { trace_info: {} } }, 'rest'],
    ['spans', { spans: [] }, 'artifact'],
    ['trace_id and state', { trace_id: 'tr-1', state: 'OK' }, 'info'],
    ['request_id and timestamp_ms', { request_id: 'r', timestamp_ms: 1 }, 'info'],
  ])('%s → %s', (_name, value, kind) => {
    expect(classifyRecord(value)).toEqual({ kind });
  });
});

describe('schema file', () => {
  const schema = createRequire(import.meta.url)('../../schemas/trace-record.schema.json') as {
    $id?: unknown;
    $defs: Record<string, { title?: unknown; description?: unknown }>;
  };

  it('has an $id', () => {
    expect(schema.$id).toBe('urn:tracetriage:schema:trace-record');
  });

  it.each(Object.entries(schema.$defs))('$defs/%s has a title and says which MLflow version writes it', (_name, def) => {
    expect(typeof def.title).toBe('string');
    expect(def.description).toMatch(/MLflow/);
    expect(def.description).toMatch(/\b[0-9]\.(x|[0-9]+)/);
  });
});
