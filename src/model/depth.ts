/**
 * How deep a trace may nest. No MLflow trace comes near this (a span's attributes are a few levels
 * deep; JSON text inside strings is decoded separately); the scanner refuses deeper records as
 * `too-deep`, and every recursive writer and reader downstream (JSONPath, Python-style dumps,
 * re-indenting, jq) is safe up to it. JSON Lines taken by the fast path are not scanned, and
 * `JSON.parse` is not recursive, so their parsed values are measured with {@link depthBeyond}.
 */
export const MAX_DEPTH = 512;

/** A container met on the walk, linked to its parent so a location costs nothing until wanted. */
interface Step {
  v: object;
  d: number;
  key: string | number;
  up: Step | null;
}

/**
 * The location of the first object or array nested deeper than `limit` levels in `value` (the
 * top-level container is level 1, as the scanner counts), or null when there is none. Iterative,
 * so any depth is fine; it visits containers only, and stops at the first one too deep.
 */
export function depthBeyond(value: unknown, limit = MAX_DEPTH): Array<string | number> | null {
  if (value === null || typeof value !== 'object') return null;
  const stack: Step[] = [{ v: value, d: 1, key: '', up: null }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    if (step.d > limit) return locationOf(step);
    const { v, d } = step;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const item: unknown = v[i];
        if (item !== null && typeof item === 'object') stack.push({ v: item, d: d + 1, key: i, up: step });
      }
    } else {
      for (const key in v) {
        const item = (v as Record<string, unknown>)[key];
        if (item !== null && typeof item === 'object') stack.push({ v: item, d: d + 1, key, up: step });
      }
    }
  }
  return null;
}

function locationOf(step: Step): Array<string | number> {
  const out: Array<string | number> = [];
  for (let s: Step | null = step; s !== null && s.up !== null; s = s.up) out.push(s.key);
  return out.reverse();
}
