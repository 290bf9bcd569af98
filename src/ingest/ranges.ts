import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Reading one big JSON Lines file in parallel: the file is split into byte ranges, each moved to a
 * line boundary, so every line is read by exactly one reader. A range [start, end) covers the
 * lines that *start* in it: it begins after the first line feed at or after `start - 1` and ends
 * after the first line feed at or after `end - 1` (or at the end of the file). Neighbouring ranges
 * compute the same boundary, so they tile the file.
 */

/** How much of a file's start is read to decide whether it is JSON Lines. */
const SNIFF_BYTES = 4 << 20;

/**
 * The first line of a file, when the file starts like JSON Lines: optional white space, then a
 * `{` whose value ends on the same line (the line is returned for the caller to parse), then a
 * line feed. Returns null otherwise (pretty JSON, an array, a first line over 4 MiB).
 */
export async function firstJsonLine(path: string): Promise<Buffer | null> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    const head = buffer.subarray(0, bytesRead);
    let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0d)) i++;
    if (head[i] !== 0x7b) return null;
    const nl = head.indexOf(0x0a, i);
    return nl === -1 ? null : head.subarray(i, nl);
  } finally {
    await handle.close();
  }
}

/** Splits [0, size) into `parts` ranges of about equal size (before moving them to lines). */
export function splitRanges(size: number, parts: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let k = 0; k < parts; k++) out.push([Math.floor((size * k) / parts), Math.floor((size * (k + 1)) / parts)]);
  return out.filter(([a, b]) => b > a);
}

/** The bytes of one range, moved to line boundaries, with the absolute offset of its first byte. */
export interface LineRange {
  /** Absolute offset of the first byte yielded. */
  offset: number;
  chunks: AsyncGenerator<Buffer>;
}

/** Reads the lines that start in [start, end) of a file, as chunks. */
export async function readLineRange(path: string, start: number, end: number): Promise<LineRange> {
  const offset = start === 0 ? 0 : await boundary(path, start);
  return { offset, chunks: rangeChunks(path, offset, end) };
}

/** Offset just after the first line feed at or after `at - 1` (the file's end if none). */
async function boundary(path: string, at: number): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    for (let pos = at - 1; ; pos += buffer.length) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, pos);
      if (bytesRead === 0) return pos;
      const nl = buffer.subarray(0, bytesRead).indexOf(0x0a);
      if (nl !== -1) return pos + nl + 1;
    }
  } finally {
    await handle.close();
  }
}

async function* rangeChunks(path: string, offset: number, end: number): AsyncGenerator<Buffer> {
  if (offset >= end && offset > 0) return; // a range that holds no line start
  let pos = offset;
  const stream = createReadStream(path, { start: offset, highWaterMark: 1 << 20 });
  try {
    for await (const value of stream) {
      const chunk = value as Buffer;
      const chunkStart = pos;
      pos += chunk.length;
      if (pos < end) {
        yield chunk;
        continue;
      }
      // This chunk reaches the range's end: stop after the line feed that ends the last line.
      const nl = chunk.indexOf(0x0a, Math.max(0, end - 1 - chunkStart));
      if (nl === -1) {
        yield chunk;
        continue;
      }
      yield chunk.subarray(0, nl + 1);
      return;
    }
  } finally {
    stream.destroy();
  }
}
