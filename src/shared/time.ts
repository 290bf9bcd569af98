/**
 * Times for every layer: the window of usable epoch times, the one safe way to print a time, and
 * the two ways to print a duration.
 * A pure leaf: it imports nothing.
 */

/** The first usable epoch time: 1970-01-01T00:00:00.000Z. */
export const MIN_EPOCH_MS = 0;

/** The last usable epoch time: 9999-12-31T23:59:59.999Z, the last an RFC 3339 time can say. */
export const MAX_EPOCH_MS = 253_402_300_799_999;

/** The longest usable duration: the whole window. */
export const MAX_DURATION_MS = MAX_EPOCH_MS - MIN_EPOCH_MS;

/**
 * ISO 8601 UTC with milliseconds (`2026-11-10T11:02:13.481Z`), or null for a time that cannot be
 * printed (not finite, or past JavaScript's Date range of ±8.64e15 ms). Never throws: the model
 * already turns unusable times into null, and this keeps a formatter safe from any arithmetic that
 * might still land outside.
 */
export function isoTime(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** `2026-11-24 04:26:59 UTC`, as MLflow's table prints request times; `unknown time` if unprintable. */
export function utcTime(ms: number | null): string {
  const iso = isoTime(ms);
  return iso === null ? 'unknown time' : iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

// Two ways to say a duration, kept apart on purpose: a report's tables and headers measure a
// span or a turn to the hundredth of a second, while a finding's message names a gap or a loss
// in one rounded figure. Merging them would change every golden report or every message.

/** A duration in a report: `850 ms`, `2.41 s`, `3 min 05 s`; `unknown` when not finite. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/**
 * A duration in a finding's message: `850 ms`, `12.3 s`, `4.5 min`, `2.1 h`, `3 d`. One decimal at
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
