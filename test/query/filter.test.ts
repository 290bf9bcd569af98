import { readFileSync } from 'node:fs';
import { RE2JS } from 're2js';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { compileFilter, type CompiledFilter } from '../../src/query/filter/compile.js';
import { parseComparisons } from '../../src/query/filter/parse.js';
import { QuerySyntaxError } from '../../src/query/errors.js';
import type { InfoSubject, SpanSubject } from '../../src/query/subject.js';
import type { Trace } from '../../src/model/types.js';
import { fixtureJson, fixtureTraces, traceOf } from '../helpers/fixture-traces.js';
import { thrown } from '../helpers/thrown.js';

// Every fixture trace, by a short label. The extract-fields output is included on purpose: it is a
// partial trace (no times, unnamed assessments, spans with only a name), which shows that missing
// values never match, `!=` included. Its spans read as status UNSET, the model's default.
const FIXTURES: Array<[file: string, via: 'record' | 'read', labels: string[]]> = [
  ['v2.19_trace_ok.json', 'record', ['v2.19']],
  ['v2.22_trace_error.json', 'record', ['v2.22-error']],
  ['v2.22_trace_ok_chat_messages.json', 'record', ['v2.22-ok']],
  ['v3.4_cli_traces_search_output_json.json', 'read', ['v3.4-cli-error', 'v3.4-cli-ok']],
  ['v3.4_trace_ok_assessments_session.json', 'record', ['v3.4-ok']],
  ['v3.5.0-equivalent_trace_ok_assessments_session.json', 'record', ['v3.5.0-ok']],
  ['v3.6_cli_traces_search_extract_fields.json', 'read', ['v3.6-extract']],
  ['v3.6_cli_traces_search_output_json.json', 'read', ['v3.6-cli-error', 'v3.6-cli-ok']],
  ['v3.6_trace_error.json', 'record', ['v3.6-error']],
  ['v3.6_trace_ok_assessments_session.json', 'record', ['v3.6-ok']],
  ['v3.6_trace_otel_ingested_genai_openinference.json', 'record', ['v3.6-otel']],
  ['v3.6_trace_span_events_microsecond_timestamps.json', 'record', ['v3.6-events']],
];

const TRACE_IDS: Record<string, string> = {
  'v2.19': '844221753fab44e2af0ba28057036bad',
  'v2.22-error': 'd3511c9ea8e0437a95589caa181d1541',
  'v2.22-ok': '9a62b6314808422996c687383a6ad4aa',
  'v3.4-cli-error': 'tr-fffbeddaa789c9f4e4122a9f1cde99ce',
  'v3.4-cli-ok': 'tr-65fdb3d481f2413b2268e8e2394d64a5',
  'v3.4-ok': 'tr-65fdb3d481f2413b2268e8e2394d64a5',
  'v3.5.0-ok': 'tr-cfa18bac7f27690f74ba5efa978c09ab',
  'v3.6-extract': 'tr-5fea91443bc8bda79ff15a5ab90fff94',
  'v3.6-cli-error': 'tr-0518806ea3e1bc6d2c78973da68756aa',
  'v3.6-cli-ok': 'tr-5fea91443bc8bda79ff15a5ab90fff94',
  'v3.6-error': 'tr-0518806ea3e1bc6d2c78973da68756aa',
  'v3.6-ok': 'tr-5fea91443bc8bda79ff15a5ab90fff94',
  'v3.6-otel': 'tr-0af7651916cd43dd8448eb211c80319c',
  'v3.6-events': 'tr-e8fd07e17bfd2bf2dbe182bc48b16be6',
};

interface Subject {
  label: string;
  info: InfoSubject;
  spans: SpanSubject[];
}

/** The value at a simple `$.a.b` path of `Trace.paths`. */
function at(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.').slice(1)) node = (node as Record<string, unknown> | undefined)?.[key];
  return node;
}

function subjectOf(label: string, trace: Trace, record: unknown): Subject {
  const raw = at(record, trace.paths.spans);
  return {
    label,
    info: { info: trace.info, assessments: trace.assessments },
    spans: trace.spans.map((span) => ({ span, raw: Array.isArray(raw) ? raw[span.index] : undefined })),
  };
}

const subjects: Subject[] = [];

beforeAll(async () => {
  for (const [file, via, labels] of FIXTURES) {
    const traces = await fixtureTraces(file, via);
    const json = fixtureJson(file);
    const records = via === 'read' ? (json.traces as unknown[]) : [json];
    expect(traces).toHaveLength(labels.length);
    traces.forEach((trace, i) => subjects.push(subjectOf(labels[i]!, trace, records[i])));
  }
  subjects.forEach((s) => expect(s.info.info.traceId).toBe(TRACE_IDS[s.label]));
});

function matching(filter: CompiledFilter, pool: Subject[] = subjects): string[] {
  return pool.filter((s) => filter.matchesInfo(s.info) && filter.matchesSpans(s.spans)).map((s) => s.label);
}

const ALL = Object.keys(TRACE_IDS);
const ERRORS = ['v2.22-error', 'v3.4-cli-error', 'v3.6-cli-error', 'v3.6-error'];
const OKS = ALL.filter((l) => !ERRORS.includes(l));
const AGENT = ['v2.19', 'v2.22-ok', 'v3.4-cli-ok', 'v3.4-ok', 'v3.5.0-ok', 'v3.6-extract', 'v3.6-cli-ok', 'v3.6-ok'];
/** The traces with the five 3.x assessments (the extract-fields copy has lost their names). */
const ASSESSED = ['v3.4-cli-ok', 'v3.4-ok', 'v3.5.0-ok', 'v3.6-cli-ok', 'v3.6-ok'];
const without = (list: string[], ...drop: string[]): string[] => list.filter((l) => !drop.includes(l));

const valid: Array<[filter: string, expected: string[]]> = [
  // empty
  ['', ALL],
  ['   ', ALL],
  // status: the stored TraceState value; = is case-sensitive, ILIKE is not
  ["status = 'OK'", OKS],
  ['status = "ERROR"', ERRORS],
  ["attributes.status != 'OK'", ERRORS],
  ["attribute.status NOT IN ('OK')", ERRORS],
  ["trace.status IN ('ERROR', 'IN_PROGRESS')", ERRORS],
  ["status = 'ok'", []],
  ["status ILIKE 'ok'", OKS],
  ["status LIKE 'O%'", OKS],
  ["status RLIKE '^ERR'", ERRORS],
  ["\n status\t=\t'OK'\n", OKS],
  ['"status" = \'ERROR\'', ERRORS],
  // request_id, client_request_id (missing never matches, != and NOT IN included)
  ["request_id = 'tr-5fea91443bc8bda79ff15a5ab90fff94'", ['v3.6-extract', 'v3.6-cli-ok', 'v3.6-ok']],
  ["request_id IN ('844221753fab44e2af0ba28057036bad', 'tr-0af7651916cd43dd8448eb211c80319c',)", ['v2.19', 'v3.6-otel']],
  ["request_id LIKE 'tr-0%'", ['v3.6-cli-error', 'v3.6-error', 'v3.6-otel']],
  ["client_request_id = 'req-001'", ASSESSED],
  ["client_request_id != 'req-001'", []],
  ["client_request_id NOT IN ('x')", ASSESSED],
  ["client_request_id RLIKE '[0-9]+$'", ASSESSED],
  // name = tag mlflow.traceName
  ["name = 'agent'", AGENT],
  ["trace.name != 'agent'", [...ERRORS, 'v3.6-events']],
  ["name LIKE 'error%'", ERRORS],
  ["name ILIKE 'PIPE%'", ['v3.6-events']],
  ["name RLIKE 'pipe|root'", [...ERRORS, 'v3.6-events']],
  ["run_id = 'run-1'", []],
  // numbers: whole milliseconds; missing times never match
  ['timestamp_ms = 1760000000000', ['v3.6-otel']],
  ['timestamp > 1795494500000', ['v2.19', 'v2.22-error', 'v2.22-ok', 'v3.5.0-ok', 'v3.6-events']],
  ['trace.timestamp_ms <= 1760000000000', ['v3.6-otel']],
  ['execution_time_ms >= 100', ['v3.4-cli-ok', 'v3.4-ok', 'v3.5.0-ok', 'v3.6-otel']],
  ['execution_time < 10', ['v2.19']],
  ['execution_time_ms > 10.5', without(ALL, 'v2.19', 'v3.6-extract')],
  ['end_time_ms = 1760000000900', ['v3.6-otel']],
  ['end_time <= 1760000000899', []],
  ['timestamp_ms != 0', without(ALL, 'v3.6-extract')],
  ['timestamp_ms > -1.5e3', without(ALL, 'v3.6-extract')],
  ['`timestamp` >= 1760000000000 AND `execution_time_ms` < 50', ['v2.19', 'v2.22-error', 'v3.6-cli-error', 'v3.6-error']],
  // tags
  ["tag.environment = 'test'", without(AGENT, 'v3.6-extract')],
  ["tag.environment != 'test'", []],
  ["tags.mlflow.traceName = 'pipeline'", ['v3.6-events']],
  ["tag.`mlflow.traceName` = 'pipeline'", ['v3.6-events']],
  ['tag."mlflow.traceName" ILIKE \'PIPE%\'', ['v3.6-events']],
  ["tag.'mlflow.traceName' = 'pipeline'", ['v3.6-events']],
  ["tags.session_id RLIKE '^session-[0-9]+$'", ['v2.19', 'v2.22-ok']],
  ["tag.constructor = 'x'", []],
  ["tag.__proto__ != 'x'", []],
  // metadata
  ["metadata.`mlflow.trace.session` = 'session-123'", [...ASSESSED.slice(0, 3), 'v3.6-extract', ...ASSESSED.slice(3)]],
  ["request_metadata.mlflow.trace.user LIKE 'user-%'", ASSESSED],
  ["metadata.mlflow.trace_schema.version = '2'", ['v2.19', 'v2.22-error', 'v2.22-ok']],
  ["metadata.`mlflow.traceInputs` LIKE '%héllo%'", ['v3.6-events']],
  ["metadata.mlflow.traceOutputs = ''", ERRORS],
  // feedback / expectation: the JSON text of the value
  ["feedback.helpfulness = '4'", ASSESSED],
  ["feedback.helpfulness = '4.0'", []],
  ["feedback.helpfulness IN ('3', '4', '5')", ASSESSED],
  ["feedback.helpfulness NOT IN ('4')", []],
  ["feedback.helpfulness RLIKE '^[3-5]$'", ASSESSED],
  ["feedback.correctness = 'true'", ASSESSED],
  ["feedback.correctness != 'false'", ASSESSED],
  ["feedback.safety = 'null'", ASSESSED],
  ['expectation.expected_response = \'"It is sunny in Paris."\'', ASSESSED],
  ["expectation.expected_response = 'It is sunny in Paris.'", []],
  ['feedback.expected_response = \'"It is sunny in Paris."\'', []],
  ['expectation.expected_facts = \'["sunny", "Paris"]\'', ASSESSED],
  ["expectation.expected_facts ILIKE '%paris%'", ASSESSED],
  // spans: each clause needs some span, not the same one
  ["span.name = 'get_weather'", AGENT],
  ["span.name LIKE 'chat%'", [...AGENT, 'v3.6-otel']],
  ["span.type = 'RETRIEVER'", [...ERRORS, 'v3.6-otel']],
  ["span.type IN ('LLM', 'CHAIN')", ['v3.6-events']],
  ["span.type != 'AGENT'", without(ALL, 'v3.6-extract')],
  ["span.type NOT IN ('AGENT', 'TOOL', 'CHAT_MODEL')", [...ERRORS, 'v3.6-otel', 'v3.6-events']],
  ["span.status = 'ERROR'", [...ERRORS, 'v3.6-otel', 'v3.6-events']],
  ["span.status = 'STATUS_CODE_ERROR'", []],
  ["span.status = 'UNSET'", ['v3.6-extract']],
  ["span.name = 'agent' AND span.name = 'get_weather'", AGENT],
  ["span.name = 'agent' AND span.type = 'TOOL'", without(AGENT, 'v3.6-extract')],
  ["span.name RLIKE '^(retrieve|stream_llm)$' AND span.status = 'ERROR'", ['v3.6-otel', 'v3.6-events']],
  // span.content and text: the span's JSON as Python dumps it (ASCII escapes)
  ["span.content LIKE '%TimeoutError%'", ['v3.6-otel']],
  ["span.content ILIKE '%timeouterror%'", ['v3.6-otel']],
  ["text LIKE '%index not found%'", ERRORS],
  ["trace.text LIKE '%h\\u00e9llo%'", ['v3.6-events']],
  ["trace.text LIKE '%héllo%'", []],
  ['text LIKE \'%"parent_span_id": null%\'', ['v3.5.0-ok', 'v3.6-cli-error', 'v3.6-cli-ok', 'v3.6-error', 'v3.6-ok', 'v3.6-otel', 'v3.6-events']],
  // span.attributes: LIKE / ILIKE / RLIKE over the content as MLflow builds the pattern
  ["span.attributes.session.id LIKE '%sess-otel%'", ['v3.6-otel']],
  ["span.attributes.mlflow.spanType RLIKE '^RETRIEVER$'", [...ERRORS, 'v3.6-otel']],
  ["span.attributes.`mlflow.spanType` RLIKE 'CHA'", [...AGENT.filter((l) => l !== 'v3.6-extract'), 'v3.6-otel', 'v3.6-events']],
  ["span.attributes.gen_ai.request.model RLIKE '^gpt'", ['v3.6-otel']],
  ["span.attributes.mlflow.spanType ILIKE '%chain%'", ['v3.6-events']],
  // span.attributes with = / != / IN / NOT IN: the attribute's own value (MLflow never matches =)
  ["span.attributes.`gen_ai.request.model` = 'gpt-4o-mini'", ['v3.6-otel']],
  ["span.attributes.gen_ai.usage.input_tokens = '31'", ['v3.6-otel']],
  ["span.attributes.openinference.span.kind != 'LLM'", ['v3.6-otel']],
  ["span.attributes.mlflow.spanType IN ('CHAIN')", ['v3.6-events']],
  ["span.attributes.mlflow.spanType NOT IN ('AGENT', 'TOOL', 'CHAT_MODEL', 'UNKNOWN', 'RETRIEVER')", ['v3.6-events']],
  ["span.attributes.missing.key != 'x'", []],
  // keywords in any case, mixed clauses
  ["status = 'OK' and name = 'pipeline'", ['v3.6-events']],
  ["span.name like 'stream%' AnD span.status = 'ERROR'", ['v3.6-events']],
  ["status = 'OK' AND feedback.helpfulness = '4' AND span.type = 'TOOL' AND timestamp_ms > 1795494419740", ['v3.4-cli-ok', 'v3.4-ok', 'v3.5.0-ok']],
];

describe('compileFilter over the fixtures', () => {
  it.each(valid)('%s', (filter, expected) => {
    expect(matching(compileFilter(filter))).toEqual(expected);
  });
});

/** Subjects made from the v3.6 record with one field changed each, for values no fixture holds. */
describe('compileFilter on altered records', () => {
  const base = (): Record<string, unknown> => fixtureJson('v3.6_trace_ok_assessments_session.json');
  const infoOf = (record: Record<string, unknown>): Record<string, unknown> => record.info as Record<string, unknown>;
  const assessmentsOf = (record: Record<string, unknown>): Array<Record<string, unknown>> => infoOf(record).assessments as Array<Record<string, unknown>>;
  const altered: Array<[string, (r: Record<string, unknown>) => void]> = [
    ['unspecified', (r) => void (infoOf(r).state = 'STATE_UNSPECIFIED')],
    [
      'in-progress',
      (r) => {
        infoOf(r).state = 'IN_PROGRESS';
        delete infoOf(r).execution_duration_ms;
      },
    ],
    ['run', (r) => void ((infoOf(r).trace_metadata as Record<string, string>)['mlflow.sourceRun'] = 'run-1')],
    [
      'superseded',
      (r) => {
        const helpfulness = assessmentsOf(r)[0]!;
        helpfulness.valid = false;
        (helpfulness.feedback as Record<string, unknown>).value = 2.0;
      },
    ],
    [
      'strings',
      (r) => {
        assessmentsOf(r).push(
          { assessment_name: 'rating', trace_id: 'x', source: { source_type: 'HUMAN' }, feedback: { value: 'good' }, valid: true },
          { assessment_name: 'tone', trace_id: 'x', source: { source_type: 'HUMAN' }, feedback: { value: 'très bien' }, valid: true },
          { assessment_name: 'score', trace_id: 'x', source: { source_type: 'CODE' }, feedback: { value: 0.5 }, valid: true },
          {
            assessment_name: 'shape',
            trace_id: 'x',
            source: { source_type: 'CODE' },
            expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: '{"a": 1, "b": [1.5, "é"]}' } },
          },
        );
      },
    ],
  ];
  let pool: Subject[] = [];
  beforeAll(() => {
    pool = altered.map(([label, change]) => {
      const record = base();
      change(record);
      return subjectOf(label, traceOf(record), record);
    });
  });

  it.each<[string, string[]]>([
    ["status = 'STATE_UNSPECIFIED'", ['unspecified']],
    ["status IN ('IN_PROGRESS', 'STATE_UNSPECIFIED')", ['unspecified', 'in-progress']],
    // end_time = timestamp + coalesce(execution_time, 0)
    ['end_time_ms = 1795494419740', ['in-progress']],
    ['execution_time_ms >= 0', ['unspecified', 'run', 'superseded', 'strings']],
    ["run_id = 'run-1'", ['run']],
    ["run_id LIKE 'run-%'", ['run']],
    ["metadata.mlflow.sourceRun != 'run-2'", ['run']],
    // MLflow's SQL does not look at `valid`: a superseded assessment still counts
    ["feedback.helpfulness = '2'", ['superseded']],
    ['feedback.rating = \'"good"\'', ['strings']],
    ["feedback.rating = 'good'", []],
    ['feedback.tone = \'"tr\\u00e8s bien"\'', ['strings']],
    ["feedback.score = '0.5'", ['strings']],
    ['expectation.shape = \'{"a": 1, "b": [1.5, "\\u00e9"]}\'', ['strings']],
  ])('%s', (filter, expected) => {
    expect(matching(compileFilter(filter), pool)).toEqual(expected);
  });
});

// [filter, message (or a stable part of it), 1-based column]
const invalid: Array<[string, string, number]> = [
  [
    "status = 'OK' OR status = 'ERROR'",
    "Invalid clause(s) in filter string: 'OR'. The filter grammar joins comparisons with AND only: run one search per alternative, or use IN ('a', 'b') for several values of one key.",
    15,
  ],
  ["status = 'OK' or name = 'x'", "Invalid clause(s) in filter string: 'OR'.", 15],
  ["OR status = 'x'", "Invalid clause(s) in filter string: 'OR'.", 1],
  [
    "state = 'OK'",
    "Invalid attribute key 'state' specified: use status (values OK, ERROR, IN_PROGRESS, STATE_UNSPECIFIED). Valid keys are request_id, timestamp, timestamp_ms, execution_time, execution_time_ms, end_time, end_time_ms, status, client_request_id, name, run_id, text.",
    1,
  ],
  ["trace.trace_id = 'x'", "Invalid attribute key 'trace_id' specified: use request_id (the trace id, tr-...).", 7],
  ["foo = 'x'", "Invalid attribute key 'foo' specified. Valid keys are request_id,", 1],
  ["NAME = 'x'", "Invalid attribute key 'NAME' specified.", 1],
  ["foo.bar = 'baz'", "Invalid entity type 'foo'. Valid values are attribute, attributes, trace, tag, tags, metadata, request_metadata, span, feedback, expectation.", 1],
  ["trace.tags.foo = 'bar'", "Invalid attribute key 'tags.foo' specified: did you mean tags.foo?", 7],
  ["tag = 'x'", "Invalid attribute key 'tag' specified: tag needs a key after it: tag.<name>.", 1],
  ["status = 'OK", "Unterminated string: the ' opened here has no closing '.", 10],
  ["tag.`mlflow.traceName = 'x'", 'Unterminated backticked key: the ` opened here has no closing `.', 5],
  ["tag.`` = 'x'", 'Empty key in quotes: a key needs at least one character.', 5],
  ["feedback. = 'x'", "Expected a key after '.', found white space.", 10],
  ["feedback.='x'", "Expected a key after '.', found '='x''.", 10],
  ['status = "OK" AND', 'Expected a comparison after AND, found the end of the filter.', 18],
  ["status 'OK'", "Expected a comparator (=, !=, <, <=, >, >=, IN, NOT IN, LIKE, ILIKE, RLIKE) after status, found 'OK'.", 8],
  ['status', 'Expected a comparator (=, !=, <, <=, >, >=, IN, NOT IN, LIKE, ILIKE, RLIKE) after status, found the end of the filter.', 7],
  ['status =', 'Expected a value after =, found the end of the filter.', 9],
  ['status = OK', "Expected a quoted value after =, found OK: put strings in single or double quotes ('OK').", 10],
  ['status = `OK`', 'Expected a value after =, found a backticked name: values go in single or double quotes.', 10],
  ["status = 'OK' extra", "Invalid clause(s) in filter string: 'extra'. Expected AND or the end of the filter after a comparison.", 15],
  ["status = 'OK';", "Invalid clause(s) in filter string: ';'.", 14],
  ["status = 'OK' AND", 'Expected a comparison after AND, found the end of the filter.', 18],
  ["status = 'OK' AND ", 'Expected a comparison after AND, found the end of the filter.', 19],
  ["AND status = 'OK'", 'Expected a key such as status or tag.<name>, found the keyword AND.', 1],
  ["(status = 'OK')", "Expected a key such as status or tag.<name>, found '(': parentheses only hold IN lists, and comparisons are joined by AND.", 1],
  ["'status' = 'OK'", "found the string 'status': keys are written bare or in backticks.", 1],
  ["tag . x = 'y'", "Unexpected '.' after tag: write a dotted key without spaces (tag.name).", 5],
  ["status == 'OK'", "Invalid comparator '=='. Use '=' to compare.", 8],
  ["status <> 'OK'", "Invalid comparator '<>'. Use '!=' for \"not equal\".", 8],
  ["status NOT LIKE 'O%'", "Invalid comparator 'NOT LIKE': NOT is only supported in NOT IN (...).", 8],
  ["status NOT 'OK'", "Invalid comparator 'NOT': NOT is only supported in NOT IN (...).", 8],
  ['status IS NULL', "Expected a comparator (=, !=, <, <=, >, >=, IN, NOT IN, LIKE, ILIKE, RLIKE) after status, found 'IS'.", 8],
  ['timestamp_ms > 12abc', "Malformed number '12a': a number is digits with an optional fraction and exponent.", 16],
  // comparators per key (MLflow: "Invalid comparator '<' not one of ...")
  ["trace.status < 'OK'", "Invalid comparator '<' for status, not one of '=', '!=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE'.", 14],
  ["name IN ('a', 'b')", "Invalid comparator 'IN' for name, not one of '=', '!=', 'LIKE', 'ILIKE', 'RLIKE' (name is the tag mlflow.traceName;", 6],
  ["run_id NOT IN ('a')", "Invalid comparator 'NOT IN' for run_id, not one of '=', '!=', 'LIKE', 'ILIKE', 'RLIKE' (run_id is the metadata mlflow.sourceRun;", 8],
  ["tag.fruit IN ('apple')", "Invalid comparator 'IN' for tag.fruit, not one of '=', '!=', 'LIKE', 'ILIKE', 'RLIKE'.", 11],
  ["metadata.x > 'a'", "Invalid comparator '>' for metadata.x, not one of", 12],
  ["timestamp_ms LIKE '1%'", "Invalid comparator 'LIKE' for the numeric attribute timestamp_ms, not one of '=', '!=', '<', '<=', '>', '>='.", 14],
  ["feedback.helpfulness > '3'", "feedback.helpfulness comparator '>' not one of '=', '!=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE'.", 22],
  ["span.content = 'test'", "span.content comparator '=' not one of 'LIKE', 'ILIKE'.", 14],
  ["text RLIKE 'x'", "text comparator 'RLIKE' not one of 'LIKE', 'ILIKE' (text searches the span content: text LIKE '%refund%').", 6],
  ["span.name > 'a'", "span.name comparator '>' not one of", 11],
  // span keys (MLflow: "Invalid span attribute 'duration'. Supported attributes: ...")
  ["span.duration = '1000'", "Invalid span attribute 'duration'. Supported attributes: name, status, type, content, attributes.<attribute_name>.", 6],
  ["span.attributes = 'x'", "Invalid span attribute 'attributes'.", 6],
  ["span.name.x = 'x'", "Invalid span attribute 'name.x'.", 6],
  // value types
  ["timestamp_ms = '1760000000000'", 'Expected a number after = for the numeric attribute timestamp_ms, found a string: write it without quotes.', 16],
  [
    'status = 5',
    "Only the 'timestamp', 'timestamp_ms', 'execution_time', 'execution_time_ms', 'end_time', 'end_time_ms' attributes support comparison with numeric values; quote 5 to compare status with it as text.",
    10,
  ],
  ['tag.x = 5', "Expected a quoted string value for tag (e.g. 'my-value'). Got value 5.", 9],
  ['feedback.helpfulness = 4', "Expected a quoted string value for feedback (e.g. 'my-value'). Got value 4 (feedback values are compared as JSON text: '4', 'true', '\"good\"').", 24],
  ["status IN 'OK'", "Expected a list in parentheses after IN, e.g. IN ('a', 'b').", 11],
  ["status = ('OK')", "A list in parentheses goes with IN or NOT IN, not with '='.", 10],
  ['status IN ()', 'Expected a non-empty list of quoted values after IN, found ().', 11],
  ["status IN ('OK', 5)", 'Expected quoted string values in the list, found the number 5.', 11],
  ["status IN ('OK'", 'Unclosed list after IN: the ( opened here has no closing ).', 11],
  ["status IN ('OK' 'ERROR')", "Expected ',' or ')' in the list, found 'ERROR').", 17],
  ['status IN (OK)', "Expected a quoted value in the list, found 'OK)'.", 12],
  // RLIKE patterns RE2 cannot run in linear time
  [
    "span.name RLIKE '(a)\\1'",
    'Invalid regular expression after RLIKE: error parsing regexp: invalid escape sequence: `\\1`. RLIKE uses RE2 syntax (linear time): no backreferences, no lookahead or lookbehind.',
    17,
  ],
  ["status RLIKE '(?=x)'", 'Invalid regular expression after RLIKE: error parsing regexp: invalid or unsupported Perl syntax: `(?=`.', 14],
  ["span.attributes.model RLIKE '(?!x)y'", 'Invalid regular expression after RLIKE: error parsing regexp: invalid or unsupported Perl syntax: `(?!`.', 29],
];

describe('compileFilter refuses', () => {
  it.each(invalid)('%s', (filter, message, column) => {
    const error = thrown(() => compileFilter(filter));
    expect(error).toBeInstanceOf(QuerySyntaxError);
    const e = error as QuerySyntaxError;
    expect(e.message).toContain(message);
    expect({ what: e.what, text: e.text, column: e.column }).toEqual({ what: 'filter', text: filter, column });
  });
});

describe('infoOnly', () => {
  it.each<[string, boolean]>([
    ['', true],
    ["status = 'OK'", true],
    ["feedback.helpfulness = '4' AND tag.environment = 'test' AND timestamp > 1", true],
    ["name = 'agent' AND run_id = 'r'", true],
    ["span.name = 'agent'", false],
    ["text LIKE '%x%'", false],
    ["trace.text LIKE '%x%'", false],
    ["status = 'OK' AND span.attributes.x LIKE '%y%'", false],
  ])('%s → %s', (filter, expected) => {
    expect(compileFilter(filter).infoOnly).toBe(expected);
  });

  it('splits the clauses: matchesInfo ignores span clauses, matchesSpans ignores info clauses', () => {
    const filter = compileFilter("status = 'ERROR' AND span.name = 'broken_retriever'");
    expect(subjects.filter((s) => filter.matchesInfo(s.info)).map((s) => s.label)).toEqual(ERRORS);
    expect(subjects.filter((s) => filter.matchesSpans(s.spans)).map((s) => s.label)).toEqual(ERRORS);
    const infoOnly = compileFilter("status = 'ERROR'");
    expect(subjects.every((s) => infoOnly.matchesSpans(s.spans))).toBe(true);
    expect(compileFilter('').matchesSpans([])).toBe(true);
  });

  it('keeps the text it was compiled from', () => {
    expect(compileFilter("status = 'OK'").text).toBe("status = 'OK'");
  });
});

describe('compiled once', () => {
  it('builds its regexes at compile time, never while matching', () => {
    const compile = vi.spyOn(RE2JS, 'compile');
    const filter = compileFilter("name RLIKE 'agent' AND span.attributes.mlflow.spanType RLIKE '^TOOL$'");
    expect(compile).toHaveBeenCalledTimes(2);
    expect(matching(filter)).toEqual(without(AGENT, 'v3.6-extract'));
    expect(compile).toHaveBeenCalledTimes(2);
    compile.mockRestore();
  });
});

describe('parseComparisons', () => {
  it('returns the pieces with their columns', () => {
    expect(parseComparisons("metadata.`mlflow.trace.session` = 'it''s' AND x NOT IN (1, \"b\")", 'filter')).toEqual([
      {
        identifier: { text: 'metadata.`mlflow.trace.session`', segments: ['metadata', 'mlflow.trace.session'], column: 1, segmentColumns: [1, 10] },
        comparator: '=',
        value: { kind: 'string', value: "it's" },
        column: 1,
        comparatorColumn: 33,
        valueColumn: 35,
      },
      {
        identifier: { text: 'x', segments: ['x'], column: 47, segmentColumns: [47] },
        comparator: 'NOT IN',
        value: {
          kind: 'list',
          values: [
            { kind: 'number', value: 1, text: '1' },
            { kind: 'string', value: 'b' },
          ],
        },
        column: 47,
        comparatorColumn: 49,
        valueColumn: 56,
      },
    ]);
  });

  it('keeps backslashes and doubles quotes only by repetition', () => {
    const [c] = parseComparisons(`a = "say ""hi"" \\n"`, 'pipeline');
    expect(c?.value).toEqual({ kind: 'string', value: 'say "hi" \\n' });
  });

  it('reads dashes inside bare key segments', () => {
    expect(parseComparisons("tag.my-key = 'x'", 'filter')[0]?.identifier.segments).toEqual(['tag', 'my-key']);
  });

  it('reads pipeline paths with digits and * segments', () => {
    const [c] = parseComparisons('spans.0.*.name != 1e3', 'pipeline');
    expect(c?.identifier.segments).toEqual(['spans', '0', '*', 'name']);
    expect(c?.value).toEqual({ kind: 'number', value: 1000, text: '1e3' });
  });

  it('places columns inside a longer source and reports the caller’s what', () => {
    const source = "$.data.spans[*] | where(name = 'x' OR y = 1)";
    const inner = "name = 'x' OR y = 1";
    const offset = source.indexOf(inner);
    expect(parseComparisons(inner.slice(0, 10), 'pipeline', source, offset)[0]?.column).toBe(offset + 1);
    expect(() => parseComparisons(inner, 'pipeline', source, offset)).toThrow(QuerySyntaxError);
    try {
      parseComparisons(inner, 'pipeline', source, offset);
    } catch (e) {
      expect(e).toMatchObject({ what: 'pipeline', text: source, column: offset + 12 });
    }
  });
});

/** The rows of the markdown table whose header starts with `header`, as cells with code spans unwrapped. */
function docTable(header: string): string[][] {
  const doc = readFileSync(new URL('../../docs/search-filters.md', import.meta.url), 'utf8');
  const start = doc.indexOf(`\n${header}`);
  expect(start).toBeGreaterThan(0);
  const rows: string[][] = [];
  for (const line of doc
    .slice(start + 1)
    .split('\n')
    .slice(2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .slice(1, -1)
      .split(' | ')
      .map((cell) => cell.trim());
    rows.push(cells.map((cell) => cell.replace(/^(``?)\s?(.*?)\s?\1(?=$| \()/, '$2')));
  }
  return rows;
}

describe('docs/search-filters.md', () => {
  it('gives each error of its table, at its column', () => {
    const rows = docTable('| filter | error (column) |');
    expect(rows.length).toBeGreaterThan(10);
    for (const [filter = '', cell = ''] of rows) {
      const m = /^(.*?)(?:…)?\s\((\d+)\)$/.exec(cell);
      expect(m, cell).not.toBeNull();
      expect(() => compileFilter(filter)).toThrow(QuerySyntaxError);
      try {
        compileFilter(filter);
      } catch (e) {
        expect((e as QuerySyntaxError).message.startsWith(m![1]!.replace(/ ?…$/, '')), `${filter}: ${(e as Error).message}`).toBe(true);
        expect((e as QuerySyntaxError).column, filter).toBe(Number(m![2]));
      }
    }
  });

  it('has examples that all compile', () => {
    const rows = docTable('| filter | finds |');
    expect(rows.length).toBeGreaterThan(15);
    for (const [filter = ''] of rows) expect(() => compileFilter(filter), filter).not.toThrow();
  });
});
