import fc from 'fast-check';
import { expect } from 'vitest';
import { QuerySyntaxError } from '../../src/query/errors.js';
import { parseExtractFields, extractFields, parseLossless, printLossless } from '../../src/query/extract-fields.js';
import { compileFilter } from '../../src/query/filter/compile.js';
import { normalizeRecord } from '../../src/model/normalize.js';
import { CORPUS_TRACES, hostileText, jsonValue } from './arbitraries.js';
import { mutatedTrace } from './properties-ingest.js';
import { defineProperty } from './property.js';

// What a user types (--filter-string, --extract-fields) is parsed or refused with a column, never
// crashes; what a trace holds never makes a compiled filter or the field extractor throw.

/** The error a parser may throw: a QuerySyntaxError whose column is inside the text (or null: the whole text). */
function expectSyntaxError(error: unknown, text: string): void {
  expect(error, String(error)).toBeInstanceOf(QuerySyntaxError);
  const column = (error as QuerySyntaxError).column;
  if (column !== null) {
    expect(column).toBeGreaterThanOrEqual(1);
    expect(column).toBeLessThanOrEqual(text.length + 1);
  }
  expect((error as Error).message).not.toBe('');
}

const KEYS = [
  'status',
  'trace.status',
  'attributes.status',
  'timestamp_ms',
  'timestamp',
  'execution_time_ms',
  'end_time',
  'request_id',
  'client_request_id',
  'name',
  'run_id',
  'text',
  'tag.x',
  'tags.`mlflow.traceName`',
  'metadata.`mlflow.trace.session`',
  'metadata.mlflow.trace.user',
  'feedback.correctness',
  'expectation.expected_response',
  'span.name',
  'span.type',
  'span.status',
  'span.content',
  'span.attributes.`mlflow.spanType`',
  'span.attribute.x',
  '`a``b`',
  '"quoted key"',
  'trace.timestamp_ms',
];
const COMPARATORS = ['=', '!=', '<', '<=', '>', '>=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE', 'like', 'not in', '==', '<>', '~'];
const quoted = hostileText.map((t) => `'${t.replace(/'/gu, "''")}'`);
const value = fc.oneof(
  quoted,
  hostileText.map((t) => `"${t}"`),
  fc.constantFrom('1', '-1', '1e400', '-1e30', '0.5', 'NaN', '9007199254740993', "('a', 'b')", "('a',)", '()', "'%'", "'(a+)+$'", "'['", "'%_%'"),
  hostileText,
);
const clause = fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: hostileText }), fc.constantFrom(...COMPARATORS), value).map((parts) => parts.join(' '));

/** Filter strings: mostly grammatical, hostile in their values and keys, sometimes random text. */
const filterText = fc.oneof(
  { weight: 4, arbitrary: fc.array(clause, { minLength: 1, maxLength: 3 }).chain((cs) => fc.constantFrom(' AND ', ' and ', ' OR ', ' ').map((j) => cs.join(j))) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

/** Normalised traces to run compiled filters on: the corpus, and corpus traces damaged. */
const traces = fc.array(
  fc.oneof(
    fc.nat({ max: CORPUS_TRACES.length - 1 }).map((i) => CORPUS_TRACES[i]),
    mutatedTrace,
  ),
  { minLength: 1, maxLength: 3 },
);

export const filterParse = defineProperty({
  name: 'filter-parse',
  claim: 'compileFilter accepts a text or throws a QuerySyntaxError with a column inside it; a compiled filter never throws on any trace, and answers the same twice',
  arbitrary: fc.record({ text: filterText, records: traces }),
  suiteRuns: 200,
  check({ text, records }) {
    let filter: ReturnType<typeof compileFilter>;
    try {
      filter = compileFilter(text);
    } catch (error) {
      expectSyntaxError(error, text);
      return;
    }
    for (const record of records) {
      const result = normalizeRecord(record);
      if (!('trace' in result)) continue;
      const { trace } = result;
      const subject = { info: trace.info, assessments: trace.assessments };
      const rawSpans = (record as { data?: { spans?: unknown[] } }).data?.spans;
      const spans = trace.spans.map((span) => ({ span, raw: Array.isArray(rawSpans) ? rawSpans[span.index] : undefined }));
      const answer = [filter.matchesInfo(subject), filter.matchesSpans(spans)];
      expect([filter.matchesInfo(subject), filter.matchesSpans(spans)]).toEqual(answer);
    }
  },
});

const segment = fc.oneof(
  fc.constantFrom('info', 'data', 'spans', '*', 'name', 'attributes', 'tags', 'trace_metadata', '`mlflow.traceName`', '`mlflow.spanInputs`', '0', '`0`', '', '``', '`a.b`'),
  hostileText,
);
/** --extract-fields texts: dotted paths of known and hostile segments, comma-separated. */
const fieldSpec = fc
  .array(
    fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('.')),
    { minLength: 1, maxLength: 3 },
  )
  .map((ps) => ps.join(','));

/** A value nested `depth` levels, as a parsed document holds it (built without recursion). */
function deepValue(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { spans: value };
  return value;
}

/**
 * A document to extract from, as a recipe: a corpus trace, any JSON, or a value nested thousands
 * of levels (built in the check, so the counterexample stays small enough to print and store).
 */
const docSpec = fc.oneof(
  { weight: 3, arbitrary: fc.record({ corpus: fc.nat({ max: CORPUS_TRACES.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ json: jsonValue }) },
  { weight: 1, arbitrary: fc.record({ depth: fc.constantFrom(600, 20_000), kind: fc.constantFrom('array' as const, 'object' as const) }) },
);
type DocSpec = typeof docSpec extends fc.Arbitrary<infer D> ? D : never;

function buildDoc(spec: DocSpec): unknown {
  if ('corpus' in spec) return parseLossless(JSON.stringify(CORPUS_TRACES[spec.corpus]));
  if ('json' in spec) return parseLossless(JSON.stringify(spec.json) ?? 'null');
  return { info: deepValue(spec.depth, spec.kind), data: { spans: [deepValue(spec.depth, spec.kind)] } };
}

export const extractFieldsProperty = defineProperty({
  name: 'extract-fields',
  claim:
    'parseExtractFields accepts a text or throws a QuerySyntaxError with a column inside it; extractFields never throws at any depth; printLossless prints JSON (up to 600 levels), the same twice',
  arbitrary: fc.record({ spec: fieldSpec, doc: docSpec }),
  suiteRuns: 150,
  check({ spec, doc }) {
    const document = buildDoc(doc);
    let paths: ReturnType<typeof parseExtractFields>;
    try {
      paths = parseExtractFields(spec);
    } catch (error) {
      expectSyntaxError(error, spec);
      return;
    }
    const { value, unmatched } = extractFields(document, paths);
    expect(unmatched.every((i) => Number.isInteger(i) && i >= 0 && i < paths.length)).toBe(true);
    // Printing 20 000 levels indented is 800 MB, more than a string holds: past the scanner's
    // 512 levels, printing is the CLI's to refuse by record (the cli-records property), not this one's.
    if ('depth' in doc && doc.depth > 600) return;
    const printed = printLossless(value);
    expect(printLossless(extractFields(document, paths).value)).toBe(printed);
    expect(() => JSON.parse(printed.replace(/\bNaN\b|-?\bInfinity\b/gu, '0'))).not.toThrow();
  },
});

export const QUERY_PROPERTIES = [filterParse, extractFieldsProperty];
