import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OversizedParseError, OversizedRecordParser, type OversizedOptions, type OversizedResult } from '../../src/ingest/oversized.js';
import { thrown } from '../helpers/thrown.js';

const FIXTURE = readFileSync(new URL('../fixtures/v3.6_trace_ok_assessments_session.json', import.meta.url));

/** Feeds `input` in chunks of `chunkSize` bytes and finishes the record. */
function parse(input: string | Buffer, chunkSize: number, options?: Partial<OversizedOptions>): OversizedResult {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const parser = new OversizedRecordParser(options);
  for (let at = 0; at < bytes.length; at += chunkSize) parser.push(bytes.subarray(at, at + chunkSize));
  return parser.finish();
}

/**
 * Leading whitespace that makes the first chunk big enough to be parsed at once: the parser
 * gathers small chunks into 64 Ki batches, so without it a small record is parsed in one piece
 * however it is chunked, and boundary handling would go untested.
 */
const PAD = Buffer.from(' '.repeat(1 << 16));

/** Feeds `PAD + input[0, at)` and then `input[at, end)`: one real chunk boundary at byte `at`. */
function parseSplit(input: string | Buffer, at: number, options?: Partial<OversizedOptions>): OversizedResult {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const parser = new OversizedRecordParser(options);
  parser.push(Buffer.concat([PAD, bytes.subarray(0, at)]));
  parser.push(bytes.subarray(at));
  return parser.finish();
}

/** Every byte position strictly inside `input`, for {@link parseSplit}. */
function splits(input: string, step = 1): number[] {
  const length = Buffer.byteLength(input);
  const out: number[] = [];
  for (let at = 1; at < length; at += step) out.push(at);
  return out;
}

function errorOf(run: () => unknown): OversizedParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof OversizedParseError) return error;
    throw error;
  }
  throw new Error('expected an OversizedParseError');
}

function parseError(input: string | Buffer, chunkSize: number): OversizedParseError {
  return errorOf(() => parse(input, chunkSize));
}

const fixture = JSON.parse(FIXTURE.toString('utf8')) as { info: unknown; data: { spans: unknown[] } };

describe('OversizedRecordParser: record shapes', () => {
  const restBody = JSON.stringify({ trace: { trace_info: fixture.info, spans: fixture.data.spans } }, null, 2);
  const artifact = JSON.stringify({ spans: fixture.data.spans });
  const dataFirst = JSON.stringify({ data: fixture.data, info: fixture.info }, null, 1);
  const cases: Array<{ name: string; text: string; spans: number }> = [
    { name: 'a 3.6 trace fixture', text: FIXTURE.toString('utf8'), spans: 3 },
    { name: 'a REST body', text: restBody, spans: 3 },
    { name: 'a traces.json artifact', text: artifact, spans: 3 },
    { name: 'a trace with data before info', text: dataFirst, spans: 3 },
    { name: 'a top-level array (generic)', text: JSON.stringify([fixture]), spans: 0 },
    { name: 'spans below the known places', text: JSON.stringify({ info: { spans: [{}, {}] }, x: { data: { spans: [{}] } } }), spans: 0 },
    { name: 'non-object span elements', text: '{"spans": [{"a": 1}, 2, null, [3], {"b": {"c": [4]}}]}', spans: 2 },
    { name: 'an empty spans array', text: '{"info": {}, "data": {"spans": []}}', spans: 0 },
    { name: 'a top-level scalar', text: '  -12.5e3 ', spans: 0 },
  ];
  for (const { name, text, spans } of cases) {
    for (const chunkSize of [1, 7, 4096]) {
      it(`assembles ${name} in ${chunkSize}-byte chunks`, () => {
        const result = parse(text, chunkSize);
        expect(result.value).toStrictEqual(JSON.parse(text));
        expect(result).toMatchObject({ spanCount: spans, truncatedStrings: 0, nonFiniteTokens: 0 });
      });
    }
  }

  const manySpans = JSON.stringify({ info: fixture.info, data: { spans: Array.from({ length: 100 }, (_, i) => fixture.data.spans[i % 3]) } }, null, 2);
  for (const chunkSize of [1, 7, 4096]) {
    it(`assembles a 100-span trace bigger than one batch in ${chunkSize}-byte chunks`, () => {
      const result = parse(manySpans, chunkSize);
      expect(result.value).toStrictEqual(JSON.parse(manySpans));
      expect(result).toMatchObject({ spanCount: 100, truncatedStrings: 0, nonFiniteTokens: 0 });
    });
  }

  it('assembles the fixture split at every 29th byte', () => {
    const text = FIXTURE.toString('utf8');
    for (const at of splits(text, 29)) {
      const result = parseSplit(text, at);
      expect(result.value, `split at ${at}`).toStrictEqual(JSON.parse(text));
      expect(result.spanCount).toBe(3);
    }
  });

  it('accepts and skips a leading byte-order mark', () => {
    expect(parse('\uFEFF{"a": [1]}', 1).value).toStrictEqual({ a: [1] });
  });

  it('keeps a __proto__ member as an own property, as JSON.parse does', () => {
    const text = '{"__proto__": {"x": 1}, "y": 2}';
    const value = parse(text, 3).value as Record<string, unknown>;
    expect(value).toStrictEqual(JSON.parse(text));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toStrictEqual(['__proto__', 'y']);
  });
});

describe('OversizedRecordParser: string cutting', () => {
  const limits = { maxStringLength: 1000, excerptLength: 100 };
  const big = 'abcdefghij'.repeat(500_000); // 5 MB
  const text = JSON.stringify({
    info: { trace_id: 'tr-1' },
    data: { spans: [{ name: 'root', attributes: { 'mlflow.spanInputs': big, small: 'ok' } }, { name: 'child' }] },
  });

  for (const chunkSize of [65536, 1 << 20]) {
    it(`cuts a 5 MB span attribute to its excerpt (${chunkSize}-byte chunks)`, () => {
      const result = parse(text, chunkSize, limits);
      const expected = JSON.parse(text) as { data: { spans: Array<{ attributes: Record<string, string> }> } };
      const attributes = expected.data.spans[0]?.attributes;
      if (!attributes) throw new Error('bad test data');
      attributes['mlflow.spanInputs'] = `${big.slice(0, 100)}…[truncated: 4999900 more chars]`;
      expect(result).toStrictEqual({ value: expected, truncatedStrings: 1, spanCount: 2, nonFiniteTokens: 0 });
    });
  }

  const cases: Array<{ name: string; text: string; expected: unknown; truncated: number }> = [
    { name: 'a string of exactly the limit', text: JSON.stringify(['x'.repeat(1000)]), expected: ['x'.repeat(1000)], truncated: 0 },
    {
      name: 'a string one over the limit',
      text: JSON.stringify(['x'.repeat(1001)]),
      expected: [`${'x'.repeat(100)}…[truncated: 901 more chars]`],
      truncated: 1,
    },
    {
      name: 'escapes counted as the characters they stand for',
      text: JSON.stringify(['\n"'.repeat(600)]),
      expected: [`${'\n"'.repeat(50)}…[truncated: 1100 more chars]`],
      truncated: 1,
    },
    {
      name: 'a surrogate pair at the cut kept whole (dropped, not split)',
      text: JSON.stringify([`${'y'.repeat(99)}😀${'z'.repeat(1000)}`]),
      expected: [`${'y'.repeat(99)}…[truncated: 1002 more chars]`],
      truncated: 1,
    },
    {
      name: 'an over-long key',
      text: JSON.stringify({ ['k'.repeat(2000)]: 1 }),
      expected: { [`${'k'.repeat(100)}…[truncated: 1900 more chars]`]: 1 },
      truncated: 1,
    },
  ];
  for (const { name, text: input, expected, truncated } of cases) {
    for (const chunkSize of [1, 97, 1 << 16]) {
      it(`handles ${name} (${chunkSize}-byte chunks)`, () => {
        const result = parse(input, chunkSize, limits);
        expect(result.value).toStrictEqual(expected);
        expect(result.truncatedStrings).toBe(truncated);
      });
    }
    it(`handles ${name} split at every 7th byte`, () => {
      for (const at of splits(input, 7)) {
        const result = parseSplit(input, at, limits);
        expect(result.value, `split at ${at}`).toStrictEqual(expected);
        expect(result.truncatedStrings).toBe(truncated);
      }
    });
  }

  it('rejects an excerpt longer than the limit', () => {
    expect(() => new OversizedRecordParser({ maxStringLength: 10, excerptLength: 11 })).toThrow(RangeError);
  });
});

describe('OversizedRecordParser: UTF-8 split across chunks', () => {
  const text = JSON.stringify({ clé: 'café 😀 naïve', emoji: ['😀😀', 'é'], mixed: `a${'é😀'.repeat(30)}b` });
  const bytes = Buffer.from(text);
  for (const chunkSize of [1, 2, 3, 5]) {
    it(`decodes é and 😀 in ${chunkSize}-byte chunks`, () => {
      expect(parse(bytes, chunkSize).value).toStrictEqual(JSON.parse(text));
    });
  }

  it('decodes é and 😀 split at every byte after a full first chunk', () => {
    for (const at of splits(text)) expect(parseSplit(bytes, at).value, `split at ${at}`).toStrictEqual(JSON.parse(text));
  });

  it('decodes a 😀 whose four bytes arrive in separate chunks', () => {
    const emoji = Buffer.from('😀');
    const parser = new OversizedRecordParser();
    parser.push(Buffer.concat([PAD, Buffer.from('["')]));
    for (let i = 0; i < 4; i += 1) parser.push(emoji.subarray(i, i + 1));
    parser.push(Buffer.from('"]'));
    expect(parser.finish().value).toStrictEqual(['😀']);
  });
});

describe('OversizedRecordParser: NaN and Infinity', () => {
  const cases: Array<{ name: string; text: string; expected: unknown; count: number }> = [
    { name: 'bare tokens', text: '[NaN, Infinity, -Infinity, 1]', expected: [null, Infinity, -Infinity, 1], count: 3 },
    { name: 'tokens as member values', text: '{"a":NaN,"b":-Infinity,"c":Infinity}', expected: { a: null, b: -Infinity, c: Infinity }, count: 3 },
    {
      name: 'the same letters inside strings',
      text: '["NaN", "say \\"Infinity\\"", "-Infinity", {"NaN": "x NaN"}]',
      expected: ['NaN', 'say "Infinity"', '-Infinity', { NaN: 'x NaN' }],
      count: 0,
    },
    { name: 'an escaped quote before a token', text: '["x\\"NaN", NaN]', expected: ['x"NaN', null], count: 1 },
    { name: 'an escaped backslash before the closing quote', text: '["a\\\\", NaN]', expected: ['a\\', null], count: 1 },
    { name: 'a unicode escape of a quote', text: '["\\u0022NaN", -Infinity]', expected: ['"NaN', -Infinity], count: 1 },
    { name: 'negative numbers around tokens', text: '[-1.5, -Infinity, -0, -2e-3]', expected: [-1.5, -Infinity, -0, -2e-3], count: 1 },
    { name: 'tokens without spaces', text: '[NaN,NaN,-Infinity,Infinity]', expected: [null, null, -Infinity, Infinity], count: 4 },
    { name: 'a token as the whole record', text: 'NaN', expected: null, count: 1 },
    { name: 'a token right after a string', text: '{"k":"v","n":Infinity}', expected: { k: 'v', n: Infinity }, count: 1 },
  ];
  for (const { name, text, expected, count } of cases) {
    it(`rewrites ${name}`, () => {
      const result = parse(text, 1 << 16);
      expect(result.value).toStrictEqual(expected);
      expect(result.nonFiniteTokens).toBe(count);
    });
    it(`rewrites ${name} split at every byte (Na | N, - | Infinity, \\ | ", ...)`, () => {
      for (const at of splits(text)) {
        const result = parseSplit(text, at);
        expect(result.value, `split at ${at}`).toStrictEqual(expected);
        expect(result.nonFiniteTokens, `split at ${at}`).toBe(count);
      }
    });
  }
});

describe('OversizedRecordParser: malformed records', () => {
  const truncatedTrace = '{"info": {"trace_id": "tr-1"}, "data": {"spans": [{"name": "a"}, {"name": "b"';
  const cases: Array<{ name: string; input: string; offset: number; expected: string; message: string }> = [
    {
      name: 'a trace cut off inside a span',
      input: truncatedTrace,
      offset: Buffer.byteLength(truncatedTrace),
      expected: "',' or '}'",
      message: "unexpected end of input inside an object at $.data.spans[1]: expected ',' or '}'",
    },
    {
      name: 'a record cut off inside a string',
      input: '{"spans": [{"name": "ab',
      offset: 23,
      expected: "the closing '\"' of the string",
      message: "unexpected end of input inside a string at $.spans[0].name: expected the closing '\"' of the string",
    },
    {
      name: 'a record cut off inside a literal',
      input: '{"ok": tru',
      offset: 10,
      expected: 'a value',
      message: 'unexpected end of input inside an object at $: expected a value',
    },
    {
      name: 'a record cut off inside a number',
      input: '{"a": [1.',
      offset: 9,
      expected: 'digits of a number',
      message: 'unexpected end of input inside an array at $.a: expected digits of a number',
    },
    {
      name: 'a record cut off inside an escape',
      input: '{"a": ["x\\u00',
      offset: 13,
      expected: 'a valid escape sequence or character in a string',
      message: 'unexpected end of input inside a string at $.a[0]: expected a valid escape sequence or character in a string',
    },
    {
      name: 'an empty record',
      input: '',
      offset: 0,
      expected: 'a value',
      message: 'unexpected end of input at the top level: expected a value',
    },
    {
      name: 'garbage in the middle',
      input: '{"info": {"a": 1}, "data": {"spans": [{"x": 1} @@@ ]}}',
      offset: 47,
      expected: "',' or ']'",
      message: "unexpected '@' at byte 47 inside an array at $.data.spans: expected ',' or ']'",
    },
    {
      name: 'a bare word instead of a value',
      input: '{"a": [1, 2], "b": hello}',
      offset: 19,
      expected: 'a value',
      message: "unexpected 'h' at byte 19 inside an object at $: expected a value",
    },
    {
      name: 'an extra closing brace',
      input: '{"a": {"b": 1}}}',
      offset: 15,
      expected: 'end of input',
      message: "unexpected '}' at byte 15 after the end of the JSON value: expected end of input",
    },
    {
      name: 'a mismatched closing bracket',
      input: '{"a": [1, 2}',
      offset: 11,
      expected: "',' or ']'",
      message: "unexpected '}' at byte 11 inside an array at $.a: expected ',' or ']'",
    },
    {
      name: 'a missing colon',
      input: '{"a" 1}',
      offset: 5,
      expected: "':'",
      message: "unexpected '1' at byte 5 inside an object at $: expected ':'",
    },
    {
      name: 'a trailing comma',
      input: '[1, 2,]',
      offset: 6,
      expected: 'a value',
      message: "unexpected ']' at byte 6 inside an array at $: expected a value",
    },
    {
      name: 'a byte offset after multi-byte characters',
      // { " é(2) " : space " 😀(4) " , space
      input: '{"é": "😀", x}',
      offset: 15,
      expected: 'an object key (a string)',
      message: "unexpected 'x' at byte 15 inside an object at $: expected an object key (a string)",
    },
    {
      name: 'an error after rewritten tokens (offsets of the input, not of the rewrite)',
      input: '[NaN, -Infinity, Infinity ?]',
      offset: 26,
      expected: "',' or ']'",
      message: "unexpected '?' at byte 26 inside an array at $: expected ',' or ']'",
    },
    {
      name: 'a negated NaN',
      input: '[-NaN]',
      offset: 2,
      expected: 'digits of a number',
      message: "unexpected 'N' at byte 2 inside an array at $: expected digits of a number",
    },
    {
      name: 'NaN as a member name',
      input: '{NaN: 1}',
      offset: 1,
      expected: 'an object key (a string)',
      message: "unexpected 'N' at byte 1 inside an object at $: expected an object key (a string)",
    },
    {
      name: 'a word that only starts like NaN',
      input: '[Nope]',
      offset: 1,
      expected: 'a value',
      message: "unexpected 'N' at byte 1 inside an array at $: expected a value",
    },
    {
      name: 'a raw control character in a string',
      input: '["a\u0001b"]',
      offset: 3,
      expected: 'a valid escape sequence or character in a string',
      message: 'unexpected character U+0001 at byte 3 inside a string at $[0]: expected a valid escape sequence or character in a string',
    },
  ];
  for (const { name, input, offset, expected, message } of cases) {
    for (const chunkSize of [1, 5, 1 << 16]) {
      it(`rejects ${name} (${chunkSize}-byte chunks)`, () => {
        const error = parseError(input, chunkSize);
        expect({ offset: error.offset, expected: error.expected, message: error.message }).toStrictEqual({ offset, expected, message });
      });
    }
    it(`rejects ${name} split at every byte after a 64 KiB first chunk`, () => {
      const shifted = offset + PAD.length;
      const shiftedMessage = message.replace(`at byte ${offset} `, `at byte ${shifted} `);
      for (const at of splits(input)) {
        const error = errorOf(() => parseSplit(input, at));
        expect({ offset: error.offset, expected: error.expected, message: error.message }, `split at ${at}`).toStrictEqual({
          offset: shifted,
          expected,
          message: shiftedMessage,
        });
      }
    });
  }

  it('reports the exact byte offset deep into a large record', () => {
    const head = `{"info": {"note": "${'é'.repeat(300_000)}"}, "data": {"spans": [${'{"a": [1, 2, 3]}, '.repeat(20_000)}`;
    const input = `${head}{"a": 1 #}]}}`;
    for (const chunkSize of [4096, 1 << 20]) {
      const error = parseError(input, chunkSize);
      expect(error.offset).toBe(Buffer.byteLength(head) + 8);
      expect(error.message).toBe(`unexpected '#' at byte ${error.offset} inside an object at $.data.spans[20000]: expected ',' or '}'`);
    }
  });

  it('rejects the truncated fixture', () => {
    const error = parseError(FIXTURE.subarray(0, FIXTURE.length - 20), 4096);
    expect(error.offset).toBe(FIXTURE.length - 20);
    expect(error.message).toMatch(/^unexpected end of input inside an? (object|array) at \$\./);
  });

  it('keeps failing with the same error after the first one', () => {
    const parser = new OversizedRecordParser();
    // Small chunks are batched, so the error may surface at finish() rather than at push().
    parser.push(Buffer.from('{"a": @'));
    const first = thrown(() => parser.finish());
    expect(first).toBeInstanceOf(OversizedParseError);
    expect(() => parser.push(Buffer.from('1}'))).toThrow(first as Error);
    expect(() => parser.finish()).toThrow(first as Error);
  });

  it('throws from push() once a batch holding the bad byte is parsed', () => {
    const parser = new OversizedRecordParser();
    const bad = Buffer.from(`[${'1, '.repeat(40_000)}@]`);
    expect(() => parser.push(bad)).toThrow(OversizedParseError);
  });
});
