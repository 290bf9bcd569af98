// The one severity order. The engine sorts findings and checks `--fail-on` with it, the engine's
// report data picks a session's worst finding with it, and the JUnit writer marks failures with it:
// one table, so a fourth severity or a changed order cannot reach one layer and miss another.

/** Every severity, the most severe first: the order findings are sorted in and reports list them. */
export const SEVERITIES = ['error', 'warn', 'info'] as const;

/** How much a finding matters. */
export type Severity = (typeof SEVERITIES)[number];

const RANK: Readonly<Record<Severity, number>> = { error: 0, warn: 1, info: 2 };

/**
 * Orders severities for a sort: the most severe first (`error`, `warn`, `info`, then `null` for
 * no finding at all) by default, the least severe first with `mildestFirst`.
 */
export function compareSeverity(a: Severity | null, b: Severity | null, mildestFirst = false): number {
  const d = rank(a) - rank(b);
  return mildestFirst ? -d : d;
}

/** True when `severity` is at or above `threshold` (`error` > `warn` > `info`). */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return RANK[severity] <= RANK[threshold];
}

/** The more severe of two, `null` standing for no finding at all (below `info`). */
export function worse(a: Severity | null, b: Severity | null): Severity | null {
  return compareSeverity(a, b) <= 0 ? a : b;
}

function rank(severity: Severity | null): number {
  return severity === null ? SEVERITIES.length : RANK[severity];
}
