import { isLosslessNumber, LosslessNumber, parse } from 'lossless-json';
import { rewriteNonFinite } from '../ingest/parse.js';
import { parseDottedPath, splitPathList, type PathSegment } from './dotted-path.js';
import { QuerySyntaxError } from './errors.js';
import { reindentJson } from './reindent.js';

/** One `--extract-fields` path: its text as written and its segments. */
export interface FieldPath {
  text: string;
  segments: PathSegment[];
}

/**
 * Parses the `--extract-fields` argument: comma-separated dot paths over `Trace.to_dict()`
 * (``info.tags.`mlflow.traceName` ``, `data.spans.*.name`). Throws `QuerySyntaxError` (what
 * `extract-fields`) with the column of the fault in the whole argument. A bare numeric segment
 * (`data.spans.0.name`) is refused: MLflow's validation never matches it (it walks dicts only,
 * mlflow/utils/jsonpath_utils.py `jsonpath_extract_values`) and aborts with "❌ Invalid field
 * path(s)"; here the mistake is said before any trace is read.
 */
export function parseExtractFields(spec: string): FieldPath[] {
  return splitPathList(spec).map(({ path, offset }) => {
    const segments = parseDottedPath(path, 'extract-fields', spec, offset);
    for (const s of segments) {
      if (s.kind === 'key' && !s.quoted && /^[0-9]+$/.test(s.key)) {
        throw new QuerySyntaxError(
          `expected a key or * in '${path}', found the list index ${s.key}: --extract-fields paths do not index lists (MLflow rejects them too); use * for every item, or \`${s.key}\` for a key named ${s.key}`,
          'extract-fields',
          spec,
          s.column,
        );
      }
    }
    return { text: path, segments };
  });
}

/** Nothing selected under a node (distinct from a selected `null`, which MLflow drops anyway). */
const NOTHING: unique symbol = Symbol('nothing');

/** A path part-way through the document: which path, and the index of its next segment. */
interface Cursor {
  path: number;
  step: number;
}

/**
 * Applies the paths to one trace document (from `parseLossless`) the way MLflow's
 * `filter_json_by_fields` (mlflow/utils/jsonpath_utils.py) shapes its output: the original
 * nesting is kept, `*` expands every value of an object or item of a list, a selected `null` is
 * left out, and a list keeps the positions up to its last selected item, earlier unselected ones
 * as `{}` placeholders (`null` when the path ends at the item). Unlike MLflow, a wildcard followed
 * by a backticked dotted key works (MLflow 3.6 re-splits expanded paths on dots and finds
 * nothing), and a path that selects nothing is not an error: its index is returned in `unmatched`
 * (a path that reaches a `null` did match, as MLflow's validation counts it). Keys come in the
 * document's order (MLflow's order depends on set iteration). The result shares subtrees with
 * `doc`.
 */
export function extractFields(doc: unknown, paths: readonly FieldPath[]): { value: Record<string, unknown>; unmatched: number[] } {
  const matched = paths.map(() => false);
  const start = paths.map((_, path) => ({ path, step: 0 }));
  const selected = paths.length === 0 ? NOTHING : select(doc, start, paths, matched);
  const value = isPlainObject(selected) ? selected : {};
  return { value, unmatched: matched.flatMap((m, i) => (m ? [] : [i])) };
}

function select(node: unknown, cursors: readonly Cursor[], paths: readonly FieldPath[], matched: boolean[]): unknown {
  const deeper: Cursor[] = [];
  let whole = false;
  for (const c of cursors) {
    if (c.step === paths[c.path]!.segments.length) {
      matched[c.path] = true;
      whole = true;
    } else deeper.push(c);
  }
  if (whole) {
    // A path that ends here takes the whole node, whatever longer paths want of it; they are
    // still walked, only to learn whether they match.
    if (deeper.length > 0) select(node, deeper, paths, matched);
    return node === null ? NOTHING : node;
  }
  const segment = (c: Cursor): PathSegment => paths[c.path]!.segments[c.step]!;
  const advance = (c: Cursor): Cursor => ({ path: c.path, step: c.step + 1 });

  if (Array.isArray(node)) {
    const next = deeper.filter((c) => segment(c).kind === 'wildcard').map(advance);
    if (next.length === 0) return NOTHING;
    const out: unknown[] = [];
    let last = -1;
    for (let i = 0; i < node.length; i++) {
      const r = select(node[i], next, paths, matched);
      if (r !== NOTHING) {
        out[i] = r;
        last = i;
      }
    }
    if (last < 0) return NOTHING;
    // MLflow pads a list with {} on the way to a deeper value, with None when the item is the value.
    const intermediate = next.some((c) => c.step < paths[c.path]!.segments.length);
    for (let i = 0; i < last; i++) if (!(i in out)) out[i] = intermediate ? {} : null;
    return out;
  }
  if (isPlainObject(node)) {
    const out: Record<string, unknown> = {};
    let any = false;
    for (const key of Object.keys(node)) {
      const next: Cursor[] = [];
      for (const c of deeper) {
        const s = segment(c);
        if (s.kind === 'wildcard' || s.key === key) next.push(advance(c));
      }
      if (next.length === 0) continue;
      const r = select(node[key], next, paths, matched);
      if (r === NOTHING) continue;
      setKey(out, key, r);
      any = true;
    }
    return any ? out : NOTHING;
  }
  return NOTHING;
}

/** A JSON object of the parsed document (not a list or a lossless number). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

/** Own-property assignment, so a key named `__proto__` stays a key. */
function setKey(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

/**
 * Parses a trace's original text losslessly: every number stays a `LosslessNumber` holding its
 * literal (`4.0`, a 19-digit nanosecond time), Python's `NaN` / `Infinity` / `-Infinity` tokens
 * become the JS numbers of those names (printed back as the same tokens), and a repeated key
 * keeps its last value (as `JSON.parse` and Python do; lossless-json would throw). Throws
 * `SyntaxError` on text that is not JSON.
 */
export function parseLossless(text: string): unknown {
  const options = { parseNumber: (literal: string) => new LosslessNumber(literal), onDuplicateKey: lastValue };
  try {
    return parse(text, null, options);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // Only records with Python's non-finite tokens pay for the rewrite.
    const rewritten = markNonFinite(text);
    if (rewritten === null) throw error;
    const { nan, inf } = rewritten;
    return parse(rewritten.text, null, {
      onDuplicateKey: lastValue,
      parseNumber: (literal: string) => (literal === nan ? NaN : literal === inf ? Infinity : literal === `-${inf}` ? -Infinity : new LosslessNumber(literal)),
    });
  }
}

const lastValue = ({ newValue }: { newValue: unknown }): unknown => newValue;

/**
 * Replaces `NaN` and `Infinity` outside strings by number literals found nowhere in the text, so
 * the number parser can tell them apart from every real number. Null when there are none.
 */
function markNonFinite(text: string): { text: string; nan: string; inf: string } | null {
  let nan = '0E+31415926535';
  let inf = '0E+27182818284';
  while (text.includes(nan)) nan += '7';
  while (text.includes(inf)) inf += '7';
  const rewritten = rewriteNonFinite(text, nan, inf);
  return rewritten.count === 0 ? null : { text: rewritten.text, nan, inf };
}

/**
 * Prints a value from `parseLossless` / `extractFields` as Python's `json.dumps(value, indent=2)`
 * lays it out, `level` as in `reindentJson`. Numbers are their original literals; strings are
 * escaped as `json.dumps` escapes them (non-ASCII as `\uXXXX`), so each value reads as MLflow
 * prints it. lossless-json's `stringify` is not used: it cannot write `NaN` (a number stringifier
 * must return a JSON number) and writes non-ASCII characters raw.
 */
export function printLossless(value: unknown, level = 0): string {
  return reindentJson(compactLossless(value), level);
}

/** A frame of the explicit stack: an open list or object and the next member to write. */
type Frame = { list: readonly unknown[]; i: number } | { object: Record<string, unknown>; keys: string[]; i: number };

/** Writes the value without whitespace, depth-first with an explicit stack (no recursion). */
function compactLossless(root: unknown): string {
  const parts: string[] = [];
  const stack: Frame[] = [];
  const open = (value: unknown): void => {
    if (Array.isArray(value)) {
      parts.push('[');
      stack.push({ list: value, i: 0 });
    } else if (isPlainObject(value)) {
      parts.push('{');
      stack.push({ object: value, keys: Object.keys(value).filter((k) => isJsonValue(value[k])), i: 0 });
    } else parts.push(scalar(value));
  };
  open(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if ('list' in top) {
      if (top.i === top.list.length) {
        parts.push(']');
        stack.pop();
        continue;
      }
      if (top.i > 0) parts.push(',');
      const item = top.list[top.i++];
      open(isJsonValue(item) ? item : null);
    } else {
      if (top.i === top.keys.length) {
        parts.push('}');
        stack.pop();
        continue;
      }
      if (top.i > 0) parts.push(',');
      const key = top.keys[top.i++]!;
      parts.push(pythonString(key), ':');
      open(top.object[key]);
    }
  }
  return parts.join('');
}

/** What JSON can hold: `JSON.stringify` leaves out undefined, functions and symbols (null in a list). */
function isJsonValue(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return pythonString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (isLosslessNumber(value)) return value.value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return pythonString(String(value));
}

/**
 * A string as `json.dumps` (ensure_ascii) writes it: `JSON.stringify` already escapes quotes,
 * backslashes and control characters the same way, and lone surrogates as `\udxxx`; Python also
 * escapes DEL and everything above ASCII, in lowercase hex.
 */
function pythonString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}
