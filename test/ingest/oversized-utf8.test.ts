import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OversizedParseError, OversizedRecordParser } from '../../src/ingest/oversized.js';
import { readTraces, type ReadEvent } from '../../src/engine/read/read.js';
import { fixtureValue } from '../helpers/make-inputs.js';

/** Pushes `bytes` in chunks of `size` and finishes: the error, or null when the record was read. */
function parseError(bytes: Buffer, size: number, options?: ConstructorParameters<typeof OversizedRecordParser>[0]): OversizedParseError | null {
  const parser = new OversizedRecordParser(options);
  try {
    for (let i = 0; i < bytes.length; i += size) parser.push(bytes.subarray(i, i + size));
    parser.finish();
    return null;
  } catch (error) {
    if (error instanceof OversizedParseError) return error;
    throw error;
  }
}

/** A trace record whose second span's input holds `bad` after 'ok ': the text around it is valid. */
function recordWith(bad: Buffer, pad = 0): { bytes: Buffer; at: number } {
  const record = fixtureValue('v3.6_trace_error.json') as { data: { spans: Array<{ attributes: Record<string, string> }> } };
  record.data.spans[1]!.attributes['mlflow.spanInputs'] = `${'p'.repeat(pad)}ok @@BAD@@ café ✓ 😀`;
  const text = JSON.stringify(record);
  const [head, tail] = text.split('@@BAD@@') as [string, string];
  const before = Buffer.from(head);
  return { bytes: Buffer.concat([before, bad, Buffer.from(tail)]), at: before.length };
}

const CHUNKS = [1, 2, 3, 5, 64, 1 << 20];

describe('the span-by-span path refuses bytes that are not UTF-8, as JSON.parse of a whole record does', () => {
  const cases: Array<[string, Buffer]> = [
    ['a byte no character starts with', Buffer.from([0xff])],
    ['a continuation byte alone', Buffer.from([0x80])],
    ['an overlong encoding', Buffer.from([0xc0, 0x80])],
    ['an encoded surrogate', Buffer.from([0xed, 0xa0, 0x80])],
    ['a code point past U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80])],
    ['a character cut short inside the text', Buffer.from([0xe2, 0x9c])],
  ];
  for (const [name, bad] of cases) {
    it(`${name}: at its first byte, whatever the chunks`, () => {
      const { bytes, at } = recordWith(bad);
      for (const size of CHUNKS) {
        const error = parseError(bytes, size);
        expect(error?.code, `chunks of ${size}`).toBe('invalid-utf8');
        expect(error?.offset, `chunks of ${size}`).toBe(at);
        expect(error?.message).toBe(`invalid UTF-8 byte 0x${bad[0]!.toString(16)} at byte ${at}`);
      }
    });
  }

  it('in a string long enough to be cut and skipped', () => {
    const { bytes, at } = recordWith(Buffer.from([0xfe]), 5000);
    for (const size of [7, 4096]) {
      const error = parseError(bytes, size, { maxStringLength: 100, excerptLength: 10 });
      expect(error?.code).toBe('invalid-utf8');
      expect(error?.offset).toBe(at);
    }
  });

  it('a character cut short by the end of the record', () => {
    const bytes = Buffer.concat([Buffer.from('{"a": 1}'), Buffer.from([0xf0, 0x9f])]);
    for (const size of [1, 3, 100]) {
      const error = parseError(bytes, size);
      expect(error?.code).toBe('invalid-utf8');
      expect(error?.offset).toBe(8);
      expect(error?.message).toBe('a UTF-8 character cut short by the end of the record at byte 8');
    }
  });

  it('reads characters of 2, 3 and 4 bytes cut by every chunk boundary', () => {
    const { bytes } = recordWith(Buffer.from('naïve ∑ 𝄞'));
    for (const size of CHUNKS) expect(parseError(bytes, size), `chunks of ${size}`).toBeNull();
  });

  it('gives the same rejection, at the same byte, as the record read whole', async () => {
    const { bytes, at } = recordWith(Buffer.from([0xff]));
    const line = Buffer.concat([Buffer.from('\n'), bytes, Buffer.from('\n')]);
    const chunks = Array.from({ length: Math.ceil(line.length / 50) }, (_, i) => line.subarray(i * 50, i * 50 + 50));
    const rejections = async (maxRecordBytes: number): Promise<Array<{ code: string; offset: number }>> => {
      const out: Array<{ code: string; offset: number }> = [];
      for await (const e of readTraces(['-'], { stdin: Readable.from(chunks), scanner: { maxRecordBytes } }) as AsyncGenerator<ReadEvent>) {
        if (e.type === 'rejected') out.push({ code: e.rejection.code, offset: e.rejection.at.offset });
        if (e.type === 'trace') throw new Error('a record that is not UTF-8 was read');
      }
      return out;
    };
    const whole = await rejections(1 << 30);
    expect(whole).toEqual([{ code: 'invalid-utf8', offset: at + 1 }]);
    expect(await rejections(100)).toEqual(whole);
  });
});
