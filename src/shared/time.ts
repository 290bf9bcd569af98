/**
 * Times for every layer: the window of usable epoch times and the one safe way to print a time.
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
