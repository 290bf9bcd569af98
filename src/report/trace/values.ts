import { cut, ELLIPSIS_AFTER, withTotal } from '../../shared/text.js';

/** After a long string value: its whole length in code points. */
const WITH_TOTAL = withTotal();

// Attribute and assessment values come from untrusted files and can nest 100 000 levels deep
// (JSON.parse copes; JSON.stringify and any recursive walk overflow the stack). Both functions
// here walk with an explicit stack and stop early once the output is long enough.

/** Characters of a rendered value shown without `--full`. */
export const VALUE_CHARS = 300;
/** Nesting kept in `--format json` output: deeper containers become {@link TOO_DEEP_MARKER}. */
export const JSON_VALUE_DEPTH = 32;
/** String characters and container items kept in `--format json` output without `--full`. */
export const JSON_STRING_CHARS = 2000;
export const JSON_ITEMS = 100;

/** What stands for a container nested deeper than {@link JSON_VALUE_DEPTH}. */
export const TOO_DEEP_MARKER = '[nested too deep]';

type Frame = { open: '[' | '{'; close: ']' | '}'; entries: Array<[string | null, unknown]>; at: number };

/**
 * A value as compact JSON text (`{"a":[1,2]}`), cut after `maxChars` characters with `…`
 * (`maxChars` null: whole). Iterative: depth costs heap, not stack.
 */
export function renderValue(value: unknown, maxChars: number | null): string {
  let out = '';
  const limit = maxChars ?? Infinity;
  const stack: Frame[] = [];
  let pending: unknown = value;
  let hasPending = true;
  while (out.length <= limit) {
    if (hasPending) {
      hasPending = false;
      const v = pending;
      if (Array.isArray(v)) stack.push({ open: '[', close: ']', entries: v.map((x) => [null, x]), at: 0 });
      else if (v !== null && typeof v === 'object') stack.push({ open: '{', close: '}', entries: Object.entries(v), at: 0 });
      else {
        out += scalar(v);
        continue;
      }
      out += stack[stack.length - 1]!.open;
      continue;
    }
    const frame = stack[stack.length - 1];
    if (frame === undefined) break;
    if (frame.at >= frame.entries.length) {
      out += frame.close;
      stack.pop();
      continue;
    }
    const [key, item] = frame.entries[frame.at]!;
    if (frame.at > 0) out += ',';
    if (key !== null) out += `${JSON.stringify(key)}:`;
    frame.at++;
    pending = item;
    hasPending = true;
  }
  return cut(out, limit, ELLIPSIS_AFTER);
}

function scalar(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(String(v));
}

/**
 * A copy of a value safe to hand to `JSON.stringify`: containers deeper than
 * {@link JSON_VALUE_DEPTH} become {@link TOO_DEEP_MARKER}; without `full`, strings are cut at
 * {@link JSON_STRING_CHARS} and containers at {@link JSON_ITEMS} items (a last item or key `…`
 * says how many were left out). Iterative, like {@link renderValue}.
 */
export function boundedValue(value: unknown, full: boolean): unknown {
  const root: { v: unknown } = { v: null };
  const work: Array<{ source: unknown; set: (v: unknown) => void; depth: number }> = [{ source: value, set: (v) => (root.v = v), depth: 0 }];
  while (work.length > 0) {
    const { source, set, depth } = work.pop()!;
    if (Array.isArray(source)) {
      if (depth >= JSON_VALUE_DEPTH) {
        set(TOO_DEEP_MARKER);
        continue;
      }
      const kept = full ? source : source.slice(0, JSON_ITEMS);
      const copy: unknown[] = new Array<unknown>(kept.length).fill(null);
      kept.forEach((item, i) => work.push({ source: item, set: (v) => (copy[i] = v), depth: depth + 1 }));
      if (kept.length < source.length) copy.push(`… ${source.length - kept.length} more items`);
      set(copy);
    } else if (source !== null && typeof source === 'object') {
      if (depth >= JSON_VALUE_DEPTH) {
        set(TOO_DEEP_MARKER);
        continue;
      }
      const entries = Object.entries(source);
      const kept = full ? entries : entries.slice(0, JSON_ITEMS);
      // A null prototype: a key named __proto__ in the file stays a plain key.
      const copy = Object.create(null) as Record<string, unknown>;
      // Keys first, in file order: the work stack fills the values in reverse.
      for (const [key] of kept) copy[key] = null;
      for (const [key, item] of kept) work.push({ source: item, set: (v) => (copy[key] = v), depth: depth + 1 });
      if (kept.length < entries.length) copy['…'] = `${entries.length - kept.length} more keys`;
      set(copy);
    } else if (typeof source === 'string') {
      set(full ? source : cut(source, JSON_STRING_CHARS, WITH_TOTAL));
    } else if (typeof source === 'number') set(Number.isFinite(source) ? source : String(source));
    else if (typeof source === 'boolean' || source === null) set(source);
    else set(source === undefined ? null : String(source));
  }
  return root.v;
}
