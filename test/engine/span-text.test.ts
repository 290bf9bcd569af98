import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OversizedRecordParser } from '../../src/ingest/oversized.js';
import { restoreSpanText, SPILLED_TEXT_MIN, SpanTextSpill } from '../../src/engine/read/span-text.js';
import { filteredTraces } from '../../src/engine/read/filtered.js';
import { readTraces, SPILLING_MAX_RECORD_BYTES, spillingScanner, type ReadEvent } from '../../src/engine/read/read.js';
import { Attributes } from '../../src/model/attributes.js';
import { SpilledText } from '../../src/model/spilled-text.js';
import { detectSpanFormat } from '../../src/model/span.js';
import { pythonJsonDumps } from '../../src/query/python-json.js';
import { fixtureValue } from '../helpers/make-inputs.js';

const LONG = `{"messages": [${Array.from({ length: 60 }, (_, i) => `{"role": "user", "content": "question ${i} \\u00e9 caf\\u00e9"}`).join(', ')}]}`;

/** A span in MLflow 3's `to_dict` shape, its attributes JSON text as the Python SDK writes them. */
function span(name: string, attributes: Record<string, string>): Record<string, unknown> {
  return {
    name,
    span_id: 'AAAAAAAAAAE=',
    trace_id: 'AAAAAAAAAAAAAAAAAAAAAQ==',
    parent_span_id: null,
    start_time_unix_nano: 1,
    end_time_unix_nano: 2,
    events: [],
    status: { code: 'STATUS_CODE_OK', message: '' },
    attributes,
  };
}

function parse(record: unknown, options: ConstructorParameters<typeof OversizedRecordParser>[0], chunk = 97): unknown {
  const bytes = Buffer.from(JSON.stringify(record));
  const parser = new OversizedRecordParser(options);
  for (let i = 0; i < bytes.length; i += chunk) parser.push(bytes.subarray(i, i + chunk));
  return parser.finish().value;
}

describe('SpanTextSpill', () => {
  it('moves attribute strings of at least the minimum length to the file, in both attribute forms, and nothing else', () => {
    const spill = new SpanTextSpill(10);
    const object = span('call', { short: '"123456789"'.slice(0, 9), long: JSON.stringify(LONG), edge: 'x'.repeat(10) });
    spill.span(object);
    const attrs = object.attributes as Record<string, unknown>;
    expect(attrs.short).toBe('"12345678');
    expect(attrs.long).toBeInstanceOf(SpilledText);
    expect((attrs.long as SpilledText).text()).toBe(JSON.stringify(LONG));
    expect((attrs.long as SpilledText).length).toBe(JSON.stringify(LONG).length);
    expect(attrs.edge).toBeInstanceOf(SpilledText);
    const otlp = {
      attributes: [
        { key: 'in', value: { string_value: LONG } },
        { key: 'n', value: { int_value: 5 } },
        { key: 'camel', value: { stringValue: 'é'.repeat(20) } },
      ],
    };
    spill.span(otlp);
    expect(otlp.attributes[0]!.value.string_value).toBeInstanceOf(SpilledText);
    expect(otlp.attributes[1]!.value.int_value).toBe(5);
    expect((otlp.attributes[2]!.value.stringValue as unknown as SpilledText).text()).toBe('é'.repeat(20));
    expect(spill.spilled).toBe(4);
    // Put back in place for a reader of raw values.
    restoreSpanText({ data: { spans: [object] } });
    expect(attrs.long).toBe(JSON.stringify(LONG));
    restoreSpanText({ spans: [otlp] });
    expect(otlp.attributes[0]!.value.string_value).toBe(LONG);
  });
});

describe('a spilled attribute in the model', () => {
  const spill = new SpanTextSpill(1);
  const holder = span('call', { 'mlflow.spanInputs': JSON.stringify(LONG), 'mlflow.spanType': '"LLM"' });
  spill.span(holder);
  const raw = holder.attributes as Record<string, unknown>;

  it('reads back and decodes at each use, never cached', () => {
    const attributes = new Attributes(raw, true);
    const first = attributes.get('mlflow.spanInputs');
    expect(first).toEqual(JSON.parse(LONG));
    const second = attributes.get('mlflow.spanInputs');
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(attributes.getString('mlflow.spanType')).toBe('LLM');
    expect(attributes.rawValue('mlflow.spanInputs')).toBe(JSON.stringify(LONG));
    expect(attributes.rawValue('absent')).toBeUndefined();
    expect(attributes.rawTextLength()).toBe(JSON.stringify(LONG).length + '"LLM"'.length);
    expect(attributes.toObject()).toEqual({ 'mlflow.spanInputs': JSON.parse(LONG), 'mlflow.spanType': 'LLM' });
  });

  it('is text wherever raw values are looked at: the span format, JSON, Python json.dumps', () => {
    expect(detectSpanFormat(holder)).toBe('v3');
    expect(JSON.parse(JSON.stringify(holder))).toEqual(span('call', { 'mlflow.spanInputs': JSON.stringify(LONG), 'mlflow.spanType': '"LLM"' }));
    expect(pythonJsonDumps(raw)).toBe(pythonJsonDumps({ 'mlflow.spanInputs': JSON.stringify(LONG), 'mlflow.spanType': '"LLM"' }));
  });
});

describe('OversizedRecordParser: every span is handed over once it is whole', () => {
  const spans = [span('a', { x: '1' }), span('b', { y: JSON.stringify(LONG) }), span('c', { z: '"' + 'w'.repeat(3000) + '"' })];
  const record = { info: { trace_id: 'tr-1' }, data: { spans } };

  for (const [name, options] of [
    ['spans cut out and read by JSON.parse', { maxValueBytes: 1 << 20 }],
    ['spans read token by token (each bigger than a cut-out value)', { maxValueBytes: 64 }],
    ['the record read whole (small enough to be one value)', { maxValueBytes: 1 << 20, maxStringLength: 1 << 20 }],
  ] as const) {
    it(name, () => {
      const seen: string[] = [];
      const value = parse(record, { ...options, onSpan: (s) => seen.push(String(s.name)) }) as typeof record;
      expect(seen).toEqual(['a', 'b', 'c']);
      expect(value).toEqual(record);
    });
  }

  it('with a spill, only the long strings are left in the file', () => {
    const spill = new SpanTextSpill(SPILLED_TEXT_MIN);
    const value = parse(record, { onSpan: (s) => spill.span(s) }) as { data: { spans: Array<{ attributes: Record<string, unknown> }> } };
    expect(value.data.spans[0]!.attributes.x).toBe('1');
    expect(value.data.spans[1]!.attributes.y).toBeInstanceOf(SpilledText);
    expect(value.data.spans[2]!.attributes.z).toBeInstanceOf(SpilledText);
    expect(JSON.parse(JSON.stringify(value))).toEqual(record);
  });
});

describe('readers: which keep the long strings in a file', () => {
  // A trace of two spans, one given an input over SPILLED_TEXT_MIN (event attributes stay in place).
  const record = fixtureValue('v3.6_trace_error.json') as { data: { spans: Array<{ attributes: Record<string, string> }> } };
  record.data.spans[1]!.attributes['mlflow.spanInputs'] = JSON.stringify(LONG);
  const line = Buffer.from(`${JSON.stringify(record)}\n`);
  // In chunks: a record whole in one chunk is never held, so never handed over.
  const chunks = (): Buffer[] => Array.from({ length: Math.ceil(line.length / 64) }, (_, i) => line.subarray(i * 64, i * 64 + 64));
  const spilled = (events: ReadEvent[]): number =>
    events.flatMap((e) => (e.type === 'trace' ? e.trace.spans.map((s) => Object.values(s.attributes.raw).filter((v) => v instanceof SpilledText).length) : [])).reduce((a, b) => a + b, 0);
  const collect = async (events: AsyncIterable<ReadEvent>): Promise<ReadEvent[]> => {
    const out: ReadEvent[] = [];
    for await (const e of events) out.push(e);
    return out;
  };

  it('a reader that shows the record (readTraces) keeps them in place', async () => {
    const events = await collect(readTraces(['-'], { stdin: Readable.from(chunks()), scanner: { maxRecordBytes: 100 } }));
    expect(events.filter((e) => e.type === 'trace')).toHaveLength(1);
    // Read span by span (no bytes kept), its strings in place.
    expect(events.find((e) => e.type === 'trace' && e.bytes.length === 0)).toBeDefined();
    expect(spilled(events)).toBe(0);
  });

  it('a reader of summaries (spillingScanner) puts them in the file, and reads the rest the same', async () => {
    const whole = await collect(filteredTraces(['-'], { stdin: Readable.from(chunks()) }));
    const events = await collect(filteredTraces(['-'], { stdin: Readable.from(chunks()), scanner: spillingScanner({ maxRecordBytes: 100 }) }));
    expect(spilled(events)).toBe(1);
    const [a, b] = [whole, events].map((list) => list.find((e) => e.type === 'trace')!);
    if (a?.type !== 'trace' || b?.type !== 'trace') throw new Error('no trace read');
    expect([a.bytes.length > 0, b.bytes.length]).toEqual([true, 0]);
    expect(b.trace.spans.map((s) => s.attributes.toObject())).toEqual(a.trace.spans.map((s) => s.attributes.toObject()));
  });

  it('hands records over at 32 MiB unless told otherwise', () => {
    expect(spillingScanner(undefined)).toEqual({ maxRecordBytes: SPILLING_MAX_RECORD_BYTES, spillSpanText: true });
    expect(SPILLING_MAX_RECORD_BYTES).toBe(32 << 20);
    expect(spillingScanner({ maxRecordBytes: 5 })).toEqual({ maxRecordBytes: 5, spillSpanText: true });
  });
});
