import { describe, expect, it } from 'vitest';
import { describeUnread, readerFor } from '../../src/model/foreign/index.js';
import { otelConsoleReader } from '../../src/model/foreign/otel-console.js';
import { otlpJsonReader, otlpOtherSignals } from '../../src/model/foreign/otlp.js';
import { batchesOf, factsOf, joinTraces, mlflowShapes, OTHER_FORMAT_SHAPES, parentsOf, recordsOf, type TraceFacts, PYTHON_RUN } from './otel-helpers.js';

const DIR = 'test/fixtures/foreign/otlp';
const at = (file: string): string => `${DIR}/${file}`;

const JS_TURN_1 = '0f0c8f1b913814734a94bba90505d3bd';
const JS_TURN_2 = 'acdf6a2912fa28d6e36e0cbad42dda4b';
const [PY_TURN_1, PY_TURN_2] = PYTHON_RUN.turns;

const jsTurn1: TraceFacts = {
  spans: 3,
  roots: ['invoke_agent support-bot'],
  state: 'OK',
  session: 'chat-7f3a',
  input: 'Where is my order A-1187?',
  output: 'Order A-1187 has shipped; it should arrive on June 3.',
  errorSpans: [],
};
const jsTurn2: TraceFacts = {
  spans: 3,
  roots: ['invoke_agent support-bot'],
  state: 'ERROR',
  session: 'chat-7f3a',
  input: 'Can you change the delivery address?',
  output: '',
  errorSpans: ['invoke_agent support-bot', 'chat gpt-4o-mini'],
};

describe('OTLP/JSON reader: fixtures', () => {
  const files = ['proto-example-trace.json', 'js-chat-batch-1.json', 'js-chat-batch-2.json', 'js-chat-batch-1.proto-snake.json', 'js-chat-session.jsonl', 'python-file-exporter-chat.jsonl'];
  it.each(files)('%s: every record is OTLP/JSON, read without problems', (file) => {
    const records = recordsOf(at(file));
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(readerFor(record)).toBe(otlpJsonReader);
      expect(otelConsoleReader.matches(record)).toBe(false);
      expect(otlpJsonReader.read(record).problems).toEqual([]);
    }
  });

  it("opentelemetry-proto's example: uppercase hex lowercased, enum number named, scope and resource kept", () => {
    const [batch] = batchesOf(otlpJsonReader, at('proto-example-trace.json'));
    expect(batch!.spans).toEqual([
      {
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId: 'eee19b7ec3c1b174',
        parentId: 'eee19b7ec3c1b173',
        name: "I'm a server span",
        startNs: '1544712660000000000',
        endNs: '1544712661000000000',
        status: 'UNSET',
        statusMessage: '',
        kind: 'SPAN_KIND_SERVER',
        attributes: { 'my.span.attr': 'some value', 'otel.scope.name': 'my.library', 'otel.scope.version': '1.0.0' },
        events: [],
        resource: { 'service.name': 'my.service' },
      },
    ]);
    // Its parent is not in the file: the span heads the trace MLflow's JSON of it holds.
    const joined = joinTraces([batch!]).get('5b8efff798038103d269b633813fc60c')!;
    expect(joined.trace.spans.map((s) => s.spanId)).toEqual(['eee19b7ec3c1b174']);
    expect(joined.trace.info.tags['service.name']).toBe('my.service');
  });

  it('JS SDK batch 1: turn 1 whole and the first span of turn 2; ids, parents, kinds, statuses', () => {
    const [batch] = batchesOf(otlpJsonReader, at('js-chat-batch-1.json'));
    const spans = batch!.spans;
    expect(spans.map((s) => [s.traceId, s.name, s.kind, s.status])).toEqual([
      [JS_TURN_1, 'execute_tool lookup_order', 'SPAN_KIND_INTERNAL', 'UNSET'],
      [JS_TURN_1, 'chat gpt-4o-mini', 'SPAN_KIND_CLIENT', 'UNSET'],
      [JS_TURN_1, 'invoke_agent support-bot', 'SPAN_KIND_SERVER', 'OK'],
      [JS_TURN_2, 'execute_tool lookup_order', 'SPAN_KIND_INTERNAL', 'UNSET'],
    ]);
    expect(parentsOf(spans.filter((s) => s.traceId === JS_TURN_1))).toEqual({
      '0a043c8b66b820d3': '256c39bba78f61bf',
      '0ae452cc6820b208': '256c39bba78f61bf',
      '256c39bba78f61bf': null,
    });
    const chat = spans[1]!;
    expect(chat.startNs).toBe('1796354164841000000');
    expect(chat.endNs).toBe('1796354164846471708');
    expect(chat.attributes['gen_ai.usage.input_tokens']).toBe(42);
    expect(chat.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    expect(chat.attributes['gen_ai.conversation.id']).toBe('chat-7f3a');
    expect(chat.resource).toEqual({ 'service.name': 'support-bot', 'service.version': '1.4.0' });
    expect(factsOf(joinTraces([batch!]).get(JS_TURN_1)!)).toEqual(jsTurn1);
  });

  it('JS SDK batch 2: the error span keeps its message and its exception event', () => {
    const [batch] = batchesOf(otlpJsonReader, at('js-chat-batch-2.json'));
    const chat = batch!.spans.find((s) => s.name === 'chat gpt-4o-mini')!;
    expect(chat).toMatchObject({ traceId: JS_TURN_2, spanId: '3c1af29b990b952f', parentId: '6d1be61fd548cfa0', status: 'ERROR', statusMessage: 'upstream model timed out after 30000 ms' });
    expect(chat.events).toHaveLength(1);
    expect(chat.events[0]).toMatchObject({ name: 'exception', attributes: { 'exception.type': 'TimeoutError', 'exception.message': 'upstream model timed out after 30000 ms' } });
    expect(chat.events[0]!.timeNs).toMatch(/^17963541648\d{8}$/);
    expect(String(chat.events[0]!.attributes['exception.stacktrace'])).toMatch(/^TimeoutError: upstream model timed out after 30000 ms\n {4}at /);
  });

  it('spans of one trace split across two files join into one trace with one root', () => {
    const alone = joinTraces(batchesOf(otlpJsonReader, at('js-chat-batch-1.json'))).get(JS_TURN_2)!;
    expect(alone.trace.spans).toHaveLength(1);
    const joined = joinTraces(batchesOf(otlpJsonReader, at('js-chat-batch-1.json'), at('js-chat-batch-2.json')));
    expect([...joined.keys()]).toEqual([JS_TURN_1, JS_TURN_2]);
    const turn2 = joined.get(JS_TURN_2)!;
    expect(turn2.trace.tree.roots).toHaveLength(1);
    expect(turn2.trace.tree.orphans ?? []).toEqual([]);
    expect(parentsOf(turn2.spans)).toEqual({ '433ab8e83297834b': '6d1be61fd548cfa0', '3c1af29b990b952f': '6d1be61fd548cfa0', '6d1be61fd548cfa0': null });
    expect(factsOf(turn2)).toEqual(jsTurn2);
    expect(factsOf(joined.get(JS_TURN_1)!)).toEqual(jsTurn1);
  });

  it('JSON Lines (one request per line) read exactly as the two pretty-printed requests', () => {
    const lines = batchesOf(otlpJsonReader, at('js-chat-session.jsonl'));
    expect(lines).toHaveLength(2);
    expect(lines).toEqual(batchesOf(otlpJsonReader, at('js-chat-batch-1.json'), at('js-chat-batch-2.json')));
  });

  it('protobuf JSON with proto field names (snake_case, base64 ids, enum names) reads as the OTLP/JSON of the same batch', () => {
    expect(batchesOf(otlpJsonReader, at('js-chat-batch-1.proto-snake.json'))).toEqual(batchesOf(otlpJsonReader, at('js-chat-batch-1.json')));
  });

  it("Python SDK's OTLP JSON file exporter: one span per line, two turns of one session", () => {
    const batches = batchesOf(otlpJsonReader, at('python-file-exporter-chat.jsonl'));
    expect(batches).toHaveLength(6);
    const joined = joinTraces(batches);
    expect([...joined.keys()]).toEqual(PYTHON_RUN.turns);
    expect(PYTHON_RUN.turns.map((id) => factsOf(joined.get(id)!))).toEqual(PYTHON_RUN.facts);
    const failed = joined.get(PY_TURN_2)!.spans.find((s) => s.name === 'chat gpt-4o-mini')!;
    expect(failed.events.map((e) => [e.name, e.attributes['exception.type'], e.attributes['exception.message']])).toEqual([['exception', '__main__.ModelTimeout', 'model did not answer within 30 s']]);
    // `status: {}` is UNSET; `kind: 1` INTERNAL; nanosecond digits kept as written.
    const tool = joined.get(PY_TURN_1)!.spans.find((s) => s.name === 'lookup_order')!;
    expect(tool).toMatchObject({ status: 'UNSET', kind: 'SPAN_KIND_INTERNAL', startNs: '1796353940881817378', endNs: '1796353940881845180' });
    expect(tool.events).toEqual([{ name: 'cache.miss', timeNs: '1796353940881834851', attributes: { 'cache.key': 'order:A-1187' } }]);
  });
});

describe('OTLP/JSON reader: shapes and bad values', () => {
  const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
  const request = (spans: unknown[], scopeKey = 'scopeSpans'): unknown => ({ resourceSpans: [{ resource: { attributes: [] }, [scopeKey]: [{ spans }] }] });

  it('reads pre-1.0 instrumentationLibrarySpans, base64 ids, enum names, numeric times and kvlist/array attributes', () => {
    const batch = otlpJsonReader.read(
      request(
        [
          {
            traceId: b64('00000000000000006bba2abb44f13eae'),
            spanId: b64('726b5e30102fc0d0'),
            parentSpanId: b64('398f0f21a3db99ae'),
            name: 'HTTP GET',
            kind: 'SPAN_KIND_SERVER',
            startTimeUnixNano: 1627471657255809000,
            endTimeUnixNano: '1627471657256268000',
            status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
            attributes: [
              { key: 'list', value: { arrayValue: { values: [{ intValue: '1' }, { stringValue: 'a' }] } } },
              { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } } },
            ],
          },
        ],
        'instrumentationLibrarySpans',
      ),
    );
    expect(batch.problems).toEqual([]);
    expect(batch.spans[0]).toMatchObject({
      traceId: '00000000000000006bba2abb44f13eae',
      spanId: '726b5e30102fc0d0',
      parentId: '398f0f21a3db99ae',
      kind: 'SPAN_KIND_SERVER',
      startNs: '1627471657255809024',
      endNs: '1627471657256268000',
      status: 'ERROR',
      statusMessage: 'boom',
      attributes: { list: [1, 'a'], map: { k: true } },
    });
  });

  it("reads Grafana Tempo's `batches` wrapper and pads a 64-bit hex trace id", () => {
    const value = { batches: [{ resource: {}, scopeSpans: [{ spans: [{ traceId: '6bba2abb44f13eae', spanId: '726b5e30102fc0d0', name: 'x' }] }] }] };
    expect(otlpJsonReader.matches(value)).toBe(true);
    expect(otlpJsonReader.read(value).spans[0]!.traceId).toBe('00000000000000006bba2abb44f13eae');
    expect(otlpJsonReader.matches({ batches: [{ size: 3 }] })).toBe(false);
  });

  it('an empty or all-zero parent is a root; a span without usable ids is a problem, the rest are read', () => {
    const batch = otlpJsonReader.read(
      request([
        { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: '', name: 'root' },
        { traceId: 'a'.repeat(32), spanId: 'c'.repeat(16), parentSpanId: '0000000000000000', name: 'root too' },
        { traceId: 'a'.repeat(32), name: 'no span id' },
        { traceId: '0'.repeat(32), spanId: 'd'.repeat(16), name: 'zero trace id' },
        { traceId: 'a'.repeat(32), spanId: 'e'.repeat(16), parentSpanId: 'not-an-id!', startTimeUnixNano: '12.5', status: { code: 7 }, kind: 9, name: 'odd' },
        'not a span',
      ]),
    );
    expect(batch.spans.map((s) => [s.name, s.parentId])).toEqual([
      ['root', null],
      ['root too', null],
      ['odd', null],
    ]);
    expect(batch.problems).toEqual([
      { jsonPath: '$.resourceSpans[0].scopeSpans[0].spans[2].spanId', expected: 'a span id (16 hex digits or base64 of 8 bytes)', found: 'nothing' },
      { jsonPath: '$.resourceSpans[0].scopeSpans[0].spans[3].traceId', expected: 'a trace id (32 hex digits or base64 of 16 bytes)', found: `string "${'0'.repeat(32)}"` },
      { jsonPath: '$.resourceSpans[0].scopeSpans[0].spans[4].parentSpanId', expected: 'a parent span id (16 hex digits or base64 of 8 bytes), or none', found: 'string "not-an-id!"' },
      { jsonPath: '$.resourceSpans[0].scopeSpans[0].spans[4].startTimeUnixNano', expected: 'nanoseconds since the epoch (decimal digits)', found: 'string "12.5"' },
      { jsonPath: '$.resourceSpans[0].scopeSpans[0].spans[4].status.code', expected: 'a status code (0-2 or STATUS_CODE_UNSET/OK/ERROR)', found: 'number 7' },
      { jsonPath: '$.resourceSpans[0].scopeSpans[0].spans[4].kind', expected: 'a span kind (0-5 or SPAN_KIND_*)', found: 'number 9' },
      { jsonPath: '$.resourceSpans[0].scopeSpans[0].spans[5]', expected: 'a span object', found: 'string "not a span"' },
    ]);
  });

  it('snake_case keys name the problem path as written', () => {
    const batch = otlpJsonReader.read({ resource_spans: [{ scope_spans: [{ spans: [{ trace_id: 'zz', span_id: 'b'.repeat(16) }] }] }] });
    expect(batch.problems.map((p) => p.jsonPath)).toEqual(['$.resource_spans[0].scope_spans[0].spans[0].trace_id']);
  });

  it('never throws on odd records', () => {
    for (const value of [{ resourceSpans: 'x' }, { resourceSpans: [null, 1, { scopeSpans: {} }, { scopeSpans: [{ spans: 'y' }] }] }, { resource_spans: [{ resource: 5 }] }]) {
      const batch = otlpJsonReader.read(value);
      expect(batch.spans).toEqual([]);
      expect(batch.problems.length).toBeGreaterThan(0);
    }
  });
});

describe('OTLP/JSON: other signals and near misses', () => {
  it.each([
    ['proto-example-logs.json', 'logs'],
    ['proto-example-metrics.json', 'metrics'],
  ])('%s is named in one line, not read', (file, what) => {
    const [record] = recordsOf(at(file));
    expect(readerFor(record)).toBeNull();
    expect(describeUnread(record)).toBe(`OTLP/JSON ${what}, not traces: tracetriage reads traces; export the traces (resourceSpans) of the same application instead`);
  });

  it('the recogniser says nothing of a trace request', () => {
    expect(otlpOtherSignals.describe(recordsOf(at('js-chat-batch-1.json'))[0])).toBeNull();
  });

  it.each(mlflowShapes())('does not match MLflow: $name', ({ value }) => {
    expect(otlpJsonReader.matches(value)).toBe(false);
    expect(otlpOtherSignals.describe(value)).toBeNull();
  });

  it.each(OTHER_FORMAT_SHAPES)('does not match $name', ({ value }) => {
    expect(otlpJsonReader.matches(value)).toBe(false);
  });

  it.each(recordsOf('test/fixtures/foreign/otel-console/python-console-chat.txt').map((value, i) => ({ i, value })))('does not match console span $i', ({ value }) =>
    expect(otlpJsonReader.matches(value)).toBe(false),
  );
});
