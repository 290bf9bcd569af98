import { readFileSync } from 'node:fs';
import { isLosslessNumber } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { QuerySyntaxError } from '../../src/query/errors.js';
import { extractFields, parseExtractFields, parseLossless, printLossless } from '../../src/query/extract-fields.js';
import { fixturePath } from '../helpers/fixture-traces.js';
import { thrown } from '../helpers/thrown.js';

const text = (file: string): string => readFileSync(fixturePath(file), 'utf8');

/** The traces of the search fixture, parsed losslessly. */
const searchTraces = (parseLossless(text('v3.6_cli_traces_search_output_json.json')) as { traces: Array<Record<string, unknown>> }).traces;
const okTrace = searchTraces.find((t) => (t.info as Record<string, unknown>).state === 'OK')!;

/** Extracts and prints, then parses with JSON.parse: what a user's script sees. */
const extract = (doc: unknown, spec: string): unknown => JSON.parse(printLossless(extractFields(doc, parseExtractFields(spec)).value));

describe("--extract-fields against MLflow 3.6's own output", () => {
  // test/fixtures/SOURCES.md: the command that wrote v3.6_cli_traces_search_extract_fields.json.
  const spec = 'info.trace_id,info.state,info.tags.`mlflow.traceName`,info.trace_metadata.`mlflow.trace.session`,info.assessments.*.feedback.value,data.spans.*.name';
  const expected = (JSON.parse(text('v3.6_cli_traces_search_extract_fields.json')) as { traces: unknown[] }).traces;
  const selected = searchTraces.filter((t) => (t.info as Record<string, unknown>).state === 'OK');

  it("selects the traces MLflow's filter trace.status = 'OK' selected", () => {
    expect(selected.length).toBe(expected.length);
  });

  it.each(selected.map((t, i) => [i, t] as const))('trace %i deep-equals MLflow output, every path matched', (i, trace) => {
    const { value, unmatched } = extractFields(trace, parseExtractFields(spec));
    expect(JSON.parse(printLossless(value))).toEqual(expected[i]);
    expect(unmatched).toEqual([]);
  });

  it('keeps the literal 4.0 and lays the selection out as json.dumps(indent=2)', () => {
    const printed = printLossless(extractFields(okTrace, parseExtractFields('info.assessments.*.feedback.value')).value);
    expect(printed).toBe(
      [
        '{',
        '  "info": {',
        '    "assessments": [',
        '      {',
        '        "feedback": {',
        '          "value": 4.0',
        '        }',
        '      },',
        '      {},',
        '      {},',
        '      {},',
        '      {',
        '        "feedback": {',
        '          "value": true',
        '        }',
        '      }',
        '    ]',
        '  }',
        '}',
      ].join('\n'),
    );
  });

  it('keeps the keys in the order of the trace, not of the paths', () => {
    const { value } = extractFields(okTrace, parseExtractFields('data.spans.*.name,info.state,info.trace_id'));
    expect(Object.keys(value)).toEqual(['info', 'data']);
    expect(Object.keys(value.info as object)).toEqual(['trace_id', 'state']);
  });
});

describe('extractFields', () => {
  const cases: Array<[string, unknown, string, unknown, number[]]> = [
    [
      'a wildcard then a backticked dotted key (MLflow 3.6 returns {} here)',
      okTrace,
      'data.spans.*.attributes.`mlflow.spanType`',
      { data: { spans: [{ attributes: { 'mlflow.spanType': '"AGENT"' } }, { attributes: { 'mlflow.spanType': '"TOOL"' } }, { attributes: { 'mlflow.spanType': '"CHAT_MODEL"' } }] } },
      [],
    ],
    [
      '* over an object keeps its dotted keys',
      okTrace,
      'info.tags.*',
      {
        info: {
          tags: {
            environment: 'test',
            'mlflow.traceName': 'agent',
            'mlflow.artifactLocation': 'file:///path/to/mlruns/400654040727596423/traces/tr-5fea91443bc8bda79ff15a5ab90fff94/artifacts',
          },
        },
      },
      [],
    ],
    ['{} placeholders up to the last selected item, none after it', { a: [{ b: 1 }, { c: 2 }, { b: null }, { b: 3 }, { c: 4 }] }, 'a.*.b', { a: [{ b: 1 }, {}, {}, { b: 3 }] }, []],
    ['null placeholders when the item itself is the value', { a: [1, null, 2, null] }, 'a.*', { a: [1, null, 2] }, []],
    ['a path ending at a node takes it whole', { a: [{ b: 1, c: 2 }, { c: 3 }] }, 'a.*.b,a.*', { a: [{ b: 1, c: 2 }, { c: 3 }] }, []],
    ['a longer path inside a whole node is still checked', { a: { c: 3 } }, 'a.b,a', { a: { c: 3 } }, [0]],
    ['several wildcards', { a: { x: [{ n: 1 }, { m: 2 }], y: [{ n: 3 }] } }, 'a.*.*.n', { a: { x: [{ n: 1 }], y: [{ n: 3 }] } }, []],
    ['a null leaf is matched but left out, as MLflow does', { a: { b: null, c: 1 } }, 'a.b,a.c', { a: { c: 1 } }, []],
    ['paths that select nothing are reported, the rest printed', okTrace, 'info.trace_id,info.nope,data.spans.*.nope', { info: { trace_id: 'tr-5fea91443bc8bda79ff15a5ab90fff94' } }, [1, 2]],
    ['a key on a list selects nothing', { a: [{ b: 1 }] }, 'a.b', {}, [0]],
    ['* over a scalar selects nothing', { a: 5 }, 'a.*', {}, [0]],
    ['a backticked number is a key', { a: { '0': 'zero' } }, 'a.`0`', { a: { '0': 'zero' } }, []],
    ['a key named __proto__ stays a key', JSON.parse('{"__proto__": {"x": 1}}'), '`__proto__`.x', JSON.parse('{"__proto__": {"x": 1}}'), []],
  ];
  it.each(cases)('%s', (_, doc, spec, expected, unmatched) => {
    const result = extractFields(doc, parseExtractFields(spec));
    expect(JSON.parse(printLossless(result.value))).toEqual(expected);
    expect(result.unmatched).toEqual(unmatched);
  });

  it('gives the same nesting for a trace of the other fixtures (v3.4 export, single trace files)', () => {
    const single = parseLossless(text('v3.6_trace_ok_assessments_session.json'));
    expect(extract(single, 'info.assessments.*.feedback.value,data.spans.*.name')).toEqual(extract(okTrace, 'info.assessments.*.feedback.value,data.spans.*.name'));
  });
});

describe('parseExtractFields', () => {
  it('splits on commas outside backticks and keeps each path as written', () => {
    const paths = parseExtractFields(' info.trace_id , info.tags.`a,b`,data.spans.*.name');
    expect(paths.map((p) => p.text)).toEqual(['info.trace_id', 'info.tags.`a,b`', 'data.spans.*.name']);
    expect(paths[1]!.segments.map((s) => (s.kind === 'key' ? s.key : '*'))).toEqual(['info', 'tags', 'a,b']);
    expect(paths[2]!.segments[2]).toEqual({ kind: 'wildcard', column: 45 });
  });

  const invalid: Array<[string, string, number]> = [
    [
      'data.spans.0.name',
      "expected a key or * in 'data.spans.0.name', found the list index 0: --extract-fields paths do not index lists (MLflow rejects them too); use * for every item, or `0` for a key named 0",
      12,
    ],
    [
      'info.trace_id,info.assessments.12',
      "expected a key or * in 'info.assessments.12', found the list index 12: --extract-fields paths do not index lists (MLflow rejects them too); use * for every item, or `12` for a key named 12",
      32,
    ],
    ['info.tags.`mlflow.traceName', 'unclosed backtick: a key in backticks needs a closing `', 11],
    ['info.trace_id,,info.state', 'empty path', 15],
    ['', 'empty path', 1],
    ['info.', 'a path cannot end with .', 5],
    ['info..state', 'empty key between dots', 6],
  ];
  it.each(invalid)('%j: %s (column %i)', (spec, message, column) => {
    const error = thrown(() => parseExtractFields(spec));
    expect(error).toBeInstanceOf(QuerySyntaxError);
    expect(error).toMatchObject({ message, what: 'extract-fields', text: spec, column });
  });
});

describe('parseLossless and printLossless', () => {
  it('keeps every number literal', () => {
    const doc = parseLossless('{"t": 1795494419859181591, "f": 4.0, "e": 1e-05, "z": -0}') as Record<string, unknown>;
    expect(isLosslessNumber(doc.t)).toBe(true);
    expect(printLossless(doc)).toBe('{\n  "t": 1795494419859181591,\n  "f": 4.0,\n  "e": 1e-05,\n  "z": -0\n}');
  });

  it("reads and writes back Python's NaN and Infinity tokens, not those in strings", () => {
    const doc = parseLossless('{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN Infinity"}') as Record<string, unknown>;
    expect(doc.a).toBeNaN();
    expect(doc.b).toEqual([Infinity, -Infinity]);
    expect(printLossless(doc, 0)).toBe('{\n  "a": NaN,\n  "b": [\n    Infinity,\n    -Infinity\n  ],\n  "c": "NaN Infinity"\n}');
  });

  it('tells a NaN token from a number that looks like its stand-in', () => {
    const doc = parseLossless('[NaN, 0E+31415926535]');
    expect(printLossless(doc)).toBe('[\n  NaN,\n  0E+31415926535\n]');
  });

  it('keeps the last value of a repeated key, as JSON.parse and Python do', () => {
    expect(printLossless(parseLossless('{"a": 1, "b": 2, "a": 3}'))).toBe('{\n  "a": 3,\n  "b": 2\n}');
  });

  it('throws SyntaxError on text that is not JSON', () => {
    expect(() => parseLossless('{"a": }')).toThrow(SyntaxError);
    expect(() => parseLossless('{"a": NaN,}')).toThrow(SyntaxError);
  });

  const strings: Array<[string, string]> = [
    ['é', '"\\u00e9"'],
    ['😀', '"\\ud83d\\ude00"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['\n\t\u0001\u007f', '"\\n\\t\\u0001\\u007f"'],
    ['/', '"/"'],
  ];
  it('writes JS numbers as Python would read them back, non-finite ones as its tokens', () => {
    expect(printLossless([1.5, -0, NaN, -Infinity, 10n])).toBe('[\n  1.5,\n  0,\n  NaN,\n  -Infinity,\n  10\n]');
  });

  it.each(strings)('writes %j as json.dumps does: %s', (value, expected) => {
    expect(printLossless(value)).toBe(expected);
  });

  it('indents for a trace nested in {"traces": [...]} (level 2)', () => {
    expect(printLossless(parseLossless('{"a": [1, {}], "b": []}'), 2)).toBe('{\n      "a": [\n        1,\n        {}\n      ],\n      "b": []\n    }');
  });

  it('prints a whole trace back exactly as MLflow wrote it', () => {
    const original = text('v3.6_trace_ok_assessments_session.json').replace(/\n$/, '');
    expect(printLossless(parseLossless(original))).toBe(original);
  });
});
