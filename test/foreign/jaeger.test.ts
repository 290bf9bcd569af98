import { describe, expect, it } from 'vitest';
import { jaegerReader } from '../../src/model/foreign/jaeger.js';
import { foreignFixture, modelTrace, readFile, spanRows, turnText } from './foreign-helpers.js';

describe('Jaeger JSON: jaeger-ui genaiTestTrace.json (a bare trace, the UI download)', () => {
  const joined = readFile(jaegerReader, foreignFixture('jaeger/jaeger-ui_genai-trace.json'));
  const traceId = '4a1b2c3d4e5f60718293a4b5c6d7e8f9';
  const spans = joined.spans.get(traceId)!;

  it('reads all 57 spans of the one trace, one root, parents from CHILD_OF references', () => {
    expect([...joined.spans.keys()]).toEqual([traceId]);
    expect(spans).toHaveLength(57);
    expect(joined.problems).toEqual([]);
    expect(spans.filter((s) => s.parentId === null).map((s) => s.spanId)).toEqual(['0000000000000001']);
    expect(spanRows(spans.slice(0, 3))).toEqual([
      ['POST /api/graphql', '0000000000000001', null, 'UNSET', ''],
      ['Query.assistantReply', '0000000000000002', '0000000000000001', 'UNSET', ''],
      ['graphql.execution', '0000000000000003', '0000000000000002', 'UNSET', ''],
    ]);
  });

  it('turns microseconds into nanosecond digits, span.kind into the kind, the process into the resource', () => {
    const [root] = spans;
    expect([root!.startNs, root!.endNs, root!.kind, root!.resource]).toEqual(['1770000000001000000', '1770000044001000000', 'SPAN_KIND_SERVER', { 'service.name': 'api-edge' }]);
    expect(root!.attributes).toEqual({ 'http.request.method': 'POST', 'http.route': '/api/graphql', 'http.response.status_code': 200 });
  });

  it('marks the span with error=true as ERROR', () => {
    expect(spans.filter((s) => s.status === 'ERROR').map((s) => [s.name, s.statusMessage])).toEqual([['GET /api/v1/pods', '']]);
  });

  it('reads back as an MLflow trace whose turn is the chat span below the HTTP wrappers', () => {
    const trace = modelTrace(joined, traceId);
    expect([trace.traceId, trace.spans.length, trace.info.tags['service.name']]).toEqual([`tr-${traceId}`, 57, 'api-edge']);
    expect(turnText(trace)).toEqual({
      span: 'chat model-a',
      input: 'Why did the checkout latency regress this afternoon?',
      output: 'Latency rose with a slow pod rollout. Checking the dashboards and traces now.',
    });
  });
});

describe('Jaeger JSON: the query service answer {data, total, limit, offset, errors}', () => {
  const joined = readFile(jaegerReader, foreignFixture('jaeger/jaeger_api-traces-response.json'));
  const spans = joined.spans.get('83a9efd15c1c98a977e0711cc93ee28b')!;

  it('reads both spans (the file holds one span twice) with their parent outside the file', () => {
    expect(spanRows(spans)).toEqual([
      ['okey-dokey-0', 'e127af99e3b3e074', '909541b92cf05311', 'UNSET', ''],
      ['okey-dokey-0', 'e127af99e3b3e074', '909541b92cf05311', 'UNSET', ''],
    ]);
    expect([spans[0]!.startNs, spans[0]!.endNs, spans[0]!.resource]).toEqual(['1706678909209712000', '1706678909209835000', { 'service.name': 'telemetrygen' }]);
    expect(joined.problems).toEqual([]);
  });
});

describe('Jaeger JSON: the UI model converter fixture ui_01.json', () => {
  const joined = readFile(jaegerReader, foreignFixture('jaeger/jaeger_uimodel-ui_01.json'));
  const spans = joined.spans.get('00000000000000000000000000000001')!;

  it('pads the 64-bit trace id, skips a reference into another trace, follows the first CHILD_OF', () => {
    expect([...joined.spans.keys()]).toEqual(['00000000000000000000000000000001']);
    expect(spanRows(spans)).toEqual([
      ['test-general-conversion', '0000000000000002', null, 'UNSET', ''],
      ['some-operation', '0000000000000002', null, 'ERROR', ''],
      ['some-operation', '0000000000000003', '0000000000000002', 'UNSET', ''],
      ['reference-test', '0000000000000004', '0000000000000002', 'UNSET', ''],
      ['preserveParentID-test', '0000000000000005', '0000000000000004', 'UNSET', ''],
    ]);
  });

  it('keeps an int64 beyond 2^53 as its digits, a binary tag as base64, warnings as an attribute', () => {
    expect(spans[1]!.attributes).toEqual({
      'peer.service': 'service-y',
      'peer.ipv4': 23456,
      error: true,
      temperature: 72.5,
      javascript_limit: '9223372036854775222',
      blob: 'AAAwOQ==',
    });
    expect(spans[3]!.attributes).toEqual({ 'jaeger.warnings': ['some span warning'] });
  });

  it('turns logs into events named by their event field', () => {
    expect(spans[0]!.events).toEqual([
      { name: 'some-event', timeNs: '1485467191639875000', attributes: {} },
      { name: 'log', timeNs: '1485467191639875000', attributes: { x: 'y' } },
    ]);
  });
});

describe('Jaeger JSON: the anonymizer span list (one span a record, process embedded)', () => {
  const joined = readFile(jaegerReader, foreignFixture('jaeger/jaeger_anonymizer-span-list.json'));
  const spans = joined.spans.get('00000000000000002be38093ead7a083')!;

  it('reads each span alone, with its own process, and error "true" (a string) as ERROR', () => {
    expect(spanRows(spans)).toEqual([
      ['a071653098f9250d', '7606ddfe69932d34', '492770a15935810f', 'UNSET', ''],
      ['471418097747d04a', '7bd66f09ba90ea3d', '7606ddfe69932d34', 'ERROR', ''],
    ]);
    expect(spans.map((s) => [s.kind, s.resource])).toEqual([
      ['SPAN_KIND_SERVER', { 'service.name': '16af988c443cff37' }],
      ['SPAN_KIND_CLIENT', { 'service.name': '3c220036602f839e' }],
    ]);
  });
});

describe('Jaeger JSON: status, exceptions and odd input', () => {
  const span = (extra: Record<string, unknown>): Record<string, unknown> => ({
    traceID: 'ab',
    spanID: 'cd',
    operationName: 'op',
    references: [],
    startTime: 1,
    duration: 2,
    tags: [],
    logs: [],
    ...extra,
  });
  const readOne = (extra: Record<string, unknown>) => jaegerReader.read({ data: [{ traceID: 'ab', spans: [span(extra)], processes: {} }] });

  it.each([
    [
      'otel.status_code ERROR with its description',
      [
        { key: 'otel.status_code', type: 'string', value: 'ERROR' },
        { key: 'otel.status_description', type: 'string', value: 'boom' },
      ],
      'ERROR',
      'boom',
    ],
    ['otel.status_code OK', [{ key: 'otel.status_code', type: 'string', value: 'OK' }], 'OK', ''],
    ['error=false', [{ key: 'error', type: 'bool', value: false }], 'UNSET', ''],
  ])('%s', (_label, tags, status, message) => {
    const [read] = readOne({ tags }).spans;
    expect([read!.status, read!.statusMessage]).toEqual([status, message]);
  });

  it('an exception log keeps its OTel keys and gives the ERROR its message', () => {
    const [read] = readOne({
      tags: [{ key: 'error', type: 'bool', value: true }],
      logs: [
        {
          timestamp: 3,
          fields: [
            { key: 'event', type: 'string', value: 'exception' },
            { key: 'exception.type', type: 'string', value: 'ValueError' },
            { key: 'exception.message', type: 'string', value: 'bad' },
          ],
        },
      ],
    }).spans;
    expect([read!.status, read!.statusMessage, read!.events]).toEqual([
      'ERROR',
      'bad',
      [{ name: 'exception', timeNs: '3000', attributes: { 'exception.type': 'ValueError', 'exception.message': 'bad' } }],
    ]);
  });

  it('an OpenTracing error log becomes an exception event', () => {
    const [read] = readOne({
      logs: [
        {
          timestamp: 3,
          fields: [
            { key: 'event', value: 'error' },
            { key: 'error.kind', value: 'Timeout' },
            { key: 'message', value: 'took too long' },
            { key: 'stack', value: 'at x' },
          ],
        },
      ],
    }).spans;
    expect(read!.events[0]).toEqual({
      name: 'exception',
      timeNs: '3000',
      attributes: { 'error.kind': 'Timeout', message: 'took too long', stack: 'at x', 'exception.type': 'Timeout', 'exception.message': 'took too long', 'exception.stacktrace': 'at x' },
    });
  });

  it('a span without a usable id is a problem with its path; the others are read; query errors are problems', () => {
    const batch = jaegerReader.read({
      data: [{ traceID: 'ab', spans: [span({ spanID: 'not hex' }), span({ spanID: 'ef' })], processes: {} }],
      errors: [{ code: 404, msg: 'trace not found' }],
    });
    expect(batch.spans.map((s) => s.spanId)).toEqual(['00000000000000ef']);
    expect(batch.problems).toEqual([
      { jsonPath: '$.data[0].spans[0].spanID', expected: 'a hex span id of 16 digits', found: 'string "not hex"' },
      { jsonPath: '$.errors[0]', expected: 'a trace (the query service reported an error instead)', found: 'trace not found' },
    ]);
  });
});
