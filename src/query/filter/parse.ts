import { QuerySyntaxError } from '../errors.js';
import { Cursor } from './lexer.js';

/** The comparators of MLflow 3.6's trace filter grammar (`SearchTraceUtils`, `mlflow/utils/search_utils.py`). */
export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'NOT IN' | 'LIKE' | 'ILIKE' | 'RLIKE';

/** A value on the right of a comparator: a quoted string, a number, or an `IN (...)` list. */
export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'list'; values: Array<{ kind: 'string'; value: string } | { kind: 'number'; value: number; text: string }> };

/** One `<key> <comparator> <value>` of an AND-joined filter. */
export interface Comparison {
  /** The left side as written, and its dotted segments with backticks/quotes removed: metadata.`mlflow.trace.session` -> ['metadata', 'mlflow.trace.session'] */
  identifier: {
    text: string;
    segments: string[];
    column: number;
    /** 1-based column of each segment (of its opening quote when quoted). */
    segmentColumns: number[];
  };
  comparator: Comparator;
  value: Literal;
  /** 1-based column where the comparison starts */
  column: number;
  /** 1-based column of the comparator. */
  comparatorColumn: number;
  /** 1-based column of the value (of the `(` for a list). */
  valueColumn: number;
}

/** The comparators a filter may use, in the order error messages list them. */
export const COMPARATORS: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>=', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'RLIKE'];

const WORD_COMPARATORS: ReadonlySet<string> = new Set(['LIKE', 'ILIKE', 'RLIKE', 'IN']);

/** MLflow's own words for a disjunction (`_process_statement` in `mlflow/utils/search_utils.py`), plus what to do instead. */
export const OR_MESSAGE =
  "Invalid clause(s) in filter string: 'OR'. The filter grammar joins comparisons with AND only: " + "run one search per alternative, or use IN ('a', 'b') for several values of one key.";

/**
 * AND-joined comparisons; throws QuerySyntaxError (what = `what`) with the column of the fault.
 *
 * Only the syntax is checked here (keys, comparators and values are what MLflow's sqlparse-based
 * reader accepts); which keys exist and which comparators each allows is `compileFilter`'s job,
 * so a pipeline's `where(...)` can reuse the grammar over other keys. `source` and `offset` place
 * `text` inside a longer text the user wrote, so columns point into that.
 *
 * Keywords (`AND`, `IN`, `NOT IN`, `LIKE`, `ILIKE`, `RLIKE`) are case-insensitive; keys are not.
 * An empty or blank text is an empty list (a filter that matches everything).
 */
export function parseComparisons(text: string, what: 'filter' | 'pipeline', source: string = text, offset = 0): Comparison[] {
  const noun = what === 'filter' ? 'filter' : 'condition';
  const fail = (message: string, at: number): never => {
    throw new QuerySyntaxError(message, what, source, offset + at + 1);
  };
  const cursor = new Cursor(text, fail);
  const col = (at: number): number => offset + at + 1;
  const out: Comparison[] = [];
  cursor.skipSpace();
  if (cursor.atEnd()) return out;
  for (;;) {
    out.push(comparison(cursor, col, noun));
    cursor.skipSpace();
    if (cursor.atEnd()) return out;
    const at = cursor.pos;
    const word = cursor.readWord();
    const upper = word?.toUpperCase();
    if (upper === 'OR') fail(OR_MESSAGE, at);
    if (upper !== 'AND') {
      cursor.pos = at;
      fail(`Invalid clause(s) in ${noun} string: ${cursor.shown(at)}. Expected AND or the end of the ${noun} after a comparison.`, at);
    }
    if (!cursor.skipSpace() && !cursor.atEnd() && cursor.peek() !== '`' && cursor.peek() !== '"') {
      fail(`Expected white space after AND, found ${cursor.shown()}.`, cursor.pos);
    }
    if (cursor.atEnd()) fail(`Expected a comparison after AND, found the end of the ${noun}.`, cursor.pos);
  }
}

function comparison(cursor: Cursor, col: (at: number) => number, noun: string): Comparison {
  const start = cursor.pos;
  const identifier = readIdentifier(cursor, col);
  const keyText = identifier.text;
  cursor.skipSpace();
  const comparatorAt = cursor.pos;
  const comparator = readComparator(cursor, keyText, noun);
  cursor.skipSpace();
  const valueAt = cursor.pos;
  const value = readValue(cursor, comparator, noun);
  return {
    identifier,
    comparator,
    value,
    column: col(start),
    comparatorColumn: col(comparatorAt),
    valueColumn: col(valueAt),
  };
}

function readIdentifier(cursor: Cursor, col: (at: number) => number): Comparison['identifier'] {
  const start = cursor.pos;
  const segments: string[] = [];
  const segmentColumns: number[] = [];
  for (;;) {
    const at = cursor.pos;
    const c = cursor.peek();
    const first = segments.length === 0;
    let segment: string | null;
    if (c === '`' || c === '"' || (c === "'" && !first)) {
      segment = cursor.readQuoted();
      if (segment === '') cursor.fail(`Empty key in quotes: a key needs at least one character.`, at);
    } else {
      segment = cursor.readWord(!first);
    }
    if (segment === null) cursor.fail(first ? expectedKey(cursor) : `Expected a key after '.', found ${found(cursor)}.`, at);
    if (first && c !== '`' && c !== '"') {
      const upper = segment.toUpperCase();
      if (upper === 'OR') cursor.fail(OR_MESSAGE, at);
      if (upper === 'AND' || upper === 'NOT') cursor.fail(`Expected a key such as status or tag.<name>, found the keyword ${upper}.`, at);
    }
    segments.push(segment);
    segmentColumns.push(col(at));
    if (cursor.peek() !== '.') break;
    cursor.pos++;
  }
  return { text: cursor.text.slice(start, cursor.pos), segments, column: col(start), segmentColumns };
}

function expectedKey(cursor: Cursor): string {
  const c = cursor.peek();
  if (c === "'") return `Expected a key such as status or tag.<name>, found the string ${cursor.shown()}: keys are written bare or in backticks.`;
  if (c === '(') return "Expected a key such as status or tag.<name>, found '(': parentheses only hold IN lists, and comparisons are joined by AND.";
  return `Expected a key such as status or tag.<name>, found ${found(cursor)}.`;
}

function found(cursor: Cursor): string {
  if (cursor.atEnd()) return 'the end of the text';
  return /\s/.test(cursor.peek()) ? 'white space' : cursor.shown();
}

function readComparator(cursor: Cursor, key: string, noun: string): Comparator {
  const at = cursor.pos;
  const expected = `Expected a comparator (${COMPARATORS.join(', ')}) after ${key}`;
  if (cursor.atEnd()) cursor.fail(`${expected}, found the end of the ${noun}.`, at);
  if (cursor.peek() === '.') cursor.fail(`Unexpected '.' after ${key}: write a dotted key without spaces (tag.name).`, at);
  const op = cursor.readOperator();
  if (op !== null) {
    if (op === '==') cursor.fail(`Invalid comparator '=='. Use '=' to compare.`, at);
    if (op === '<>') cursor.fail(`Invalid comparator '<>'. Use '!=' for "not equal".`, at);
    return op as Comparator;
  }
  const word = cursor.readWord();
  const upper = word?.toUpperCase() ?? '';
  if (WORD_COMPARATORS.has(upper)) return upper as Comparator;
  if (upper === 'NOT') {
    cursor.skipSpace();
    const next = cursor.readWord()?.toUpperCase();
    if (next === 'IN') return 'NOT IN';
    const shown = next === undefined ? 'NOT' : `NOT ${next}`;
    cursor.fail(`Invalid comparator '${shown}': NOT is only supported in NOT IN (...).`, at);
  }
  cursor.pos = at;
  return cursor.fail(`${expected}, found ${cursor.shown(at)}.`, at);
}

function readValue(cursor: Cursor, comparator: Comparator, noun: string): Literal {
  const at = cursor.pos;
  const c = cursor.peek();
  if (cursor.atEnd()) cursor.fail(`Expected a value after ${comparator}, found the end of the ${noun}.`, at);
  if (c === '(') return readList(cursor, comparator);
  const scalar = readScalar(cursor);
  if (scalar !== null) return scalar;
  if (c === '`') cursor.fail(`Expected a value after ${comparator}, found a backticked name: values go in single or double quotes.`, at);
  const word = cursor.readWord();
  if (word !== null) {
    // MLflow: "Parameter value is either not quoted or unidentified quote types used for string value ..."
    cursor.fail(`Expected a quoted value after ${comparator}, found ${word}: put strings in single or double quotes ('${word}').`, at);
  }
  return cursor.fail(`Expected a value after ${comparator}, found ${cursor.shown(at)}.`, at);
}

/** A single value: a string in single or double quotes, or a number. */
type Scalar = Extract<Literal, { kind: 'string' | 'number' }>;

function readScalar(cursor: Cursor): Scalar | null {
  const c = cursor.peek();
  if (c === "'" || c === '"') return { kind: 'string', value: cursor.readQuoted() };
  const number = cursor.readNumber();
  if (number !== null) return { kind: 'number', value: number.value, text: number.text };
  return null;
}

function readList(cursor: Cursor, comparator: Comparator): Literal {
  const open = cursor.pos;
  cursor.pos++;
  const values: Scalar[] = [];
  for (;;) {
    cursor.skipSpace();
    if (cursor.atEnd()) cursor.fail(`Unclosed list after ${comparator}: the ( opened here has no closing ).`, open);
    if (cursor.peek() === ')') {
      if (values.length === 0) {
        // MLflow: "While parsing a list in the query, expected a non-empty list of string values, but got empty list"
        cursor.fail(`Expected a non-empty list of quoted values after ${comparator}, found ().`, open);
      }
      cursor.pos++;
      return { kind: 'list', values };
    }
    const itemAt = cursor.pos;
    const item = readScalar(cursor);
    if (item === null) cursor.fail(`Expected a quoted value in the list, found ${cursor.shown(itemAt)}.`, itemAt);
    values.push(item);
    cursor.skipSpace();
    if (cursor.peek() === ',') cursor.pos++;
    else if (cursor.peek() !== ')' && !cursor.atEnd()) {
      cursor.fail(`Expected ',' or ')' in the list, found ${cursor.shown()}.`, cursor.pos);
    }
  }
}
