import { MAX_DURATION_MS, MAX_EPOCH_MS, MIN_EPOCH_MS } from '../shared/time.js';
import type { TraceWarning } from './types.js';
import { num, parseDurationMs, parseTimeMs } from './values.js';
import { cut, ELLIPSIS_AFTER } from '../shared/text.js';

/**
 * The one place that decides what a usable time is, for every time a trace carries (info request
 * time and duration, span start and end, event times, assessment times). A usable epoch time is a
 * finite number of milliseconds from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z (what an RFC
 * 3339 time can say, and well inside JavaScript's Date range); a usable duration is finite, at
 * least 0 and at most that window. A value present in the file that is anything else (a negative
 * time, -1e30, Infinity from `1e400`, a string that is not RFC 3339, month 13, a boolean) becomes
 * an `unusable-time` warning on the trace, with its JSONPath, and an unknown time (null) for every
 * command downstream. Absent and null are simply unknown, with no warning: MLflow writes null for
 * a span that has not ended.
 */
export class TimeReader {
  /** The warnings found so far, in reading order. */
  readonly warnings: TraceWarning[] = [];

  /** Epoch milliseconds (`timestamp_ms`, `create_time_ms`): a number or a string of digits. */
  epochMs(value: unknown, jsonPath: string): number | null {
    if (value === undefined || value === null) return null;
    return this.check(num(value), isUsableEpochMs, value, jsonPath, EXPECTED_EPOCH_MS);
  }

  /** An RFC 3339 time (`request_time`, `create_time`); some tools write epoch milliseconds instead. */
  rfc3339(value: unknown, jsonPath: string): number | null {
    if (value === undefined || value === null) return null;
    const expected = typeof value === 'number' ? EXPECTED_EPOCH_MS : EXPECTED_RFC3339;
    return this.check(parseTimeMs(value), isUsableEpochMs, value, jsonPath, expected);
  }

  /** A duration in milliseconds (`execution_time_ms`) or a protobuf Duration (`"0.062s"`). */
  durationMs(value: unknown, jsonPath: string): number | null {
    if (value === undefined || value === null) return null;
    const ms = typeof value === 'string' && value.endsWith('s') ? parseDurationMs(value) : num(value);
    return this.check(ms, isUsableDurationMs, value, jsonPath, EXPECTED_DURATION);
  }

  /** Epoch nanoseconds (`start_time_unix_nano`), already scaled by the caller when the file held µs. */
  epochNs(ns: number | null, value: unknown, jsonPath: string, expected = EXPECTED_EPOCH_NS): number | null {
    if (value === undefined || value === null) return null;
    return this.check(ns, (n) => isUsableEpochMs(n / 1e6), value, jsonPath, expected);
  }

  /** Records a value that reads fine on its own but not with its neighbours (an end before its start). */
  reject(value: unknown, jsonPath: string, expected: string): null {
    this.warnings.push(unusable(value, jsonPath, expected));
    return null;
  }

  private check(read: number | null, usable: (n: number) => boolean, value: unknown, jsonPath: string, expected: string): number | null {
    if (read !== null && usable(read)) return read;
    return this.reject(value, jsonPath, expected);
  }
}

const EXPECTED_EPOCH_MS = 'milliseconds since the epoch for a time from 1970 to 9999';
const EXPECTED_RFC3339 = 'an RFC 3339 time from 1970 to 9999 such as "2025-10-09T08:53:20.524Z"';
const EXPECTED_DURATION = 'a duration of 0 ms or more (at most 8,000 years)';
/** What a span or event time must be. */
export const EXPECTED_EPOCH_NS = 'nanoseconds since the epoch for a time from 1970 to 9999';

/** True for epoch milliseconds in the usable window (see {@link TimeReader}). */
export function isUsableEpochMs(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_EPOCH_MS && ms <= MAX_EPOCH_MS;
}

/** True for a duration in milliseconds that is finite, not negative and not beyond the window. */
export function isUsableDurationMs(ms: number): boolean {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_DURATION_MS;
}

function unusable(value: unknown, jsonPath: string, expected: string): TraceWarning {
  return { code: 'unusable-time', message: `unusable time: expected ${expected}, found ${shown(value)}; read as unknown`, jsonPath };
}

/** The value as the file has it, short: a number as JavaScript reads it (`Infinity` for `1e400`). */
function shown(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(cut(value, 40, ELLIPSIS_AFTER));
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
}
