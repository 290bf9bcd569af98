import { readdirSync, readFileSync } from 'node:fs';
import { LosslessNumber, parse as losslessParse } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { pythonFloatRepr, pythonJsonDumps, type PythonJsonOptions } from '../../src/query/python-json.js';
import { fixturePath } from '../helpers/fixture-traces.js';

// Expected texts are what CPython 3.11 prints for `json.dumps(value)` (checked by hand in a
// Python shell for each row).
const cases: Array<[string, unknown, string, PythonJsonOptions?]> = [
  ['object separators', { a: 1, b: [true, null, 'x'] }, '{"a": 1, "b": [true, null, "x"]}'],
  ['empty containers', { a: {}, b: [] }, '{"a": {}, "b": []}'],
  ['undefined members are left out', { a: undefined, b: 1 }, '{"b": 1}'],
  ['undefined in a list is null', [undefined], '[null]'],
  ['non-ASCII escaped', 'héllo wörld', '"h\\u00e9llo w\\u00f6rld"'],
  ['astral as a surrogate pair', '😀', '"\\ud83d\\ude00"'],
  ['DEL is escaped too', '\u007f', '"\\u007f"'],
  ['short escapes', '\n\t\r\b\f', '"\\n\\t\\r\\b\\f"'],
  ['other controls', '\u0001\u001f', '"\\u0001\\u001f"'],
  ['quote and backslash', '"\\', '"\\"\\\\"'],
  ['slash is not escaped', '</a>', '"</a>"'],
  ['keys are escaped like strings', { é: 'x' }, '{"\\u00e9": "x"}'],
  ['an integral number as int', 4, '4'],
  ['an integral number as float', 4, '4.0', { integralNumbers: 'float' }],
  ['a fraction', 0.5, '0.5'],
  ['small floats switch to exponents below 1e-4', 0.0001, '0.0001'],
  ['1e-05', 1e-5, '1e-05'],
  ['1e-07', 1e-7, '1e-07'],
  ['large floats switch at 1e16', 1e16, '1e+16', { integralNumbers: 'float' }],
  ['just below 1e16', 9999999999999998, '9999999999999998.0', { integralNumbers: 'float' }],
  ['large ints keep their digits', 1e16, '10000000000000000'],
  ['integral numbers from 1e21 on are floats', 1e21, '1e+21'],
  ['shortest round-trip digits', 123456789.123, '123456789.123'],
  ['1.5e+300', 1.5e300, '1.5e+300'],
  ['negative float', -2.5, '-2.5'],
  ['negative zero float', -0, '-0.0', { integralNumbers: 'float' }],
  ['negative zero int', -0, '0'],
  ['NaN', NaN, 'NaN'],
  ['Infinity', Infinity, 'Infinity'],
  ['-Infinity', -Infinity, '-Infinity'],
  ['bigint', 1795494448390281686n, '1795494448390281686'],
  ['LosslessNumber float keeps .0', new LosslessNumber('4.0'), '4.0'],
  ['LosslessNumber int keeps every digit', new LosslessNumber('1795494448390281686'), '1795494448390281686'],
  ['LosslessNumber exponent is re-written as Python does', new LosslessNumber('1E3'), '1000.0'],
  ['LosslessNumber -0', new LosslessNumber('-0'), '0'],
  ['booleans and null', [true, false, null], '[true, false, null]'],
];

describe('pythonJsonDumps', () => {
  it.each(cases)('%s', (_name, value, expected, options) => {
    expect(pythonJsonDumps(value, options)).toBe(expected);
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => pythonJsonDumps({ f: () => 1 })).toThrow('cannot serialize a function as JSON');
  });

  it('refuses nesting deeper than 512 levels instead of exhausting the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 600; i++) deep = [deep];
    expect(() => pythonJsonDumps(deep)).toThrow('value nested deeper than 512 levels');
  });

  it('pythonFloatRepr agrees with the rows above for floats', () => {
    expect([3.0, 0.1 + 0.2, 1e22, 123456789012345680000].map(pythonFloatRepr)).toEqual(['3.0', '0.30000000000000004', '1e+22', '1.2345678901234568e+20']);
  });
});

/**
 * Every fixture was written by Python's `json.dumps(..., indent=2)`. Without the indent, Python
 * writes the same tokens joined by `', '` and `': '`: removing the line breaks and indentation
 * from the file gives `json.dumps(json.load(file))` exactly (JSON strings hold no raw newline).
 */
function compactPythonIndent(text: string): string {
  return text
    .trimEnd()
    .replace(/,\n\s*/g, ', ')
    .replace(/([[{])\n\s*/g, '$1')
    .replace(/\n\s*([\]}])/g, '$1');
}

describe('pythonJsonDumps over the fixtures (lossless-json parse)', () => {
  const files = readdirSync(fixturePath('.'))
    .filter((f) => f.endsWith('.json'))
    .sort();

  it('covers the 12 fixtures', () => {
    expect(files).toHaveLength(12);
  });

  it.each(files)('%s is byte-identical to Python json.dumps', (file) => {
    const text = readFileSync(fixturePath(file), 'utf8');
    expect(pythonJsonDumps(losslessParse(text))).toBe(compactPythonIndent(text));
  });
});
