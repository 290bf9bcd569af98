import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compactJson, reindentJson } from '../../src/query/reindent.js';
import { fixturePath } from '../helpers/fixture-traces.js';

const fixtures = readdirSync(fixturePath('.')).filter((f) => f.endsWith('.json'));
const text = (file: string): string => readFileSync(fixturePath(file), 'utf8');

/** Whitespace outside strings removed by a regex: an independent check that every token survives as written. */
const squeeze = (json: string): string => json.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_, s: string | undefined) => s ?? '');

describe('reindentJson over the real MLflow outputs', () => {
  it.each(fixtures)('%s: the same value, every token as written, laid out exactly as json.dumps(indent=2) did', (file) => {
    const original = text(file);
    const out = reindentJson(original);
    expect(JSON.parse(out)).toEqual(JSON.parse(original));
    expect(squeeze(out)).toBe(squeeze(original));
    // The fixtures are json.dumps(indent=2) output: re-laying them out changes nothing.
    expect(out).toBe(original.replace(/\n$/, ''));
    expect(reindentJson(compactJson(original))).toBe(out);
  });

  it('keeps 19-digit nanosecond times and 4.0 digit for digit', () => {
    const out = reindentJson(compactJson(text('v3.6_cli_traces_search_output_json.json')));
    expect(out).toContain('"start_time_unix_nano": 1795494419859181591,');
    expect(out).toContain('"value": 4.0\n');
  });

  it('lays out each trace of {"traces": [...]} at level 2 exactly as MLflow nests it', () => {
    const original = text('v3.6_cli_traces_search_output_json.json').replace(/\n$/, '');
    // Each trace's own text, cut at the lines where MLflow opens and closes it, then squeezed flat.
    const lines = original.split('\n');
    const starts = lines.flatMap((l, i) => (l === '    {' ? [i] : []));
    const ends = lines.flatMap((l, i) => (l === '    }' || l === '    },' ? [i] : []));
    expect(starts.length).toBe(2);
    const inner = starts.map((s, k) =>
      reindentJson(
        compactJson(
          lines
            .slice(s, ends[k]! + 1)
            .join('\n')
            .replace(/,$/, ''),
        ),
        2,
      ),
    );
    expect(`{\n  "traces": [\n    ${inner.join(',\n    ')}\n  ],\n  "next_page_token": null\n}`).toBe(original);
  });
});

describe('reindentJson, exact text', () => {
  const cases: Array<[string, string, number, string]> = [
    ['empty object', '{}', 0, '{}'],
    ['empty containers with whitespace inside', '{ "a" : { } , "b":[\n ] }', 0, '{\n  "a": {},\n  "b": []\n}'],
    ['nested', '{"a":[1,{"b":null}],"c":true}', 0, '{\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ],\n  "c": true\n}'],
    ['top-level list', '[false , null]', 0, '[\n  false,\n  null\n]'],
    ['top-level scalar', '  "x"  ', 0, '"x"'],
    ['structural characters inside strings', '{"k,:{}[":"v]}, : ["}', 0, '{\n  "k,:{}[": "v]}, : ["\n}'],
    ['escaped quotes and backslashes', '["a\\"b", "c\\\\", "\\\\\\"d"]', 0, '[\n  "a\\"b",\n  "c\\\\",\n  "\\\\\\"d"\n]'],
    ['escapes kept as written', '["\\u00e9\\n\\/", "é😀"]', 0, '[\n  "\\u00e9\\n\\/",\n  "é😀"\n]'],
    [
      'number spellings and Python tokens',
      '[1.0,1e-05,-0,2.5E+10,1795494419859181591,NaN,Infinity,-Infinity]',
      0,
      '[\n  1.0,\n  1e-05,\n  -0,\n  2.5E+10,\n  1795494419859181591,\n  NaN,\n  Infinity,\n  -Infinity\n]',
    ],
    ['tabs and CRLF between tokens', '{\r\n\t"a":\t1,\r\n\t"b": [ 2 ]\r\n}\r\n', 0, '{\n  "a": 1,\n  "b": [\n    2\n  ]\n}'],
    ['level 2: every line after the first', '{"a":[1,2],"b":{}}', 2, '{\n      "a": [\n        1,\n        2\n      ],\n      "b": {}\n    }'],
    ['level 1 on an empty container', '[]', 1, '[]'],
  ];
  it.each(cases)('%s', (_, input, level, expected) => {
    expect(reindentJson(input, level)).toBe(expected);
  });
});

describe('compactJson', () => {
  const cases: Array<[string, string]> = [
    ['{ "a" : [ 1 , 2.50 ] , "b" : { } }', '{"a":[1,2.50],"b":{}}'],
    ['{\n  "s": "a , b : c",\n  "n": NaN\n}', '{"s":"a , b : c","n":NaN}'],
    ['[ "x\\" , y" ]', '["x\\" , y"]'],
  ];
  it.each(cases)('%s', (input, expected) => {
    expect(compactJson(input)).toBe(expected);
  });
});

describe('size and depth', () => {
  it('handles 10 000 levels of nesting without recursion', () => {
    const deep = '{"a":'.repeat(10_000) + '[1,[]]' + '}'.repeat(10_000);
    const out = reindentJson(deep);
    expect(compactJson(out)).toBe(deep);
    expect(out.split('\n').length).toBe(2 * 10_000 + 4);
    expect(out.endsWith('\n' + ' '.repeat(2) + '}\n}')).toBe(true);
  });

  // Its speed is measured by `make bench` (bench/micro.mjs, reindent-20mb), not asserted here.
  it('re-lays out a 20 MB trace exactly as each copy alone', () => {
    const one = text('v3.6_cli_traces_search_output_json.json');
    const copies = Math.ceil((20 * 1024 * 1024) / one.length);
    const big = '[' + Array<string>(copies).fill(one.trimEnd()).join(',') + ']';
    expect(big.length).toBeGreaterThanOrEqual(20 * 1024 * 1024);
    const out = reindentJson(big);
    expect(out).toBe('[\n  ' + Array<string>(copies).fill(reindentJson(one, 1)).join(',\n  ') + '\n]');
  });
});
