import type { PathSegment } from '../dotted-path.js';
import { QuerySyntaxError } from '../errors.js';
import { parseComparisons, type Comparison, type Literal } from '../filter/parse.js';
import { likeMatcher, regexMatcher } from '../match.js';
import type { Part } from './split.js';
import { streaming } from './stages.js';
import type { StagePlan } from './types.js';
import { compareStrings } from '../compare-strings.js';
import { readAll, type ValuePath } from './values.js';

/** A number written as JSON text: MLflow span attributes hold their values that way (`"0.2"`). */
const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

type Test = (value: unknown) => boolean;

/**
 * `where(<comparisons>)`: keeps the values for which every comparison holds, in the filter grammar
 * of `--filter-string` (`filter/parse.ts`: AND only, `=`, `!=`, `<`, `<=`, `>`, `>=`, `IN`,
 * `NOT IN`, `LIKE`, `ILIKE`, `RLIKE`). The left side is a dotted path into the value; with a `*`
 * the comparison holds when it holds for any value reached. A missing field never matches, not
 * even `!=` or `NOT IN`.
 *
 * A number literal compares numbers, and strings that are JSON number text (MLflow stores span
 * attributes as JSON text). A string literal compares text: a string as itself, any other value
 * as its compact JSON (`true`, `null`, `{"a":1}`), as MLflow's `feedback.<name>` filter compares
 * the JSON it stored (docs/search-filters.md). LIKE and
 * ILIKE are MLflow's (`%`, `_`, whole text), RLIKE a search with an RE2 pattern (`match.ts`).
 */
export function wherePlan(text: string, args: Part, source: string): StagePlan {
  const tests = parseComparisons(args.text, 'pipeline', source, args.offset).map((c) => compile(c, source));
  return {
    text,
    reshapes: false,
    start: () =>
      streaming((row, emit) => {
        if (tests.every((test) => test(row.value))) emit(row);
      }),
  };
}

function compile(comparison: Comparison, source: string): Test {
  const { comparator, value } = comparison;
  const fail: (message: string) => never = (message) => {
    throw new QuerySyntaxError(message, 'pipeline', source, comparison.valueColumn);
  };
  const path = toValuePath(comparison);
  const listed = comparator === 'IN' || comparator === 'NOT IN';
  if (listed !== (value.kind === 'list')) {
    fail(listed ? `${comparator} needs a list such as ('a', 'b') after it` : `${comparator} compares with one value, found a list: use IN for several`);
  }
  let holds: (field: unknown) => boolean;
  if (value.kind === 'list') {
    const any = (field: unknown): boolean => value.values.some((item) => equals(field, item));
    holds = comparator === 'IN' ? any : (field) => !any(field);
  } else if (comparator === 'LIKE' || comparator === 'ILIKE' || comparator === 'RLIKE') {
    if (value.kind !== 'string') return fail(`${comparator} needs a quoted pattern, found ${value.text}`);
    const pattern = value.value;
    const matches = comparator === 'RLIKE' ? regexMatcher(pattern, (why) => fail(`invalid RLIKE pattern: ${why}`)) : likeMatcher(pattern, comparator === 'ILIKE');
    holds = (field) => matches(asText(field));
  } else {
    const order = orderAgainst(value);
    holds = (field) => {
      const c = order(field);
      if (c === null) return false;
      switch (comparator) {
        case '=':
          return c === 0;
        case '!=':
          return c !== 0;
        case '<':
          return c < 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        default:
          return c >= 0;
      }
    };
  }
  return (value) => readAll(value, path).some(holds);
}

/** The identifier's segments as a path (a bare `*` is a wildcard, as in `pick`). */
function toValuePath({ identifier }: Comparison): ValuePath {
  const segments: PathSegment[] = identifier.segments.map((key, i) => {
    const column = identifier.segmentColumns[i] ?? identifier.column;
    return key === '*' ? { kind: 'wildcard', column } : { kind: 'key', key, quoted: false, column };
  });
  return { text: identifier.text, segments, wildcard: segments.some((s) => s.kind === 'wildcard') };
}

/** How a field orders against a scalar literal, or null when they cannot be compared. */
function orderAgainst(literal: Exclude<Literal, { kind: 'list' }>): (field: unknown) => number | null {
  if (literal.kind === 'number') {
    const n = literal.value;
    return (field) => {
      const x = asNumber(field);
      return x === null ? null : x < n ? -1 : x > n ? 1 : 0;
    };
  }
  return (field) => compareStrings(asText(field), literal.value);
}

function equals(field: unknown, item: Exclude<Literal, { kind: 'list' }>): boolean {
  return orderAgainst(item)(field) === 0;
}

function asNumber(field: unknown): number | null {
  if (typeof field === 'number') return field;
  if (typeof field === 'string' && JSON_NUMBER.test(field)) return Number(field);
  return null;
}

function asText(field: unknown): string {
  return typeof field === 'string' ? field : JSON.stringify(field);
}
