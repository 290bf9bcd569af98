import { FunctionExpressionType, JSONPathEnvironment, JSONPathError, jsonpath, type FilterFunction, type JSONPathQuery, type JSONValue } from 'json-p3';
import { RE2JS, RE2JSException } from 're2js';
import { MAX_DEPTH } from '../model/depth.js';
import { QuerySyntaxError } from './errors.js';

/** One node a JSONPath selected: its normalized path, its location as keys and indices, its value. */
export interface SelectedNode {
  /** RFC 9535 normalized path: `$['data']['spans'][0]['name']`. */
  readonly path: string;
  /** The same location as keys and array indices, to find the node again in another parse of the document. */
  readonly location: ReadonlyArray<string | number>;
  readonly value: unknown;
}

/** An RFC 9535 query compiled once, applied to many traces. */
export interface CompiledPath {
  readonly text: string;
  /** Every node the query selects in one document, in document order, lazily (a consumer may stop early). */
  select(doc: unknown): Iterable<SelectedNode>;
}

/**
 * `match()` and `search()` run user patterns over untrusted trace text, so they run on RE2 (linear
 * time, no catastrophic backtracking) instead of json-p3's `RegExp`. RE2 syntax is a superset of
 * RFC 9485 I-Regexp; RFC 9535 §2.4.6–2.4.7 make an invalid pattern a non-match, which is what a
 * pattern read from the document gets (a pattern written in the query is checked at compile time).
 */
class Re2Function implements FilterFunction {
  readonly argTypes = [FunctionExpressionType.ValueType, FunctionExpressionType.ValueType];
  readonly returnType = FunctionExpressionType.LogicalType;
  readonly #cache = new Map<string, RE2JS | null>();

  constructor(readonly whole: boolean) {}

  call(value: unknown, pattern: unknown): boolean {
    if (typeof value !== 'string' || typeof pattern !== 'string') return false;
    const re = this.#compiled(pattern);
    if (re === null) return false;
    return this.whole ? re.matches(value) : re.test(value);
  }

  #compiled(pattern: string): RE2JS | null {
    const cached = this.#cache.get(pattern);
    if (cached !== undefined) return cached;
    let re: RE2JS | null;
    try {
      re = compileIRegexp(pattern);
    } catch (error) {
      if (!(error instanceof RE2JSException)) throw error;
      re = null; // RFC 9535 §2.4.6: an invalid pattern matches nothing
    }
    // Patterns usually come from the query (a handful); a bound keeps document-borne ones in check.
    if (this.#cache.size >= 64) this.#cache.clear();
    this.#cache.set(pattern, re);
    return re;
  }
}

/** I-Regexp's `.` matches any character but CR and LF (RFC 9485 §5.3); RE2's only excludes LF. */
function compileIRegexp(pattern: string): RE2JS {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '');
      i++;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === ']') {
      inClass = false;
      out += c;
    } else out += c === '.' && !inClass ? '[^\\n\\r]' : c;
  }
  return RE2JS.compile(out);
}

// json-p3 stops descendant segments (`..`) at 50 levels by default; a trace may nest up to MAX_DEPTH
// (records deeper are refused when read), and recursion to that depth is safe.
const ENVIRONMENT = new JSONPathEnvironment({ maxRecursionDepth: MAX_DEPTH + 1 });
ENVIRONMENT.functionRegister.set('match', new Re2Function(true));
ENVIRONMENT.functionRegister.set('search', new Re2Function(false));

/**
 * Compiles an RFC 9535 query with json-p3 once. A syntax or type error becomes
 * `QuerySyntaxError('jsonpath')`; `source` and `offset` place the query in the text the user wrote
 * (the whole `'<jsonpath> | stage ...'`), so the column points there.
 */
export function compileJsonPath(text: string, source: string = text, offset = 0): CompiledPath {
  const fail = (message: string, at: number): never => {
    throw new QuerySyntaxError(message, 'jsonpath', source, offset + at + 1);
  };
  // RFC 9535 allows no blank space around a query; around the `|` of a pipeline it is ours to allow.
  const lead = text.length - text.trimStart().length;
  const query = text.trim();
  if (query === '') fail("expected a JSONPath starting with '$', found nothing", 0);
  let compiled: JSONPathQuery;
  try {
    compiled = ENVIRONMENT.compile(query);
  } catch (error) {
    if (!(error instanceof JSONPathError)) throw error;
    return fail(cleanMessage(error.message, offset + lead), lead + error.token.index);
  }
  checkLiteralPatterns(compiled, (message, at) => fail(message, lead + at));
  return {
    text: query,
    *select(doc: unknown): Iterable<SelectedNode> {
      for (const node of compiled.lazyQuery(doc as JSONValue)) {
        yield { path: node.getPath({ form: 'canonical' }), location: node.location, value: node.value };
      }
    },
  };
}

/** json-p3 ends its messages with `('<excerpt>':<index>)` and counts from 0; our column says where. */
function cleanMessage(message: string, offset: number): string {
  return message
    .replace(/\s*\('[\s\S]*':\d+\)$/, '')
    .replace(/^expected '\$', found/, () => "expected '$' to start the JSONPath, found")
    .replace(/\bat index (\d+)/g, (_, index: string) => `at column ${offset + Number(index) + 1}`);
}

/** A pattern literal that RE2 refuses is a mistake in the query: say so now rather than match nothing. */
function checkLiteralPatterns(query: JSONPathQuery, fail: (message: string, at: number) => never): void {
  const { expressions, selectors } = jsonpath;
  const visit = (expression: unknown): void => {
    if (expression instanceof expressions.LogicalExpression) visit(expression.expression);
    else if (expression instanceof expressions.PrefixExpression) visit(expression.right);
    else if (expression instanceof expressions.InfixExpression) {
      visit(expression.left);
      visit(expression.right);
    } else if (expression instanceof expressions.FilterQuery) visitQuery(expression.path);
    else if (expression instanceof expressions.FunctionExtension) {
      expression.args.forEach(visit);
      const pattern = expression.args[1];
      if ((expression.name === 'match' || expression.name === 'search') && pattern instanceof expressions.StringLiteral) {
        try {
          compileIRegexp(pattern.value);
        } catch (error) {
          if (!(error instanceof RE2JSException)) throw error;
          fail(`invalid regular expression in ${expression.name}(): ${error.message}`, pattern.token.index);
        }
      }
    }
  };
  const visitQuery = (inner: JSONPathQuery): void => {
    for (const segment of inner.segments) {
      for (const selector of segment.selectors) if (selector instanceof selectors.FilterSelector) visit(selector.expression);
    }
  };
  visitQuery(query);
}
