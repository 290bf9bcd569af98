import { QuerySyntaxError } from '../errors.js';
import { likeMatcher, quoteRegex, regexMatcher } from '../match.js';
import { pythonJsonDumps, pythonJsonString } from '../python-json.js';
import { storedTraceStatus, type InfoSubject, type SpanSubject } from '../subject.js';
import type { Assessment, TraceInfo } from '../../model/types.js';
import { resolveKey, type KeyTarget } from './keys.js';
import { parseComparisons, type Comparator, type Comparison } from './parse.js';

/** A filter string, parsed, checked and turned into closures once. */
export interface CompiledFilter {
  readonly text: string;
  /** True when every clause is decided by the trace info and its assessments (no span.*, no text). */
  readonly infoOnly: boolean;
  /** True when no clause reads the trace info or its assessments (every clause is `span.*` or `text`): {@link matchesInfo} then always holds. */
  readonly spansOnly: boolean;
  /** The clauses that need only the info (all of them when infoOnly). An empty filter matches. */
  matchesInfo(subject: InfoSubject): boolean;
  /** The clauses that need spans (true when there are none). */
  matchesSpans(spans: readonly SpanSubject[]): boolean;
  /**
   * Whether a record's bytes may hold a trace the filter keeps: false when they lack a text that
   * a `span.*` clause needs (see {@link spanNeedles}), so the record need not be parsed. Always
   * true for a filter without such a clause.
   */
  mayMatchBytes(bytes: Buffer): boolean;
}

type Test<T> = (value: T) => boolean;

/**
 * Parses, validates against MLflow 3.6's rules (key known, comparator allowed for that key, value type), compiles once. Throws QuerySyntaxError.
 *
 * Semantics follow MLflow's SQL store (`_get_filter_clauses_for_search_traces` in
 * `mlflow/store/tracking/sqlalchemy_store.py`): every clause must hold (AND); a missing value
 * never matches, `!=` and `NOT IN` included (SQL NULL); each `span.*` / `text` clause and each
 * `feedback.*` / `expectation.*` clause is its own sub-query joined on the trace id, so each
 * needs *some* span (or assessment) of the trace to satisfy it, not necessarily the same one.
 */
export function compileFilter(text: string): CompiledFilter {
  const comparisons = parseComparisons(text, 'filter');
  const fail = (message: string, column: number): never => {
    throw new QuerySyntaxError(message, 'filter', text, column);
  };
  const infoTests: Array<Test<InfoSubject>> = [];
  const spanTests: Array<Test<SpanSubject>> = [];
  const needles: Buffer[][] = [];
  for (const comparison of comparisons) {
    const clause = compileClause(comparison, fail);
    if (clause.scope === 'info') infoTests.push(clause.test);
    else {
      spanTests.push(clause.test);
      needles.push(...spanNeedles(resolveKey(comparison, fail).target, comparison));
    }
  }
  return {
    text,
    infoOnly: spanTests.length === 0,
    spansOnly: infoTests.length === 0,
    matchesInfo: (subject) => infoTests.every((test) => test(subject)),
    matchesSpans: (spans) => spanTests.every((test) => spans.some(test)),
    mayMatchBytes: needles.length === 0 ? () => true : (bytes) => needles.every((any) => any.some((needle) => bytes.includes(needle))),
  };
}

/**
 * Characters every JSON encoder writes as they are, at every level of encoding (a value inside a
 * JSON string inside JSON): ASCII letters, digits, the space and punctuation that no encoder
 * escapes. Not `"` and `\` (always escaped), `/` (PHP and some Java encoders write `\/`), `<`, `>`
 * and `&` (Go's HTML-safe default writes `\u003c`), control characters, or anything outside ASCII
 * (Python's `ensure_ascii`).
 */
const PLAIN = /^[A-Za-z0-9 _.,:;!?@#$%*()[\]{}=+~|'-]+$/;

/**
 * Texts the bytes of a record must hold for a `span.*` clause to keep its trace, as groups (each
 * group: one of its texts): a span's name or type, or an attribute's key and value, compared with
 * `=` or `IN`, when every text is {@link PLAIN}. Such a text is in the record as it is whether the
 * value is a JSON string (`"name": "lookup"`), JSON text in a string (`"\"lookup\""`, the Python
 * SDK) or an OTLP value; a number or boolean compared as text is its own JSON. The info and the
 * spans are not told apart: the bytes only rule a record out, the parsed spans decide.
 * `span.status` (written as a code or a number), `!=`, `NOT IN` and the patterns give none.
 */
function spanNeedles(target: KeyTarget, comparison: Comparison): Buffer[][] {
  const { comparator, value } = comparison;
  if (comparator !== '=' && comparator !== 'IN') return [];
  const values = value.kind === 'list' ? value.values.map((v) => String(v.value)) : [String(value.value)];
  if (values.length === 0 || !values.every((v) => PLAIN.test(v))) return [];
  const texts = [values.map((v) => Buffer.from(v, 'latin1'))];
  // The value first: the rarer text, so a record without it is searched once.
  if (target.kind === 'span-attribute') return PLAIN.test(target.attribute) ? [...texts, [Buffer.from(target.attribute, 'latin1')]] : texts;
  if (target.kind === 'span-field' && target.field !== 'status') return texts;
  return [];
}

type Clause = { scope: 'info'; test: Test<InfoSubject> } | { scope: 'span'; test: Test<SpanSubject> };
type Fail = (message: string, column: number) => never;

function compileClause(comparison: Comparison, fail: Fail): Clause {
  const key = resolveKey(comparison, fail);
  const { comparator, value } = comparison;
  if (!key.comparators.includes(comparator)) fail(key.badComparator(comparator), comparison.comparatorColumn);
  const isList = comparator === 'IN' || comparator === 'NOT IN';
  if (isList && value.kind !== 'list') fail(`Expected a list in parentheses after ${comparator}, e.g. ${comparator} ('a', 'b').`, comparison.valueColumn);
  if (!isList && value.kind === 'list') fail(`A list in parentheses goes with IN or NOT IN, not with '${comparator}'.`, comparison.valueColumn);
  const target = key.target;
  if (key.numeric) {
    if (value.kind !== 'number') {
      return fail(`Expected a number after ${comparator} for the numeric attribute ${comparison.identifier.text}, found a string: write it without quotes.`, comparison.valueColumn);
    }
    if (target.kind !== 'number') throw new Error(`numeric key without a numeric target: ${target.kind}`);
    const test = numberTest(comparator, value.value);
    const read = numberReader(target.attribute);
    return { scope: 'info', test: (s) => present(read(s.info), test) };
  }
  if (value.kind === 'number') fail(key.badNumber(value.text), comparison.valueColumn);
  if (value.kind === 'list') {
    const number = value.values.find((v) => v.kind === 'number');
    if (number !== undefined) fail(`Expected quoted string values in the list, found the number ${number.text}.`, comparison.valueColumn);
  }
  return stringClause(target, comparison, fail);
}

function present<T>(value: T | null, test: Test<T>): boolean {
  return value !== null && test(value);
}

function numberTest(comparator: Comparator, n: number): Test<number> {
  switch (comparator) {
    case '=':
      return (v) => v === n;
    case '!=':
      return (v) => v !== n;
    case '<':
      return (v) => v < n;
    case '<=':
      return (v) => v <= n;
    case '>':
      return (v) => v > n;
    case '>=':
      return (v) => v >= n;
    default:
      throw new Error(`not a numeric comparator: ${comparator}`);
  }
}

/** The comparison of one string-valued clause, built once. */
function stringTest(comparison: Comparison, fail: Fail): Test<string> {
  const { comparator, value } = comparison;
  if (value.kind === 'list') {
    const set = new Set(value.values.map((v) => String(v.value)));
    return comparator === 'IN' ? (v) => set.has(v) : (v) => !set.has(v);
  }
  const pattern = String(value.value);
  switch (comparator) {
    case '=':
      return (v) => v === pattern;
    case '!=':
      return (v) => v !== pattern;
    case 'LIKE':
      return likeMatcher(pattern, false);
    case 'ILIKE':
      return likeMatcher(pattern, true);
    case 'RLIKE':
      return regexMatcher(pattern, (message) => fail(rlikeMessage(message), comparison.valueColumn));
    default:
      throw new Error(`not a string comparator: ${comparator}`);
  }
}

function rlikeMessage(message: string): string {
  return `Invalid regular expression after RLIKE: ${message}. RLIKE uses RE2 syntax (linear time): no backreferences, no lookahead or lookbehind.`;
}

function stringClause(target: KeyTarget, comparison: Comparison, fail: Fail): Clause {
  if (target.kind === 'span-attribute') return { scope: 'span', test: spanAttributeTest(target.attribute, comparison, fail) };
  const test = stringTest(comparison, fail);
  switch (target.kind) {
    case 'attribute': {
      const read = attributeReader(target.attribute);
      return { scope: 'info', test: (s) => present(read(s.info), test) };
    }
    case 'tag':
      return { scope: 'info', test: (s) => present(own(s.info.tags, target.key), test) };
    case 'metadata':
      return { scope: 'info', test: (s) => present(own(s.info.metadata, target.key), test) };
    case 'assessment':
      return {
        scope: 'info',
        test: (s) => s.assessments.some((a) => a.kind === target.type && a.name === target.name && test(storedAssessmentValue(a))),
      };
    case 'span-field':
      return { scope: 'span', test: (s) => present(spanField(s, target.field), test) };
    case 'span-content':
      return { scope: 'span', test: (s) => present(spanContent(s), test) };
    case 'number':
      throw new Error('numeric target on a string clause');
  }
}

function own(map: Readonly<Record<string, string>>, key: string): string | null {
  return Object.hasOwn(map, key) ? (map[key] ?? null) : null;
}

/** MLflow keeps whole milliseconds (`SqlTraceInfo.timestamp_ms`, `execution_time_ms` are BigInteger). */
function numberReader(attribute: 'timestamp_ms' | 'execution_time_ms' | 'end_time_ms'): (info: TraceInfo) => number | null {
  const ms = (n: number | null): number | null => (n === null ? null : Math.floor(n));
  switch (attribute) {
    case 'timestamp_ms':
      return (info) => ms(info.requestTimeMs);
    case 'execution_time_ms':
      return (info) => ms(info.durationMs);
    case 'end_time_ms':
      // sqlalchemy_store.py: `SqlTraceInfo.timestamp_ms + func.coalesce(SqlTraceInfo.execution_time_ms, 0)`.
      return (info) => (info.requestTimeMs === null ? null : Math.floor(info.requestTimeMs) + (ms(info.durationMs) ?? 0));
  }
}

function attributeReader(attribute: 'request_id' | 'status' | 'client_request_id'): (info: TraceInfo) => string | null {
  switch (attribute) {
    case 'request_id':
      return (info) => info.traceId;
    case 'status':
      return (info) => storedTraceStatus(info.state);
    case 'client_request_id':
      return (info) => info.clientRequestId;
  }
}

const assessmentText = new WeakMap<Assessment, string>();

/**
 * An assessment's value as the SQL store keeps it: `json.dumps(value)` of the Python value
 * (`SqlAssessments.from_mlflow_entity`). Exports write feedback numbers as floats (`4.0`, from the
 * protobuf Value) although a feedback logged as `4` is stored as `4`; an integral number is
 * written as an int so that `feedback.helpfulness = '4'` matches it, as it does in MLflow.
 */
export function storedAssessmentValue(assessment: Assessment): string {
  let text = assessmentText.get(assessment);
  if (text === undefined) {
    text = pythonJsonDumps(assessment.value);
    assessmentText.set(assessment, text);
  }
  return text;
}

/** `spans.type` is `Span.span_type`, the `mlflow.spanType` attribute; `spans.status` a `SpanStatusCode` (`OK`, `ERROR`, `UNSET`). */
function spanField(subject: SpanSubject, field: 'name' | 'type' | 'status'): string | null {
  switch (field) {
    case 'name':
      return subject.span.name;
    case 'type':
      return subject.span.attributes.getString('mlflow.spanType') ?? null;
    case 'status':
      return subject.span.status;
  }
}

const contentText = new WeakMap<object, string>();

/**
 * The span as the SQL store keeps it in `spans.content`: `json.dumps(span_dict)` with Python's
 * default separators and ASCII escapes (`log_spans` in sqlalchemy_store.py). We dump the span
 * object as exported, once per span.
 */
export function spanContent(subject: SpanSubject): string | null {
  const raw = subject.raw;
  if (raw === null || typeof raw !== 'object') return null;
  let text = contentText.get(raw);
  if (text === undefined) {
    text = pythonJsonDumps(raw);
    contentText.set(raw, text);
  }
  return text;
}

/**
 * `span.attributes.<key>`. MLflow has no attribute column: LIKE / ILIKE run over the span content
 * with the pattern `%"<key>"<value>%`, and RLIKE with `"<key>": "\"` + the value (its `^` and `$`
 * moved to the JSON quotes around the attribute's value) — both copied here exactly. For `=`,
 * `!=`, `IN` and `NOT IN` MLflow compares the whole content to that LIKE pattern, which can never
 * be equal (so `=` never matches and `!=` matches every span); we compare the attribute's own
 * value instead: its decoded text, or the JSON text of a non-string value.
 */
function spanAttributeTest(attribute: string, comparison: Comparison, fail: Fail): Test<SpanSubject> {
  const { comparator, value } = comparison;
  const quotedKey = pythonJsonString(attribute);
  if ((comparator === 'LIKE' || comparator === 'ILIKE') && value.kind === 'string') {
    const like = likeMatcher(`%${quotedKey}${value.value}%`, comparator === 'ILIKE');
    return (s) => present(spanContent(s), like);
  }
  if (comparator === 'RLIKE' && value.kind === 'string') {
    let body = value.value;
    const anchoredStart = body.startsWith('^');
    const anchoredEnd = body.endsWith('$');
    if (anchoredStart) body = body.slice(1);
    if (anchoredEnd) body = body.slice(0, -1);
    // The key is quoted for the regex (MLflow inserts it raw, so a `.` in it matches any character).
    const pattern = `${quoteRegex(quotedKey)}: ${anchoredStart ? '"\\\\"' : '"\\\\".*'}${body}${anchoredEnd ? '\\\\"' : ''}`;
    const regex = regexMatcher(pattern, (message) => fail(rlikeMessage(message), comparison.valueColumn));
    return (s) => present(spanContent(s), regex);
  }
  const valueTest = stringTest(comparison, fail);
  return (s) => present(attributeText(s, attribute), valueTest);
}

function attributeText(subject: SpanSubject, key: string): string | null {
  const value = subject.span.attributes.get(key);
  if (value === undefined) return null;
  return typeof value === 'string' ? value : pythonJsonDumps(value);
}
