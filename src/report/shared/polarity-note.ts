import type { PolarityBasis } from '../../model/scorers.js';

/**
 * The note a verdict's line carries when its polarity was inferred rather than read from a table
 * row (the name's meaning, the rationale): a reader should know a FAIL is tracetriage's reading,
 * and where to look to correct it (a config row, docs/config.md). Table, config and generic
 * readings need no note. One wording for every reporter.
 */
export function polarityNote(basis: PolarityBasis): string | null {
  if (basis === 'name') return 'polarity read from its name';
  if (basis === 'rationale') return 'polarity read from its rationale';
  return null;
}
