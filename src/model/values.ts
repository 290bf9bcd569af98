/** Small readers for loosely typed JSON, shared by the normalizers. */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A number, or a string of digits (the TS SDK and UI mocks write big integers as strings). */
export function num(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?[0-9]+(\.[0-9]+)?$/.test(value)) return Number(value);
  return null;
}

/** A string→string map from an object, or from REST's `[{key, value}]` list. Non-strings are stringified. */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isObject(item) && typeof item.key === 'string') out[item.key] = asText(item.value);
    }
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) out[k] = asText(v);
  }
  return out;
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value) ?? '';
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Milliseconds since the epoch from an RFC 3339 time with 0–9 fraction digits (protobuf writes 0,
 * 3, 6 or 9), keeping sub-millisecond digits as a fraction. A bare number is taken as milliseconds.
 */
export function parseTimeMs(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return null;
  const m = RFC3339.exec(value);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  const frac = m[7];
  const zone = m[8];
  // Date.UTC rolls impossible fields over (Feb 30 -> Mar 2); refuse them instead. A leap second
  // (:60) is allowed by RFC 3339 and lands on the next second.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60) return null;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (frac) ms += Number(`0.${frac}`) * 1000;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.isNaN(ms) ? null : ms;
}

/** The days of `month` (1 to 12) in `year` as Date.UTC reads the year (0 to 99 are 1900 to 1999). */
function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const y = year <= 99 ? 1900 + year : year;
    return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Milliseconds from a protobuf Duration string (`"0.062s"`, `"1.5s"`). */
export function parseDurationMs(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return null;
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?s$/.exec(value);
  if (!m) return null;
  // Shift the decimal point in the text, not in binary: "36.749577647s" is 36749.577647 ms exactly.
  const [, sign, whole, frac = ''] = m;
  const ms = Number(`${whole}${frac.padEnd(3, '0').slice(0, 3)}.${frac.slice(3) || '0'}`);
  return sign === '-' ? -ms : ms;
}
