import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { AnalysisCollector } from '../../src/engine/analyze/analyze.js';
import { SPILL_BLOCK_BYTES, SpillFile } from '../../src/ingest/spill.js';
import { normalizeRecord } from '../../src/model/normalize.js';
import { RULES } from '../../src/engine/analyze/rule-set.js';
import { conversation } from '../helpers/trace-builder.js';

// The temporary file `analyze` keeps digests in: texts come back exactly, in any order, before
// and after a flush, and nothing is left behind.
describe('SpillFile', () => {
  it('gives back every text exactly, in any order, flushed or not', () => {
    const spill = new SpillFile('tracetriage-spill-test-');
    const texts = Array.from({ length: 3000 }, (_, i) => `${i}: ${'é日本🙂'.repeat(i % 50)}${'x'.repeat((i * 37) % 2000)}`);
    const refs = texts.map((t) => spill.append(t));
    // Read the last one while it may still be in the write buffer, then everything backwards.
    expect(spill.read(refs.at(-1)!)).toBe(texts.at(-1));
    for (let i = texts.length - 1; i >= 0; i -= 7) expect(spill.read(refs[i]!)).toBe(texts[i]);
    expect(refs[1]!.offset).toBe(Buffer.byteLength(texts[0]!));
    spill.close();
    spill.close();
  });

  it('through its block cache gives back the same texts, in order, backwards, across blocks, longer than the cache allows, and after the file grew', () => {
    // A cache of 4 blocks: reads in order hit, reads far apart miss and evict.
    const spill = new SpillFile('tracetriage-spill-cache-', 4 * SPILL_BLOCK_BYTES);
    const texts = Array.from({ length: 2000 }, (_, i) => `${i}: ${'é日本🙂'.repeat(i % 50)}${'x'.repeat((i * 37) % 9000)}`);
    texts.push('y'.repeat(5 * SPILL_BLOCK_BYTES), '');
    const refs = texts.map((t) => spill.append(t));
    // A text written last may still be in the write buffer; a block never reaches past the end.
    expect(spill.read(refs.at(-2)!)).toBe(texts.at(-2));
    for (let i = 0; i < texts.length; i++) expect(spill.read(refs[i]!)).toBe(texts[i]);
    for (let i = texts.length - 1; i >= 0; i -= 3) expect(spill.read(refs[i]!)).toBe(texts[i]);
    // The block at the end was read while partial; what is appended after it is read from the file, not the old block.
    const more = spill.append('appended after the reads');
    expect(spill.read(more)).toBe('appended after the reads');
    expect(spill.read(refs[5]!)).toBe(texts[5]);
    expect(() => spill.read({ offset: more.offset, length: more.length + 1 })).toThrow(/past the end/);
    spill.close();
    // Without a cache, the same texts.
    const plain = new SpillFile('tracetriage-spill-cache-', 0);
    const plainRefs = texts.map((t) => plain.append(t));
    for (let i = texts.length - 1; i >= 0; i -= 5) expect(plain.read(plainRefs[i]!)).toBe(texts[i]);
    plain.close();
  });

  it('reads a range back as records ended by newlines, in chunks of any size: across blocks, characters split between chunks, empty ranges', () => {
    const spill = new SpillFile('tracetriage-spill-lines-');
    // Each record is a view of the read buffer, valid until the next: decoded as they come.
    const texts = (records: Iterable<Buffer>): string[] => Array.from(records, (r) => r.toString('utf8'));
    spill.append('before');
    const lines = Array.from({ length: 400 }, (_, i) => `${i}\t${'é日本🙂'.repeat(i % 13)}${'x'.repeat((i * 997) % 3000)}`);
    lines.push('', 'after an empty line');
    const at = spill.append(`${lines.join('\n')}\n`);
    spill.append('after');
    expect(at.offset + at.length).toBeGreaterThan(2 * SPILL_BLOCK_BYTES);
    // Chunks of 4 KiB to 64 KiB cut blocks and records; of 1 to 7 bytes, every multi-byte character somewhere.
    for (const chunk of [4096, SPILL_BLOCK_BYTES, 1 << 30]) expect(texts(spill.lines(at, chunk))).toEqual(lines);
    const few = spill.append(`${lines.slice(0, 12).join('\n')}\n`);
    for (const chunk of [1, 2, 3, 5, 7]) expect(texts(spill.lines(few, chunk))).toEqual(lines.slice(0, 12));
    // Twice over one iterable, each pass from the start.
    const twice = spill.lines(at, 5000);
    expect(texts(twice)).toEqual(texts(twice));
    // Without a last '\n', the last record still comes back; a lone '\n' is one empty record.
    const bare = spill.append('a\nb🙂');
    expect(texts(spill.lines(bare, 3))).toEqual(['a', 'b🙂']);
    expect(texts(spill.lines(spill.append('\n')))).toEqual(['']);
    expect(texts(spill.lines({ offset: at.offset, length: 0 }))).toEqual([]);
    expect(texts(spill.lines(spill.append('')))).toEqual([]);
    // A lone surrogate is written as U+FFFD, and read back so by `read` and `lines` alike.
    const lone = spill.append('x\ud800y\nz\udc00');
    expect(texts(spill.lines(lone, 2))).toEqual(spill.read(lone).split('\n'));
    expect(texts(spill.lines(lone))).toEqual(['x\ufffdy', 'z\ufffd']);
    expect(() => spill.lines({ offset: lone.offset, length: lone.length + 1 })).toThrow(/past the end/);
    expect(() => spill.lines(lone, 0)).toThrow(RangeError);
    spill.close();
  });

  it('appends bytes as they are, in parts, small or larger than the write buffer, between texts', () => {
    const spill = new SpillFile('tracetriage-spill-bytes-');
    const head = spill.append('head é');
    const small = spill.appendBytes(Buffer.from('日本'), Buffer.from('\n'), new Uint8Array(0));
    const large = 'y'.repeat(3 << 20);
    const big = spill.appendBytes(Buffer.from('a'), Buffer.from(large), Buffer.from('b'));
    const tail = spill.append('tail🙂');
    expect(small).toEqual({ offset: head.offset + head.length, length: Buffer.byteLength('日本\n') });
    expect(big.offset).toBe(small.offset + small.length);
    expect(tail.offset).toBe(big.offset + big.length);
    expect([spill.read(head), spill.read(small), spill.read(tail)]).toEqual(['head é', '日本\n', 'tail🙂']);
    expect(spill.read(big)).toBe(`a${large}b`);
    spill.close();
  });

  it('leaves nothing in the temp directory, even before close (unlinked while open, on POSIX)', () => {
    const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('tracetriage-spill-gone-')));
    const spill = new SpillFile('tracetriage-spill-gone-');
    const ref = spill.append('hello');
    const made = readdirSync(tmpdir()).filter((n) => n.startsWith('tracetriage-spill-gone-') && !before.has(n));
    expect(made).toEqual(process.platform === 'win32' ? [expect.any(String)] : []);
    expect(spill.read(ref)).toBe('hello');
    spill.close();
    for (const name of made) expect(existsSync(`${tmpdir()}/${name}`)).toBe(false);
  });
});

describe('AnalysisCollector', () => {
  it('gives the same findings whatever the order the traces arrive in (sessions interleaved)', () => {
    const a = conversation('sess-a', [
      { user: 'What is the status of order AC-1 please?', answer: 'Order AC-1 shipped yesterday and arrives on Friday.' },
      {
        user: 'Can I still change the delivery address?',
        answer: 'Yes, you can change it until it reaches the depot.',
        toolError: { name: 'update_address', type: 'TimeoutError', message: 'carrier API timed out after 30s' },
      },
    ]);
    const b = conversation('sess-b', [
      { user: 'I need an invoice for my last purchase, thanks.', answer: 'Here is the invoice for order AC-9, sent to your email.' },
      {
        user: 'Please change the delivery address for AC-9 too.',
        answer: 'I tried, but the carrier did not answer in time.',
        toolError: { name: 'update_address', type: 'TimeoutError', message: 'carrier API timed out after 31s' },
      },
    ]);
    const run = (records: ReadonlyArray<Record<string, unknown>>) => {
      const collector = new AnalysisCollector({ rules: RULES.map((module) => ({ module, options: { ...module.meta.defaultOptions } })) });
      try {
        for (const r of records) collector.add((normalizeRecord(r) as { trace: never }).trace);
        return collector.finish();
      } finally {
        collector.close();
      }
    };
    const inOrder = run([...a, ...b]);
    const shuffled = run([b[1]!, a[1]!, b[0]!, a[0]!, a[1]!]);
    expect(shuffled.findings).toEqual(inOrder.findings);
    expect(shuffled.duplicates).toBe(1);
    expect(Array.from(inOrder.sessions, (s) => [s.sessionId, s.turns])).toEqual([
      ['sess-a', 2],
      ['sess-b', 2],
    ]);
    expect(inOrder.findings.some((f) => f.ruleId === 'error-propagation' && f.sessionId === 'sess-b' && f.turn === 2)).toBe(true);
  });
});
