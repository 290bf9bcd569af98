import { describe, expect, it } from 'vitest';
import { decodeAttributeValue } from '../../src/model/attributes.js';
import { CARRIERS } from '../../src/model/carrier-table.js';
import { isEmptyIo, resolveSpanIo, surelyNotEmpty } from '../../src/model/carriers.js';
import { fixtureTraces } from '../helpers/fixture-traces.js';

/** Every value an attribute text can become: decoded once (Attributes), and once more (a `json: true` carrier). */
function decodings(text: string): unknown[] {
  const once = decodeAttributeValue(text);
  return typeof once === 'string' ? [text, once, decodeAttributeValue(once)] : [text, once];
}

const emptyAtSomeLevel = (text: string): boolean => decodings(text).some((v) => isEmptyIo(v));

describe('surelyNotEmpty (an attribute side is found without decoding it)', () => {
  it.each<[string, boolean]>([
    ['', false],
    ['null', false],
    ['""', false],
    ['[]', false],
    ['{}', false],
    [' [ \n\t] ', false],
    ['"[]"', false],
    ['"\\"{}\\""', false],
    ['"\\u005b\\u005d"', false],
    ['"\\n[\\r]"', false],
    ['[[[[[[[[', false],
    ['nul', false],
    ['0', false],
    ['{"messages": []}', true],
    ['"Hello"', true],
    ['Hello, not JSON', true],
    ['"\\u00e9"', false],
    ['"é"', true],
    ['"日本語"', true],
    ['"\\ud83d\\ude00"', false],
    ['😀', true],
    ['"\\/"', true],
    ['{"a": null}', true],
    ['[null]', false],
    ['-1', true],
    ['true', false],
    ['false', true],
  ])('%j -> %s', (text, expected) => {
    expect(surelyNotEmpty(text)).toBe(expected);
  });

  it('is never true of a text that decodes to an empty value, at any level (every text of 0–4 characters over a hostile alphabet)', () => {
    const alphabet = [' ', '\n', '[', ']', '{', '}', '"', '\\', 'n', 'u', 'l', '0', '5', 'b', 'x', '/', 'é'];
    let checked = 0;
    const walk = (prefix: string): void => {
      if (surelyNotEmpty(prefix)) expect(emptyAtSomeLevel(prefix), prefix).toBe(false);
      checked++;
      if (prefix.length === 4) return;
      for (const c of alphabet) walk(prefix + c);
    };
    walk('');
    expect(checked).toBe(1 + 17 + 17 ** 2 + 17 ** 3 + 17 ** 4);
  });

  it('holds on long, escaped and encoded-twice texts', () => {
    const cases = [
      `[${' '.repeat(100_000)}]`,
      JSON.stringify(JSON.stringify([])),
      JSON.stringify(JSON.stringify(JSON.stringify({}))),
      JSON.stringify(`  ${'\n'.repeat(500)}{}`),
      JSON.stringify('x'.repeat(1_000_000)),
      `{"a": "${'\\"'.repeat(10_000)}"}`,
    ];
    for (const text of cases) {
      if (surelyNotEmpty(text)) expect(emptyAtSomeLevel(text)).toBe(false);
    }
    expect(surelyNotEmpty(cases[0]!)).toBe(false);
    expect(surelyNotEmpty(cases[4]!)).toBe(true);
  });
});

describe('resolveSpanIo with sides decoded on use', () => {
  const files = ['v3.6_trace_ok_assessments_session.json', 'v3.6_trace_error.json', 'v2.22_trace_ok_chat_messages.json', 'v3.6_trace_otel_ingested_genai_openinference.json', 'v2.19_trace_ok.json'];

  it.each(files)('%s: every side equals the attribute decoded as before, and JSON and spreads see the value', async (file) => {
    let attributeSides = 0;
    for (const trace of await fixtureTraces(file, 'record')) {
      for (const span of trace.spans) {
        const io = resolveSpanIo(span);
        for (const side of [io.input, io.output]) {
          if (side === null) continue;
          expect(isEmptyIo(side.value)).toBe(false);
          expect({ ...side }.value).toBe(side.value);
          expect(JSON.parse(JSON.stringify(side)).value).toEqual(JSON.parse(JSON.stringify(side.value)) ?? undefined);
          const row = CARRIERS.find((c) => c.id === side.carrier)!;
          const source = [...row.input, ...row.output].find((s) => s.kind === 'attribute' && s.key === side.key);
          if (source?.kind === 'attribute') {
            const stored = span.attributes.get(side.key);
            // MLflow's own keys are decoded once (Attributes); the conventions' JSON keys once more.
            const expected = source.json && typeof stored === 'string' ? decodeAttributeValue(stored) : stored;
            expect(side.value).toEqual(expected);
            attributeSides++;
          }
        }
      }
    }
    expect(attributeSides).toBeGreaterThan(0);
  });
});
