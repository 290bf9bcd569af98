import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { REPO_ROOT } from '../helpers/make-inputs.js';

// Generators shared by the properties: text a hostile trace author would write, JSON of any shape
// and depth, and byte-level damage to real exports.

/** Pieces that break terminals, Markdown, HTML, XML or a naive cutter; the generator mixes them with random text. */
export const HOSTILE_PIECES: readonly string[] = [
  '\u001b[2J',
  '\u001b]8;;http://x\u0007ln\u001b]8;;\u0007',
  '\u009b31m',
  '\u0085',
  '\r',
  '\b',
  '\u0000',
  '\u0007',
  '\u007f',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\u2028',
  '\t',
  '\n',
  '\r\n',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<fz-el>',
  '</td></tr></table>',
  '<!--',
  '-->',
  ']]>',
  '&amp;',
  '&#64;',
  '@team',
  '@org/team',
  '#12',
  '!3',
  '`',
  '```',
  '~~~',
  '| x |',
  '[a](javascript:alert(1))',
  '![i](http://e.example/i.png)',
  'http://evil.example',
  'www.evil.example',
  '$x$',
  '*em*',
  '_u_',
  '~~s~~',
  '> quote',
  '# h',
  '- item',
  '1. item',
  '\ud800',
  '\udc00',
  '😀',
  '👨‍👩‍👧',
  'é',
  'e\u0301',
  '"',
  "'",
  '\\',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: hostile text on purpose, a placeholder no template must expand
  '${x}',
  '$(rm -rf ~)',
];

/** Text with hostile pieces in it (lone surrogates included). */
export const hostileText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
      { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => parts.join(''));

/** A UTF-16 code unit of a surrogate pair without its other half. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Hostile text that can be a command-line argument: no NUL (exec refuses it), no lone surrogate (argv is UTF-8). */
export const hostileArg: fc.Arbitrary<string> = hostileText.map((s) => s.replace(/\0/gu, '').replace(LONE_SURROGATE, '\ufffd')).filter((s) => s.trim() !== '');

/** Any JSON value (lone surrogates in strings included), bounded in size. */
export const jsonValue: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 4, depthSize: 'small' });

/** A value nested `depth` arrays or objects deep: the depth at which recursion in a reader or printer breaks. */
export function deepJson(depth: number, inner: 'array' | 'object'): string {
  return inner === 'array' ? '['.repeat(depth) + '1' + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/**
 * Files of real MLflow exports: samples/ and test/fixtures/ (the upstream MLflow fixtures), as
 * bytes. Other tracers' files (test/fixtures/foreign/) are apart: their spans join across records,
 * so the properties of an export (a JSON line is one trace) are not theirs.
 */
export const CORPUS: ReadonlyArray<{ name: string; bytes: Buffer }> = [...corpusFiles(join(REPO_ROOT, 'samples')), ...corpusFiles(join(REPO_ROOT, 'test', 'fixtures'), /^foreign$/u)];

/** Other tracers' files (OTLP/JSON, console output, Jaeger, Zipkin, Langfuse), as bytes. */
export const FOREIGN_CORPUS: ReadonlyArray<{ name: string; bytes: Buffer }> = corpusFiles(join(REPO_ROOT, 'test', 'fixtures', 'foreign'), null, /\.(jsonl?|txt)$/u);

function corpusFiles(root: string, skip: RegExp | null = null, names = /\.jsonl?$/u): Array<{ name: string; bytes: Buffer }> {
  const out: Array<{ name: string; bytes: Buffer }> = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (skip === null || !skip.test(entry)) walk(path);
      } else if (names.test(entry)) out.push({ name: path.slice(REPO_ROOT.length + 1), bytes: readFileSync(path) });
    }
  };
  walk(root);
  return out;
}

/** The trace objects in the corpus (search envelopes and arrays opened, JSON Lines split). */
export const CORPUS_TRACES: readonly unknown[] = CORPUS.flatMap(({ bytes }) => {
  const text = bytes.toString('utf8');
  const values: unknown[] = (() => {
    try {
      return [JSON.parse(text) as unknown];
    } catch {
      // JSON Lines: one value a line (the corpus is ours; a line that does not parse is a bug in it).
      return text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as unknown);
    }
  })();
  return values.flatMap((v) => (Array.isArray(v) ? v : v !== null && typeof v === 'object' && Array.isArray((v as { traces?: unknown }).traces) ? (v as { traces: unknown[] }).traces : [v]));
});

/** Bytes that break JSON where they land. */
const GARBAGE = ['{', '}', '[', ']', '"', '\\', '\n', ',', ':', 'NaN', 'Infinity', '-', '1e400', '\u00e9', '\u0000', '{"info": {}}', 'hello', '\r\n', '\ufeff', '\ud83d'];

/** One edit of a byte string: cut, delete a run, insert garbage, flip a byte, duplicate a run. */
export type Edit = { kind: 'cut' | 'delete' | 'insert' | 'flip' | 'dup'; at: number; size: number; garbage: number };

export const edits: fc.Arbitrary<Edit[]> = fc.array(
  fc.record({ kind: fc.constantFrom('cut', 'delete', 'insert', 'flip', 'dup'), at: fc.double({ min: 0, max: 1, noNaN: true }), size: fc.integer({ min: 1, max: 200 }), garbage: fc.nat() }),
  { minLength: 1, maxLength: 4 },
) as fc.Arbitrary<Edit[]>;

/** Applies edits (positions as fractions of the length, so they stay meaningful as the input shrinks). */
export function applyEdits(input: Buffer, list: readonly Edit[]): Buffer {
  let out = Buffer.from(input);
  for (const e of list) {
    const at = Math.min(out.length, Math.floor(e.at * out.length));
    if (e.kind === 'cut') out = out.subarray(0, at);
    else if (e.kind === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + e.size))]);
    else if (e.kind === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.from(GARBAGE[e.garbage % GARBAGE.length]!, 'utf8'), out.subarray(at)]);
    else if (e.kind === 'dup') out = Buffer.concat([out.subarray(0, at + e.size), out.subarray(at)]);
    else if (out.length > 0) {
      out = Buffer.from(out);
      out[Math.min(at, out.length - 1)] = e.garbage % 256;
    }
  }
  return out;
}

/** Cuts a buffer into chunks at the given sizes (cycled), as a stream may deliver it. */
export function chunksOf(buf: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0, k = 0; i < buf.length; k++) {
    const n = Math.max(1, sizes.length === 0 ? buf.length : sizes[k % sizes.length]!);
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

export const chunkSizes: fc.Arbitrary<number[]> = fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 8 });
