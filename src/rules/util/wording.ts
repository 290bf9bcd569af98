/**
 * A duration for a terminal line: `850 ms`, `12.3 s`, `4.5 min`, `2.1 h`, `3 d`. One decimal at
 * most, trailing `.0` dropped, so the same input always prints the same text.
 */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const one = (n: number): string => String(Number(n.toFixed(1)));
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${one(ms / 1000)} s`;
  if (abs < 3_600_000) return `${one(ms / 60_000)} min`;
  if (abs < 172_800_000) return `${one(ms / 3_600_000)} h`;
  return `${one(ms / 86_400_000)} d`;
}

/** A text without its closing full stop, to sit inside a sentence that has its own. */
export function noStop(text: string): string {
  return text.replace(/\.+$/u, '');
}
