import { describe, expect, it } from 'vitest';
import { zipkinReader } from '../../src/model/foreign/zipkin.js';
import { foreignFixture, modelTrace, readFile, spanRows } from './foreign-helpers.js';

describe('Zipkin v2: zipkin-lens messaging-kafka.json (one span a record)', () => {
  const joined = readFile(zipkinReader, foreignFixture('zipkin/messaging-kafka.json'));
  const traceId = '00000000000000000562809467078eab';
  const spans = joined.spans.get(traceId)!;

  it('reads 28 spans of one trace (the 64-bit id padded), one root', () => {
    expect([...joined.spans.keys()]).toEqual([traceId]);
    expect(spans).toHaveLength(28);
    expect(spans.filter((s) => s.parentId === null)).toHaveLength(1);
    expect(joined.problems).toEqual([]);
  });

  it('marks the three spans with an error tag as ERROR, the tag value as message (empty when empty)', () => {
    expect(spanRows(spans.filter((s) => s.status === 'ERROR'))).toEqual([
      ['on-message', '2f77d5b0b8e0de35', 'b4a2a87ee7f003bc', 'ERROR', 'some error'],
      ['on-message', '4a64a63e4b58e665', 'a5524eec8147b1da', 'ERROR', 'some error'],
      ['on-message', '568b33e6af8a225a', '519d27c657334615', 'ERROR', ''],
    ]);
  });

  it('reads back as an MLflow trace of 28 spans', () => {
    const trace = modelTrace(joined, traceId);
    expect([trace.traceId, trace.spans.length, trace.spans.filter((s) => s.status === 'ERROR').length]).toEqual([`tr-${traceId}`, 28, 3]);
  });
});

describe('Zipkin v2: skew.json (a shared SERVER span reuses its CLIENT span id)', () => {
  const joined = readFile(zipkinReader, foreignFixture('zipkin/skew.json'));
  const spans = joined.spans.get('00000000000000001e223ff1f80f1c69')!;

  it('keeps both halves with the same id, the server half marked shared; kind only when given', () => {
    expect(spanRows(spans)).toEqual([
      ['async', '43210ae0c10d1234', '74280ae0c10d8062', 'UNSET', ''],
      ['post', '74280ae0c10d8062', 'bf396325699c84bf', 'UNSET', ''],
      ['get', 'bf396325699c84bf', null, 'UNSET', ''],
      ['post', '74280ae0c10d8062', 'bf396325699c84bf', 'UNSET', ''],
    ]);
    expect(spans.map((s) => [s.kind, s.attributes['zipkin.shared'], s.resource?.['service.name']])).toEqual([
      [undefined, undefined, 'serviceb'],
      ['SPAN_KIND_SERVER', true, 'serviceb'],
      ['SPAN_KIND_SERVER', undefined, 'servicea'],
      ['SPAN_KIND_CLIENT', undefined, 'servicea'],
    ]);
    expect([spans[0]!.startNs, spans[0]!.endNs]).toEqual(['1470150004008762000', '1470150004073762000']);
  });
});

describe('Zipkin v2: yelp.json (annotations)', () => {
  const joined = readFile(zipkinReader, foreignFixture('zipkin/yelp.json'));
  const spans = joined.spans.get('0000000000000000a03ee8fff1dcd9b9')!;

  it('reads 16 spans, the annotation as an event, the remote endpoint as peer attributes', () => {
    expect(spans).toHaveLength(16);
    const annotated = spans.filter((s) => s.events.length > 0);
    expect(annotated.map((s) => [s.name, s.events])).toEqual([['post api proxy proxy', [{ name: 'py_zipkin.logging_end', timeNs: '1571896375355436000', attributes: {} }]]]);
    expect([spans[0]!.name, spans[0]!.attributes['peer.service'], spans[0]!.attributes['net.peer.port']]).toEqual(['post', 'blt', 31882]);
  });
});

describe('Zipkin v2: zipkin2-chinese.json (a single span object, 128-bit trace id)', () => {
  const joined = readFile(zipkinReader, foreignFixture('zipkin/zipkin2-chinese.json'));

  it('reads the span with its error message and service', () => {
    const spans = joined.spans.get('4d1e00c0db9010db86154a4ba6e91385')!;
    expect(spanRows(spans)).toEqual([['个人信息查询', '4d1e00c0db9010db', '86154a4ba6e91385', 'ERROR', '此用户没有操作权限']]);
    expect([spans[0]!.kind, spans[0]!.resource]).toEqual(['SPAN_KIND_CLIENT', { 'service.name': '订单维护服务' }]);
  });
});

describe('Zipkin v2: records that are lists, and odd input', () => {
  const span = { traceId: 'a', id: 'b', name: 'n', timestamp: 10, duration: 5 };

  it('a record that is a list of spans is read whole', () => {
    const value = [span, { ...span, id: 'c', parentId: 'b' }];
    expect(zipkinReader.matches(value)).toBe(true);
    expect(spanRows(zipkinReader.read(value).spans)).toEqual([
      ['n', '000000000000000b', null, 'UNSET', ''],
      ['n', '000000000000000c', '000000000000000b', 'UNSET', ''],
    ]);
  });

  it('OTel status tags count as well as the error tag', () => {
    const [read] = zipkinReader.read({ ...span, tags: { 'otel.status_code': 'ERROR', 'otel.status_description': 'deadline' } }).spans;
    expect([read!.status, read!.statusMessage]).toEqual(['ERROR', 'deadline']);
  });

  it('a span in a list without a usable id is a problem at its index', () => {
    const batch = zipkinReader.read([span, { ...span, id: '0000000000000000' }]);
    expect(batch.spans).toHaveLength(1);
    expect(batch.problems).toEqual([{ jsonPath: '$[1].id', expected: 'a hex span id of 16 digits', found: 'string "0000000000000000"' }]);
  });
});
