import { needsExact, projectExact, settleExact } from './exact-numbers.js';
import type { Emit, QueryRow, Stage, StagePlan } from './types.js';
import { canonicalJson, compareJson, readPath, type ValuePath } from './values.js';

/**
 * `pick(a, b.c, `d.e`)`: each value becomes an object keyed by the paths as written. A missing
 * field is null (every output has the same keys); a path with `*` gives the list it reaches.
 */
export function pickPlan(text: string, paths: readonly ValuePath[]): StagePlan {
  const project = (value: unknown): unknown => {
    const out: Record<string, unknown> = {};
    for (const path of paths) out[path.text] = readPath(value, path) ?? null;
    return out;
  };
  return {
    text,
    reshapes: false,
    start: () =>
      streaming((row, emit) => {
        const value = project(row.value);
        emit({ ...row, value, exact: row.exact !== null && needsExact(value) ? projectExact(row.exact, project) : null });
      }),
  };
}

/** `unique`: the first row of each distinct value (same JSON, key order aside); holds only the set of those. */
export function uniquePlan(text: string): StagePlan {
  return {
    text,
    reshapes: false,
    start: () => {
      const seen = new Set<string>();
      return streaming((row, emit) => {
        const key = canonicalJson(row.value);
        if (seen.has(key)) return;
        seen.add(key);
        emit(row);
      });
    },
  };
}

/** `limit(N)`: the first N rows; once they passed, the stage is closed and the run can stop reading. */
export function limitPlan(text: string, limit: number): StagePlan {
  return {
    text,
    reshapes: false,
    start: () => {
      let passed = 0;
      return {
        push(row, emit) {
          if (passed >= limit) return;
          passed++;
          emit(row);
        },
        flush() {},
        get closed() {
          return passed >= limit;
        },
      };
    },
  };
}

/** One `sort_by` key: a path and its direction. */
export interface SortKey {
  readonly path: ValuePath;
  readonly descending: boolean;
}

/**
 * `sort_by(a, b desc)`: every row, ordered by the keys in jq's order of JSON values (a missing key
 * sorts as null); ties keep input order. It holds every row it sorts, each with its exact digits
 * read, so it does not hold whole trace texts.
 */
export function sortPlan(text: string, keys: readonly SortKey[]): StagePlan {
  return {
    text,
    reshapes: false,
    start: () => {
      let held: Array<{ row: QueryRow; sortKeys: unknown[] }> = [];
      return {
        push(row) {
          held.push({ row: { ...row, exact: settleExact(row.exact) }, sortKeys: keys.map((k) => readPath(row.value, k.path)) });
        },
        flush(emit) {
          const rows = held;
          held = [];
          rows.sort((a, b) => {
            for (const [i, key] of keys.entries()) {
              const c = compareJson(a.sortKeys[i], b.sortKeys[i]);
              if (c !== 0) return key.descending ? -c : c;
            }
            return 0;
          });
          for (const { row } of rows) emit(row);
        },
        closed: false,
      };
    },
  };
}

/** A stage that handles each row on its own and holds nothing back. */
export function streaming(push: (row: QueryRow, emit: Emit) => void): Stage {
  return { push, flush() {}, closed: false };
}
