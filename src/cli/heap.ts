import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 may grow the heap past what the last full collection left live, in percent. V8's own
 * choice goes up to 300% when collecting is cheap, and the session stage of `analyze`, `report` and
 * `sessions` makes garbage that lives a little while: on the 400 MB chat bench export the heap grew
 * to 125 MB with 27 MB live, and peak RSS was 259 MB for `analyze` and 244 MB for `report`. At 50%
 * they were 188 and 180 MB, in the same time (bench/README.md). Unlike a fixed heap limit
 * (`--max-old-space-size`), this bounds nothing a large input needs.
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Sets {@link HEAP_GROWING_PERCENT} for this process, unless node was started with its own
 * `--heap-growing-percent`. The CLI only: a library does not change its host's heap.
 */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((a) => a.startsWith('--heap-growing-percent') || a.startsWith('--heap_growing_percent'))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
