import type { Span, SpanTree } from './types.js';

/**
 * Builds the span tree without recursion, so a broken file can never loop or overflow the stack:
 * roots have no parent; orphans name a parent that is not in the trace and head their own subtree;
 * spans that neither reach a root nor an orphan sit on a parent cycle. A duplicated span id keeps
 * its first span as the parent target, and every use is reported.
 */
export function buildSpanTree(spans: readonly Span[]): SpanTree {
  const n = spans.length;
  const byId = new Map<string, number>();
  const dupes = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const id = spans[i]!.spanId;
    if (id === '') continue;
    const first = byId.get(id);
    if (first === undefined) byId.set(id, i);
    else {
      const list = dupes.get(id);
      if (list) list.push(i);
      else dupes.set(id, [first, i]);
    }
  }
  const children: number[][] = Array.from({ length: n }, () => []);
  const roots: number[] = [];
  const orphans: number[] = [];
  for (let i = 0; i < n; i++) {
    const parentId = spans[i]!.parentId;
    if (parentId === null) {
      roots.push(i);
      continue;
    }
    const parent = byId.get(parentId);
    if (parent === undefined) orphans.push(i);
    else if (parent === i)
      continue; // its own parent: left unreached, so reported as a cycle
    else children[parent]!.push(i);
  }
  const byStart = (a: number, b: number): number => startOf(spans[a]!) - startOf(spans[b]!) || a - b;
  roots.sort(byStart);
  orphans.sort(byStart);
  for (const list of children) list.sort(byStart);

  const depth = new Array<number>(n).fill(-1);
  const queue: number[] = [];
  for (const head of [...roots, ...orphans]) {
    depth[head] = 0;
    queue.push(head);
  }
  for (let q = 0; q < queue.length; q++) {
    const i = queue[q]!;
    for (const child of children[i]!) {
      if (depth[child] !== -1) continue;
      depth[child] = depth[i]! + 1;
      queue.push(child);
    }
  }
  const cycles: number[] = [];
  for (let i = 0; i < n; i++) if (depth[i] === -1) cycles.push(i);

  return {
    roots,
    children,
    orphans,
    cycles,
    duplicates: [...dupes.entries()].map(([spanId, indices]) => ({ spanId, indices })),
    depth,
  };
}

function startOf(span: Span): number {
  return span.startTimeNs ?? Number.POSITIVE_INFINITY;
}
