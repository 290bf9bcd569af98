import { describe, expect, it } from 'vitest';
import { readerFor } from '../../src/model/foreign/index.js';
import { otelConsoleReader } from '../../src/model/foreign/otel-console.js';
import { decodeOtelId, nanosFromIso, spanKindName } from '../../src/model/foreign/values.js';
import { otlpJsonReader } from '../../src/model/foreign/otlp.js';
import { batchesOf, factsOf, joinTraces, mlflowShapes, OTHER_FORMAT_SHAPES, parentsOf, recordsOf, PYTHON_RUN } from './otel-helpers.js';

const CONSOLE = 'test/fixtures/foreign/otel-console/python-console-chat.txt';
// The same run's spans, written by the OTLP JSON file exporter beside the console exporter.
const SAME_RUN_OTLP = 'test/fixtures/foreign/otlp/python-file-exporter-chat.jsonl';
const [TURN_1, TURN_2] = PYTHON_RUN.turns;

describe('OpenTelemetry console reader: the Python SDK ConsoleSpanExporter fixture', () => {
  const records = recordsOf(CONSOLE);

  it('is six concatenated pretty-printed spans, each read by this reader without problems', () => {
    expect(records).toHaveLength(6);
    for (const record of records) {
      expect(readerFor(record)).toBe(otelConsoleReader);
      const batch = otelConsoleReader.read(record);
      expect(batch.problems).toEqual([]);
      expect(batch.spans).toHaveLength(1);
    }
  });

  it('reads ids, parents, kinds, statuses, microsecond times and the resource', () => {
    const spans = batchesOf(otelConsoleReader, CONSOLE).flatMap((b) => b.spans);
    expect(spans.map((s) => [s.traceId, s.name, s.kind, s.status, s.statusMessage])).toEqual([
      [TURN_1, 'lookup_order', 'SPAN_KIND_INTERNAL', 'UNSET', ''],
      [TURN_1, 'chat gpt-4o-mini', 'SPAN_KIND_CLIENT', 'UNSET', ''],
      [TURN_1, 'chat_turn', 'SPAN_KIND_INTERNAL', 'OK', ''],
      [TURN_2, 'lookup_order', 'SPAN_KIND_INTERNAL', 'UNSET', ''],
      [TURN_2, 'chat gpt-4o-mini', 'SPAN_KIND_CLIENT', 'ERROR', 'ModelTimeout: model did not answer within 30 s'],
      [TURN_2, 'chat_turn', 'SPAN_KIND_INTERNAL', 'ERROR', 'ModelTimeout: model did not answer within 30 s'],
    ]);
    expect(parentsOf(spans.filter((s) => s.traceId === TURN_1))).toEqual({
      '26876ade323dbda2': '912747acc8c910ee',
      e57bf2b27a87efd5: '912747acc8c910ee',
      '912747acc8c910ee': null,
    });
    // "2026-12-04T03:12:20.881817Z" to "…20.881845Z", digit for digit.
    expect(spans[0]).toMatchObject({ startNs: '1796353940881817000', endNs: '1796353940881845000' });
    expect(spans[0]!.events).toEqual([{ name: 'cache.miss', timeNs: '1796353940881835000', attributes: { 'cache.key': 'order:A-1187' } }]);
    expect(spans[1]!.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 21, 'gen_ai.response.finish_reasons': ['stop'] });
    expect(spans[0]!.resource).toMatchObject({ 'service.name': 'chat-app', 'deployment.environment': 'test', 'telemetry.sdk.language': 'python' });
    const exception = spans[4]!.events.find((e) => e.name === 'exception')!;
    expect(exception.attributes).toMatchObject({ 'exception.type': '__main__.ModelTimeout', 'exception.message': 'model did not answer within 30 s' });
    expect(String(exception.attributes['exception.stacktrace'])).toMatch(/^Traceback \(most recent call last\):\n/);
  });

  it('joins into two traces of one session with their turn I/O', () => {
    const joined = joinTraces(batchesOf(otelConsoleReader, CONSOLE));
    expect([...joined.keys()]).toEqual(PYTHON_RUN.turns);
    expect(PYTHON_RUN.turns.map((id) => factsOf(joined.get(id)!))).toEqual(PYTHON_RUN.facts);
  });

  it("agrees with the OTLP file exporter's copy of the same run, times to the microsecond the console prints", () => {
    const fromConsole = batchesOf(otelConsoleReader, CONSOLE).flatMap((b) => b.spans);
    const fromOtlp = batchesOf(otlpJsonReader, SAME_RUN_OTLP).flatMap((b) => b.spans);
    expect(fromConsole).toHaveLength(fromOtlp.length);
    fromOtlp.forEach((otlp, i) => {
      const con = fromConsole[i]!;
      const { 'otel.scope.name': scope, 'otel.scope.version': _version, ...attributes } = otlp.attributes;
      expect(scope).toBe('chat-app.agent');
      expect({ ...con, startNs: null, endNs: null, events: con.events.map((e) => ({ ...e, timeNs: null })) }).toEqual({
        ...otlp,
        attributes,
        startNs: null,
        endNs: null,
        events: otlp.events.map((e) => ({ ...e, timeNs: null })),
      });
      // The SDK prints a float's microseconds: within a microsecond or so of the nanoseconds.
      const pairs: Array<[string | null, string | null]> = [
        [con.startNs, otlp.startNs],
        [con.endNs, otlp.endNs],
        ...con.events.map((e, j): [string | null, string | null] => [e.timeNs, otlp.events[j]!.timeNs]),
      ];
      for (const [a, b] of pairs) expect(Math.abs(Number(BigInt(a!) - BigInt(b!)))).toBeLessThan(2000);
    });
  });
});

describe('OpenTelemetry console reader: shapes and bad values', () => {
  const span = (over: Record<string, unknown>): Record<string, unknown> => ({
    name: 'x',
    context: { trace_id: `0x${'a'.repeat(32)}`, span_id: `0x${'b'.repeat(16)}`, trace_state: '[]' },
    kind: 'SpanKind.SERVER',
    parent_id: null,
    start_time: '2024-01-11T16:45:17.982858-07:00',
    end_time: null,
    status: { status_code: 'UNSET' },
    attributes: {},
    events: [],
    links: [],
    resource: { attributes: {}, schema_url: '' },
    ...over,
  });

  it('reads an offset time exactly and keeps what it could not read as problems', () => {
    const batch = otelConsoleReader.read(span({ parent_id: 'nope', end_time: '2024-13-01T00:00:00Z', status: { status_code: 'FINE' }, events: [1], kind: 'SpanKind.WEIRD' }));
    expect(batch.spans[0]).toMatchObject({ startNs: '1705016717982858000', endNs: null, parentId: null, status: 'UNSET' });
    expect(batch.problems).toEqual([
      { jsonPath: '$.parent_id', expected: 'a parent span id (0x and 16 hex digits), or null', found: 'string "nope"' },
      { jsonPath: '$.end_time', expected: 'an ISO 8601 time with a zone (2026-01-02T03:04:05.123456Z)', found: 'string "2024-13-01T00:00:00Z"' },
      { jsonPath: '$.status.status_code', expected: 'UNSET, OK or ERROR', found: 'string "FINE"' },
      { jsonPath: '$.events[0]', expected: 'an event object', found: 'number 1' },
      { jsonPath: '$.kind', expected: 'a span kind (SpanKind.INTERNAL, SERVER, CLIENT, PRODUCER or CONSUMER)', found: 'string "SpanKind.WEIRD"' },
    ]);
  });

  it('a span without a usable span id is a problem, not a span', () => {
    const batch = otelConsoleReader.read(span({ context: { trace_id: `0x${'a'.repeat(32)}`, span_id: '0x0000000000000000' } }));
    expect(batch.spans).toEqual([]);
    expect(batch.problems).toEqual([{ jsonPath: '$.context.span_id', expected: 'a span id (0x and 16 hex digits)', found: 'string "0x0000000000000000"' }]);
  });

  it.each(mlflowShapes())('does not match MLflow: $name', ({ value }) => {
    expect(otelConsoleReader.matches(value)).toBe(false);
  });

  it.each(OTHER_FORMAT_SHAPES)('does not match $name', ({ value }) => {
    expect(otelConsoleReader.matches(value)).toBe(false);
  });
});

describe('OTel value decoders', () => {
  it.each([
    ['0x5B8EFFF798038103D269B633813FC60C', 16, '5b8efff798038103d269b633813fc60c'],
    ['W47/95gDgQPSabYzgT/GDA==', 16, '5b8efff798038103d269b633813fc60c'],
    ['6bba2abb44f13eae', 16, '00000000000000006bba2abb44f13eae'],
    ['cmteMBAvwNA=', 8, '726b5e30102fc0d0'],
    ['cmteMBAvwNA', 8, '726b5e30102fc0d0'],
    ['0'.repeat(16), 8, null],
    ['5b8efff798038103d269b633813fc60c', 8, null],
    ['', 8, null],
    [42, 8, null],
  ] as const)('decodeOtelId(%j, %i) = %j', (value, bytes, hex) => {
    expect(decodeOtelId(value, bytes)).toBe(hex);
  });

  it.each([
    ['2026-12-04T03:12:20.881817Z', '1796353940881817000'],
    ['2026-12-04T03:12:20Z', '1796353940000000000'],
    ['2026-12-04T05:12:20.123456789+02:00', '1796353940123456789'],
    ['1970-01-01T00:00:00.000001Z', '1000'],
    ['2026-12-04 03:12:20.5z', '1796353940500000000'],
    // No zone: read as UTC (Langfuse's ClickHouse times are written so).
    ['2026-12-04T03:12:20.881817', '1796353940881817000'],
    ['2026-02-31T00:00:00Z', null],
    ['not a time', null],
    [1796353940, null],
  ] as const)('nanosFromIso(%j) = %j', (value, nanos) => {
    expect(nanosFromIso(value)).toBe(nanos);
  });

  it.each([
    [3, 'SPAN_KIND_CLIENT'],
    ['SPAN_KIND_PRODUCER', 'SPAN_KIND_PRODUCER'],
    ['SpanKind.CONSUMER', 'SPAN_KIND_CONSUMER'],
    [6, undefined],
    ['client-ish', undefined],
  ] as const)('spanKindName(%j) = %j', (value, name) => {
    expect(spanKindName(value)).toBe(name);
  });
});
