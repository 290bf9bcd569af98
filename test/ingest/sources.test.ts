import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readTraces } from '../../src/engine/read/read.js';
import { hasJsonLine } from '../../src/ingest/sniff.js';

const dir = mkdtempSync(join(tmpdir(), 'tracetriage-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openInputs', () => {
  it('skips a large gzipped non-JSON file in a directory without stalling, and reads the rest', async () => {
    // Several MiB of gunzipped text: the gunzip stream is closed by the reader mid-way.
    writeFileSync(join(dir, 'a-logs.csv.gz'), gzipSync(randomBytes(6 << 20).toString('base64')));
    copyFileSync(new URL('../../samples/legacy-v2.json', import.meta.url), join(dir, 'b-traces.json'));
    const seen: string[] = [];
    for await (const event of readTraces([dir])) {
      if (event.type === 'note') seen.push(`${event.note.kind} ${event.note.source.slice(dir.length + 1)}`);
      if (event.type === 'trace') seen.push(`trace ${event.trace.traceId}`);
    }
    expect(seen).toEqual(['skipped a-logs.csv.gz', 'trace 4d3a3b9fe6b5501cc34cdcea6dfa01bc', 'trace 3781cb4c5076daa8b83e9664f2d7445c']);
  });
});

describe('hasJsonLine: whether a named file that does not start like JSON is read or named once', () => {
  const cases: Array<[string, string, boolean]> = [
    ['Markdown', '# Title\n\nSome text, {braces} inside a line.\n', false],
    ['CSV', 'a,b,c\n1,2,3\n', false],
    ['a damaged first line, then a JSON line', 'garbage\n{"info": {}}\n', true],
    ['a JSON line indented, after CRLF', 'garbage\r\n  \t[1, 2]\r\n', true],
    ['an array line after blank lines', 'x\n\n\n[\n', true],
    ['nothing', '', false],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => {
      expect(hasJsonLine(Buffer.from(text))).toBe(expected);
    });
  }
});
