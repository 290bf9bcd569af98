import { needsExact, resolveExact, type Exact } from './exact-numbers.js';
import type { QueryRow, StagePlan } from './types.js';
import { canonicalJson, compareJson, readAll, readPath, type ValuePath } from './values.js';

/** What an aggregation computes per group; each is a field of the group's record, named by its kind. */
export type Aggregator = { readonly kind: 'count' } | { readonly kind: 'min' | 'max' | 'sum' | 'avg'; readonly path: ValuePath };

/** A value an aggregation keeps (a group key, a min, a max), with its exact twin when it needs one. */
interface Kept {
  value: unknown;
  exact: unknown;
}

/** The running state of one group: counts and running extremes and sums, never the values. */
interface Group {
  key: Kept;
  count: number;
  fields: Array<{ best: Kept | null } | { total: number; numbers: number } | null>;
}

/**
 * `group_by(path)` followed by aggregators (`count`, `min(p)`, `max(p)`, `sum(p)`, `avg(p)`), or
 * aggregators alone (one group: everything). One record per group, in first-seen order:
 * `{"key": ..., "count": N, "min": ...}`. Only the groups are held, each with a running count,
 * min, max and sum. `count` counts rows; `min`/`max` compare in jq's order over every value the
 * path reaches, `sum`/`avg` add its numbers; missing fields and nulls are skipped, and a field
 * with nothing to aggregate is null.
 */
export function aggregatePlan(text: string, groupBy: ValuePath | null, aggregators: readonly Aggregator[]): StagePlan {
  return {
    text,
    reshapes: true,
    start: () => {
      const groups = new Map<string, Group>();
      const groupOf = (row: QueryRow): Group => {
        const keyValue = groupBy === null ? null : (readPath(row.value, groupBy) ?? null);
        const id = canonicalJson(keyValue);
        let group = groups.get(id);
        if (group === undefined) {
          const key = { value: keyValue, exact: groupBy === null ? undefined : exactOf(row, keyValue, (v) => readPath(v, groupBy)) };
          group = { key, count: 0, fields: aggregators.map((a) => (a.kind === 'count' ? null : a.kind === 'min' || a.kind === 'max' ? { best: null } : { total: 0, numbers: 0 })) };
          groups.set(id, group);
        }
        return group;
      };
      return {
        push(row) {
          const group = groupOf(row);
          group.count++;
          aggregators.forEach((aggregator, i) => {
            if (aggregator.kind === 'count') return;
            const field = group.fields[i]!;
            const values = readAll(row.value, aggregator.path);
            values.forEach((value, at) => {
              if (value === null || value === undefined) return;
              if ('total' in field) {
                if (typeof value !== 'number') return;
                field.total += value;
                field.numbers++;
                return;
              }
              const order = field.best === null ? 0 : compareJson(value, field.best.value);
              if (field.best === null || (aggregator.kind === 'min' ? order < 0 : order > 0)) {
                field.best = { value, exact: exactOf(row, value, (v) => readAll(v, aggregator.path)[at]) };
              }
            });
          });
        },
        flush(emit) {
          // With no group_by, an empty input still has its one group: count 0, as SQL's COUNT(*).
          if (groupBy === null && groups.size === 0) groupOf({ value: null, origin: null, exact: null }).count = 0;
          for (const group of groups.values()) emit(record(group));
          groups.clear();
        },
        closed: false,
      };
    },
  };

  function record(group: Group): QueryRow {
    const plain: Record<string, unknown> = {};
    const exact: Record<string, unknown> = {};
    let anyExact = false;
    const put = (name: string, kept: Kept | null): void => {
      plain[name] = kept?.value ?? null;
      exact[name] = kept?.exact ?? kept?.value ?? null;
      if (kept?.exact !== undefined) anyExact = true;
    };
    if (groupBy !== null) put('key', group.key);
    aggregators.forEach((aggregator, i) => {
      const field = group.fields[i] ?? null;
      if (field === null) put('count', { value: group.count, exact: undefined });
      else if ('best' in field) put(aggregator.kind, field.best);
      else {
        const value = field.numbers === 0 ? null : aggregator.kind === 'sum' ? field.total : field.total / field.numbers;
        put(aggregator.kind, { value, exact: undefined });
      }
    });
    const twin: Exact | null = anyExact ? { kind: 'value', value: exact } : null;
    return { value: plain, origin: null, exact: twin };
  }
}

/** The exact twin of a part of a row's value (read now: a group outlives the trace it came from). */
function exactOf(row: QueryRow, part: unknown, read: (value: unknown) => unknown): unknown {
  if (row.exact === null || !needsExact(part)) return undefined;
  const whole = resolveExact(row.exact);
  return whole === undefined ? undefined : read(whole);
}
