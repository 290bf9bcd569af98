import type { CompiledFilter } from '../query/filter/compile.js';

/**
 * `--filter-string` compiled once, or null when none is given (or only blanks). The filter
 * compiler is loaded here, on first use, not at start: it brings re2js (a quarter of a megabyte
 * of JavaScript, about 20 ms to load), which a run without a filter never needs.
 */
export async function filterOption(text: string | undefined): Promise<CompiledFilter | null> {
  if (text === undefined || text.trim() === '') return null;
  const { compileFilter } = await import('../query/filter/compile.js');
  return compileFilter(text);
}
