import { describe, expect, it } from 'vitest';
import { randomInts } from '../helpers/prng.js';
import { OversizedParseError, OversizedRecordParser, type OversizedResult } from '../../src/ingest/oversized.js';
import { type CutterOptions, ValueCutter } from '../../src/ingest/oversized/value-cutter.js';

type Event = { text: string } | { value: unknown; isArray: boolean; end: number };

/** Runs the cutter over `input` in chunks of `chunkSize` bytes; adjacent text is joined into one event. */
function cut(input: string, chunkSize: number, options: Partial<CutterOptions> = {}): Event[] {
  const events: Event[] = [];
  const cutter = new ValueCutter(
    {
      text: (bytes) => {
        const last = events[events.length - 1];
        if (last && 'text' in last) last.text += bytes.toString('latin1');
        else events.push({ text: bytes.toString('latin1') });
      },
      value: (value, isArray, end) => {
        events.push({ value, isArray, end });
      },
      // Skipping is the parser's business (tested below through it); never asked for here.
      skipString: () => false,
      skipped: () => {
        throw new Error('nothing was skipped');
      },
    },
    { maxValueBytes: 1000, maxStringBytes: 100, maxDepth: 4, skipStringAfter: 1e9, ...options },
  );
  const bytes = Buffer.from(input);
  for (let at = 0; at < bytes.length; at += chunkSize) cutter.push(bytes.subarray(at, at + chunkSize));
  cutter.finish();
  return events;
}

function parse(input: string, chunkSize: number, options?: { maxStringLength: number; excerptLength: number }): OversizedResult {
  const bytes = Buffer.from(input);
  const parser = new OversizedRecordParser(options);
  for (let at = 0; at < bytes.length; at += chunkSize) parser.push(bytes.subarray(at, at + chunkSize));
  return parser.finish();
}

const TRACE = '{"info": {"id": "t"}, "data": {"spans": [{"a": 1}, {"b": [2, "x\\"]"]}, 3, [4]]}}';

describe('ValueCutter', () => {
  const cases: Array<{ name: string; input: string; options?: Partial<CutterOptions>; events: Event[] }> = [
    {
      name: 'cuts each member of the top-level object when all are small',
      input: TRACE,
      events: [
        { text: '{"info": ' },
        { value: { id: 't' }, isArray: false, end: 20 },
        { text: ', "data": ' },
        { value: { spans: [{ a: 1 }, { b: [2, 'x"]'] }, 3, [4]] }, isArray: false, end: 79 },
        { text: '}' },
      ],
    },
    {
      name: 'looks into a container over maxValueBytes: each span is cut',
      input: TRACE,
      options: { maxValueBytes: 20 },
      events: [
        { text: '{"info": ' },
        { value: { id: 't' }, isArray: false, end: 20 },
        { text: ', "data": {"spans": [' },
        { value: { a: 1 }, isArray: false, end: 49 },
        { text: ', ' },
        { value: { b: [2, 'x"]'] }, isArray: false, end: 69 },
        { text: ', 3, ' },
        { value: [4], isArray: true, end: 77 },
        { text: ']}}' },
      ],
    },
    {
      name: 'gives up a container holding a string over maxStringBytes',
      input: '{"data": {"spans": [{"s": "0123456789ab"}, {"t": 1}]}}',
      options: { maxStringBytes: 10 },
      events: [{ text: '{"data": {"spans": [{"s": "0123456789ab"}, ' }, { value: { t: 1 }, isArray: false, end: 51 }, { text: ']}}' }],
    },
    {
      name: 'hands what JSON.parse rejects to the token path (NaN, malformed)',
      input: '{"a": [NaN], "b": {"c" 1}, "d": {}}',
      events: [{ text: '{"a": [NaN], "b": {"c" 1}, "d": ' }, { value: {}, isArray: false, end: 34 }, { text: '}' }],
    },
    {
      name: 'cuts nothing where no value is expected, nor deeper than maxDepth, nor the top-level value',
      input: '[{"a" {"b": 1}}, [[{"c": 2}]]]',
      options: { maxDepth: 1, maxValueBytes: 5 },
      events: [{ text: '[{"a" {"b": 1}}, [[{"c": 2}]]]' }],
    },
    {
      name: 'sends a container cut short by the end of the record as text',
      input: '{"a": {"b": [1, 2',
      events: [{ text: '{"a": {"b": [1, 2' }],
    },
  ];
  for (const { name, input, options, events } of cases) {
    for (const chunkSize of [1, 3, 4096]) {
      it(`${name} (${chunkSize}-byte chunks)`, () => {
        expect(cut(input, chunkSize, options)).toStrictEqual(events);
      });
    }
  }
});

describe('OversizedRecordParser with values cut out', () => {
  it('reads a trace bigger than the cut limit span by span, as JSON.parse does', () => {
    const spans = Array.from({ length: 2500 }, (_, i) => ({ span_id: `s${i}`, attributes: { 'mlflow.spanInputs': JSON.stringify({ text: 'é'.repeat(1000 + (i % 7)) }) } }));
    const text = JSON.stringify({ info: { trace_id: 'tr-1' }, data: { spans } });
    expect(Buffer.byteLength(text)).toBeGreaterThan(1 << 22);
    for (const chunkSize of [65536, 1 << 20]) {
      const result = parse(text, chunkSize);
      expect(result.value).toStrictEqual(JSON.parse(text));
      expect({ spanCount: result.spanCount, truncatedStrings: result.truncatedStrings, nonFiniteTokens: result.nonFiniteTokens }).toStrictEqual({
        spanCount: 2500,
        truncatedStrings: 0,
        nonFiniteTokens: 0,
      });
    }
  });

  it('still cuts an over-long string inside a span, and counts the spans around it', () => {
    const input = '{"data": {"spans": [{"s": "abcdefghijklmnop"}, {"t": "short"}]}}';
    for (const chunkSize of [1, 4096]) {
      const result = parse(input, chunkSize, { maxStringLength: 10, excerptLength: 4 });
      expect(result).toStrictEqual({
        value: { data: { spans: [{ s: 'abcd…[truncated: 12 more chars]' }, { t: 'short' }] } },
        truncatedStrings: 1,
        spanCount: 2,
        nonFiniteTokens: 0,
      });
    }
  });

  it('rewrites NaN inside a span the token path reads', () => {
    const result = parse('{"data": {"spans": [{"v": NaN}, {"w": -Infinity}]}}', 4096);
    expect(result).toStrictEqual({ value: { data: { spans: [{ v: null }, { w: -Infinity }] } }, truncatedStrings: 0, spanCount: 2, nonFiniteTokens: 2 });
  });

  it('reports malformed JSON inside a cut-out span at its exact byte and path', () => {
    const input = '{"data": {"spans": [{"a": 1}, {"b" 2}]}}';
    for (const chunkSize of [1, 4096]) {
      let error: unknown;
      try {
        parse(input, chunkSize);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(OversizedParseError);
      const { offset, expected, message } = error as OversizedParseError;
      expect({ offset, expected, message }).toStrictEqual({ offset: 35, expected: "':'", message: "unexpected '2' at byte 35 inside an object at $.data.spans[1]: expected ':'" });
    }
  });

  it('reports a byte after a cut-out span at its exact offset', () => {
    const input = '{"data": {"spans": [{"a": 1} {"b": 2}]}}';
    let error: unknown;
    try {
      parse(input, 4096);
    } catch (caught) {
      error = caught;
    }
    const { offset, message } = error as OversizedParseError;
    expect({ offset, message }).toStrictEqual({ offset: 29, message: "unexpected '{' at byte 29 inside an array at $.data.spans: expected ',' or ']'" });
  });
});

describe('OversizedRecordParser skipping the rest of a string being cut', () => {
  const options = { maxStringLength: 50, excerptLength: 10 };
  // Every kind of character: ASCII, 2- and 4-byte UTF-8, each escape, a surrogate pair by escapes (and, in
  // `body`, a byte that is no UTF-8, which refuses the record).
  const piece = Buffer.concat([Buffer.from('plain café 😀 \\n \\" \\\\ \\/ \\u00e9 \\ud83d\\ude00 \\t'), Buffer.from([0xff]), Buffer.from(' end ')]);
  const body = Buffer.concat(Array.from({ length: 400 }, () => piece));
  const valid = Buffer.concat(Array.from({ length: 400 }, () => piece.subarray(0, piece.indexOf(0xff))));
  const record = (tail: Buffer, text = body): Buffer => Buffer.concat([Buffer.from('{"data": {"spans": [{"s": "'), text, tail]);

  /** Chunk sizes with a boundary in every position of the repeated piece, and 1 (no skipping: the reference). */
  const sizes = [64, 97, 100, 1000, 4096];

  function outcome(input: Buffer, chunkSize: number): unknown {
    const parser = new OversizedRecordParser(options);
    try {
      for (let at = 0; at < input.length; at += chunkSize) parser.push(input.subarray(at, at + chunkSize));
      return parser.finish();
    } catch (error) {
      if (!(error instanceof OversizedParseError)) throw error;
      return { offset: error.offset, expected: error.expected, message: error.message };
    }
  }

  it('refuses a byte that is no UTF-8 inside the skipped run, at that byte', () => {
    const input = record(Buffer.from('"}, {"t": 1}]}}'));
    const at = input.indexOf(0xff);
    for (const chunkSize of [1, ...sizes]) {
      expect(outcome(input, chunkSize), `chunks of ${chunkSize}`).toStrictEqual({ offset: at, expected: 'UTF-8 text', message: `invalid UTF-8 byte 0xff at byte ${at}` });
    }
  });

  it('counts the skipped characters as JSON.parse reads them', () => {
    const input = record(Buffer.from('"}, {"t": 1}]}}'), valid);
    const full = (JSON.parse(input.toString('utf8')) as { data: { spans: Array<{ s: string }> } }).data.spans[0]?.s ?? '';
    const expected = { value: { data: { spans: [{ s: `${full.slice(0, 10)}…[truncated: ${full.length - 10} more chars]` }, { t: 1 }] } }, truncatedStrings: 1, spanCount: 2, nonFiniteTokens: 0 };
    for (const chunkSize of [1, ...sizes]) expect(outcome(input, chunkSize), `chunks of ${chunkSize}`).toStrictEqual(expected);
  });

  // `at`: the offending byte's index in `tail` (the end of the record: its length).
  const errors: Array<{ name: string; tail: string; at: number; expected: RegExp }> = [
    { name: 'a control character', tail: 'ab\u0001cd"}]}}', at: 2, expected: /^unexpected character U\+0001 at byte \d+ inside a string at \$\.data\.spans\[0\]\.s:/ },
    { name: 'an unknown escape', tail: 'ab\\qcd"}]}}', at: 2, expected: /at byte \d+ inside a string at \$\.data\.spans\[0\]\.s: expected a valid escape sequence/ },
    { name: 'a bad \\u escape', tail: 'ab\\u12x4"}]}}', at: 2, expected: /at byte \d+ inside a string at \$\.data\.spans\[0\]\.s: expected a valid escape sequence/ },
    { name: 'the end of the record inside the string', tail: 'abc', at: 3, expected: /^unexpected end of input inside a string at \$\.data\.spans\[0\]\.s:/ },
    { name: 'the end of the record inside an escape', tail: 'abc\\u00', at: 7, expected: /^unexpected end of input inside a string at \$\.data\.spans\[0\]\.s:/ },
  ];
  for (const { name, tail, at, expected } of errors) {
    it(`reports ${name} after a skipped run exactly as the token path does`, () => {
      const input = record(Buffer.from(tail), valid);
      const reference = outcome(input, 1) as { offset: number; message: string };
      expect(reference.message).toMatch(expected);
      expect(reference.offset).toBe(input.length - Buffer.byteLength(tail) + at);
      for (const chunkSize of sizes) expect(outcome(input, chunkSize), `chunks of ${chunkSize}`).toStrictEqual(reference);
    });
  }
});

describe('OversizedRecordParser: strings with runs of backslashes, at every chunk boundary', () => {
  // The cutter finds a string's end as the first quote after an even run of backslashes, counted
  // back to where it resumed: runs of 1 to 5 backslashes before quotes, cut by chunk boundaries.
  const next = randomInts(17);
  const pieces = ['\\\\', '\\"', '\\\\\\"', '\\\\\\\\', 'a', ' ', 'é', '\\n', '\\u0022', '\\\\\\\\\\"'];
  const text = (): string => Array.from({ length: 1 + next(30) }, () => pieces[next(pieces.length)]!).join('');
  const spans = Array.from({ length: 40 }, (_, i) => `{"name": "s${i}\\\\", "attributes": {"in": "${text()}", "out": "${text()}\\\\\\\\"}, "n": [${i}, "${text()}"]}`);
  const input = Buffer.from(`{"info": {"id": "x\\\\"}, "data": {"spans": [${spans.join(', ')}]}, "tail": "${text()}"}`);
  const expected = JSON.parse(input.toString('utf8')) as unknown;

  it('reads what JSON.parse reads, in chunks of 1 to 13 bytes and at once', () => {
    for (const size of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, input.length]) {
      const parser = new OversizedRecordParser();
      for (let at = 0; at < input.length; at += size) parser.push(input.subarray(at, at + size));
      const result = parser.finish();
      expect(result.value, `chunks of ${size}`).toStrictEqual(expected);
      expect(result.spanCount).toBe(40);
    }
  });

  it('cuts the spans out whole (read by JSON.parse), whatever the chunks', () => {
    for (const size of [1, 5, 64, 4096]) {
      const seen: unknown[] = [];
      const cutter = new ValueCutter(
        { text: () => {}, value: (value) => seen.push(value), skipString: () => false, skipped: () => {} },
        { maxValueBytes: 1 << 20, maxStringBytes: 1 << 20, maxDepth: 4, skipStringAfter: 1 << 20 },
      );
      for (let at = 0; at < input.length; at += size) cutter.push(input.subarray(at, at + size));
      cutter.finish();
      // `info`, then `data` whole (small enough): the same values JSON.parse gives.
      const whole = expected as { info: unknown; data: unknown };
      expect(seen, `chunks of ${size}`).toStrictEqual([whole.info, whole.data]);
    }
  });
});
