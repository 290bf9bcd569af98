import { describe, expect, it } from 'vitest';
import { depthBeyond } from '../../src/model/depth.js';
import { TimeReader } from '../../src/model/times.js';
import { isoTime, utcTime } from '../../src/shared/time.js';

// What a usable time is, decided once (src/model/times.ts), and the one safe time formatter.

const MAX = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

describe('TimeReader', () => {
  it.each([
    // [reader, value, read, warned]
    ['epochMs', 0, 0, false],
    ['epochMs', 1_794_241_248_305, 1_794_241_248_305, false],
    ['epochMs', '1794241248305', 1_794_241_248_305, false],
    ['epochMs', MAX, MAX, false],
    ['epochMs', MAX + 1, null, true],
    ['epochMs', -1, null, true],
    ['epochMs', -1e30, null, true],
    ['epochMs', 8.64e15 + 1, null, true],
    ['epochMs', Infinity, null, true],
    ['epochMs', NaN, null, true],
    ['epochMs', true, null, true],
    ['epochMs', null, null, false],
    ['epochMs', undefined, null, false],
    ['rfc3339', '2026-11-10T11:02:13.481Z', 1_794_308_533_481, false],
    ['rfc3339', '9999-12-31T23:59:59.999Z', MAX, false],
    ['rfc3339', '1969-12-31T23:59:59Z', null, true],
    ['rfc3339', '0001-01-01T00:00:00Z', null, true],
    ['rfc3339', '2026-13-01T00:00:00Z', null, true],
    ['rfc3339', '2026-02-30T00:00:00Z', null, true],
    ['rfc3339', '99999-01-01T00:00:00Z', null, true],
    ['rfc3339', 1_794_241_248_305, 1_794_241_248_305, false],
    ['rfc3339', -1e30, null, true],
    ['durationMs', 0, 0, false],
    ['durationMs', 2841, 2841, false],
    ['durationMs', '0.062s', 62, false],
    ['durationMs', '-3s', null, true],
    ['durationMs', -5, null, true],
    ['durationMs', 1e300, null, true],
    ['durationMs', false, null, true],
  ] as const)('%s(%s) reads %s', (reader, value, read, warned) => {
    const times = new TimeReader();
    expect(times[reader](value, '$.x')).toBe(read);
    expect(times.warnings.map((w) => [w.code, w.jsonPath])).toEqual(warned ? [['unusable-time', '$.x']] : []);
  });

  it('says what was expected and what was found', () => {
    const times = new TimeReader();
    times.rfc3339(-1e30, '$.info.request_time');
    times.rfc3339('2026-13-01T00:00:00Z', '$.info.assessments[0].create_time');
    times.epochNs(9e24, '9000000000000000000000000', '$.data.spans[0].start_time_unix_nano');
    expect(times.warnings.map((w) => w.message)).toEqual([
      'unusable time: expected milliseconds since the epoch for a time from 1970 to 9999, found -1e+30; read as unknown',
      'unusable time: expected an RFC 3339 time from 1970 to 9999 such as "2025-10-09T08:53:20.524Z", found "2026-13-01T00:00:00Z"; read as unknown',
      'unusable time: expected nanoseconds since the epoch for a time from 1970 to 9999, found "9000000000000000000000000"; read as unknown',
    ]);
  });
});

describe('isoTime and utcTime never throw', () => {
  it.each([
    [0, '1970-01-01T00:00:00.000Z', '1970-01-01 00:00:00 UTC'],
    [1_794_308_533_481, '2026-11-10T11:02:13.481Z', '2026-11-10 11:02:13 UTC'],
    [8.64e15, '+275760-09-13T00:00:00.000Z', '+275760-09-13 00:00:00 UTC'],
    [8.64e15 + 1, null, 'unknown time'],
    [-1e30, null, 'unknown time'],
    [Infinity, null, 'unknown time'],
    [NaN, null, 'unknown time'],
    [null, null, 'unknown time'],
  ])('%s', (ms, iso, utc) => {
    expect(isoTime(ms)).toBe(iso);
    expect(utcTime(ms)).toBe(utc);
  });
});

describe('depthBeyond', () => {
  const nest = (n: number): unknown => JSON.parse('['.repeat(n) + ']'.repeat(n));
  it.each([
    [{}, 1, null],
    [{ a: [1, { b: 'x' }] }, 3, null],
    [nest(512), 512, null],
    [nest(100_000), 512, new Array<number>(512).fill(0)],
    [{ a: 1, b: { c: [[[]]] } }, 3, ['b', 'c', 0]],
  ])('%#', (value, limit, location) => {
    expect(depthBeyond(value, limit)).toEqual(location);
  });
});
