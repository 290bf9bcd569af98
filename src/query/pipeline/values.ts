import { compareStrings } from '../compare-strings.js';
import { parseDottedPath, type PathSegment } from '../dotted-path.js';

/**
 * A path a stage reads from each value (`pick`, `group_by`, `sort_by`, `min`...): MLflow's dotted
 * syntax, or `@` (also `.`) for the value itself, which is what `group_by(@)` over
 * `$.data.spans[*].name` needs.
 */
export interface ValuePath {
  /** The path as the user wrote it (trimmed): the key `pick` gives it. */
  readonly text: string;
  /** Empty for `@`: the value itself. */
  readonly segments: readonly PathSegment[];
  /** A `*` makes the path reach any number of values, so it reads as a list. */
  readonly wildcard: boolean;
}

/** Parses one stage argument as a `ValuePath`; `offset` is its 0-based position in `source`. */
export function parseValuePath(text: string, source: string, offset: number): ValuePath {
  const trimmed = text.trim();
  const at = offset + (text.length - text.trimStart().length);
  if (trimmed === '@' || trimmed === '.') return { text: trimmed, segments: [], wildcard: false };
  const segments = parseDottedPath(trimmed, 'pipeline', source, at);
  return { text: trimmed, segments, wildcard: segments.some((s) => s.kind === 'wildcard') };
}

/**
 * Every value the path reaches in `value`, in document order (none when a key is missing). As in
 * MLflow's `jsonpath_extract_values` (`mlflow/utils/jsonpath_utils.py`), `*` takes the items of a
 * list or the values of an object and a key reads an object; a key of digits also indexes a list,
 * as MLflow's `get_nested_value_safe` in the same file does.
 */
export function readAll(value: unknown, path: ValuePath): unknown[] {
  let current: unknown[] = [value];
  for (const segment of path.segments) {
    const next: unknown[] = [];
    for (const item of current) {
      if (segment.kind === 'wildcard') {
        if (Array.isArray(item)) next.push(...(item as unknown[]));
        else if (isObject(item)) next.push(...Object.values(item));
      } else {
        const child = childOf(item, segment.key);
        if (child !== undefined) next.push(child);
      }
    }
    current = next;
  }
  return current;
}

/**
 * The value a path names: the one value, `undefined` when it is missing, or, for a path with a
 * `*`, the list of every value reached (possibly empty).
 */
export function readPath(value: unknown, path: ValuePath): unknown {
  const all = readAll(value, path);
  return path.wildcard ? all : all[0];
}

/** A key of an object, or an index (written as digits) of an array. */
function childOf(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return /^(0|[1-9][0-9]*)$/.test(key) ? (value as unknown[])[Number(key)] : undefined;
  if (isObject(value) && Object.hasOwn(value, key)) return value[key];
  return undefined;
}

/** A plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with object keys sorted: two values are the same JSON exactly when these strings are equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort(compareStrings);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const RANK = { null: 0, false: 1, true: 2, number: 3, string: 4, array: 5, object: 6 } as const;

function rank(value: unknown): number {
  if (value === null || value === undefined) return RANK.null;
  if (value === false) return RANK.false;
  if (value === true) return RANK.true;
  if (typeof value === 'number') return RANK.number;
  if (typeof value === 'string') return RANK.string;
  return Array.isArray(value) ? RANK.array : RANK.object;
}

/**
 * jq's total order of JSON values (`sort`, `min`, `max`): null < false < true < numbers < strings
 * < arrays < objects; strings by code point, arrays item by item, objects by their sorted keys and
 * then their values. A missing value (`undefined`) sorts as null, as `.missing` is null in jq.
 */
export function compareJson(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareJson(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).sort(compareStrings);
    const kb = Object.keys(b).sort(compareStrings);
    const byKeys = compareJson(ka, kb);
    if (byKeys !== 0) return byKeys;
    for (const key of ka) {
      const c = compareJson(a[key], b[key]);
      if (c !== 0) return c;
    }
  }
  return 0;
}
