/**
 * Incremental parsing of one record too big for a single string.
 *
 * V8 cannot hold a string over ~512 MB, so `JSON.parse` of the record's text is impossible for the
 * largest traces. A record too big for one string has its spans streamed one at a time through
 * stream-json: bytes are decoded chunk by chunk, Python's non-finite number tokens are rewritten,
 * the stream-json tokenizer turns the text into tokens with strings streamed in pieces, and a small
 * assembler builds the value, keeping only an excerpt of any over-long string.
 *
 * Each of those stages is a module under `oversized/`; this file drives them and turns what goes
 * wrong into one {@link OversizedParseError} with an exact byte offset.
 *
 * @packageDocumentation
 */

import type { Buffer } from 'node:buffer';
import { describeChar, describeExpected, isCutLexeme } from './oversized/error-text.js';
import { NonFiniteRewriter, type RewrittenSlice } from './oversized/non-finite-rewriter.js';
import { SpanAssembler } from './oversized/span-assembler.js';
import { CountingDecoder, type DecodedText, joinDecoded, sliceDecoded, TextWindow } from './oversized/text-window.js';
import { createTokenizer, createVerifier, FLUSH, isVerifierError, type Tokenizer } from './oversized/tokenizer.js';
import { isHighSurrogate } from './oversized/utf16.js';
import { Utf8Check } from './oversized/utf8-check.js';
import { ValueCutter } from './oversized/value-cutter.js';

/** Limits for {@link OversizedRecordParser}. */
export interface OversizedOptions {
  /** Strings longer than this many UTF-16 code units are cut to their first `excerptLength` units. */
  maxStringLength: number;
  /** How many UTF-16 code units of a cut string are kept (a split surrogate pair is dropped whole). */
  excerptLength: number;
  /**
   * Objects and arrays up to this many bytes (a span) are read by `JSON.parse` at once, unless they
   * hold a string over `maxStringLength`; bigger ones are looked into.
   */
  maxValueBytes: number;
  /** Called with each span once it is whole; it may change the span in place (see `SpanAssembler`). */
  onSpan: ((span: Record<string, unknown>) => void) | null;
}

/** What {@link OversizedRecordParser.finish} returns. */
export interface OversizedResult {
  /** The record as a JSON value, with over-long strings cut (see `truncatedStrings`). */
  value: unknown;
  /** How many strings were cut. */
  truncatedStrings: number;
  /**
   * How many span objects were assembled one at a time: the object elements of `data.spans`,
   * `trace.spans` or a top-level `spans` array.
   */
  spanCount: number;
  /** Count of `NaN` / `Infinity` / `-Infinity` tokens rewritten to `null` / `1e999` / `-1e999`. */
  nonFiniteTokens: number;
}

/** Thrown for malformed JSON or bytes that are not UTF-8; `offset` is the byte offset relative to the record's first byte. */
export class OversizedParseError extends Error {
  /** Byte offset of the offending character (for a truncated record: the record's length). */
  readonly offset: number;
  /** What the JSON grammar allowed at that point, e.g. `',' or '}'`. */
  readonly expected: string;
  /** `invalid-utf8` for a byte that breaks UTF-8, as `parseRecord` says of a record read whole. */
  readonly code: 'invalid-json' | 'invalid-utf8';

  constructor(message: string, offset: number, expected: string, code: 'invalid-json' | 'invalid-utf8' = 'invalid-json') {
    super(message);
    this.name = 'OversizedParseError';
    this.offset = offset;
    this.expected = expected;
    this.code = code;
  }
}

/**
 * Objects and arrays up to this size are read by `JSON.parse` at once (see {@link ValueCutter});
 * a bigger one is looked into. A span is one such value; `data` (all the spans) is looked into.
 */
const MAX_CUT_VALUE = 1 << 22;

/** The error for the byte at record offset `at` that breaks UTF-8 (null: a character cut short by the record's end). */
function invalidUtf8(at: number, byte: number | null): OversizedParseError {
  const what = byte === null ? 'a UTF-8 character cut short by the end of the record' : `invalid UTF-8 byte 0x${byte.toString(16).padStart(2, '0')}`;
  return new OversizedParseError(`${what} at byte ${at}`, at, 'UTF-8 text', 'invalid-utf8');
}

/** Default limits: 64 Ki code units before a string is cut, 4 Ki kept; spans up to 4 MiB parsed at once. */
const DEFAULT_OPTIONS: OversizedOptions = { maxStringLength: 65536, excerptLength: 4096, maxValueBytes: MAX_CUT_VALUE, onSpan: null };

/**
 * Decoded text is handed to stream-json in slices of at most this many code units, which bounds
 * the token array one call returns when a caller pushes a very large chunk.
 */
const MAX_SLICE = 1 << 18;

/**
 * Decoded text from small chunks is gathered up to this many code units before it is parsed: each
 * hand-over to stream-json has a fixed cost, and strings cut by a slice boundary take its slower
 * path, so 4 KiB chunks parse at about half the speed of 64 KiB ones.
 */
const MIN_BATCH = 1 << 16;

const BOM = 0xfeff;

/** Containers nested deeper than this are never cut out: `data.spans[i]` is at depth 3. */
const MAX_CUT_DEPTH = 4;

/**
 * Parses one JSON record pushed as raw UTF-8 bytes, without ever holding the record, or any string
 * longer than `maxStringLength`, as one JavaScript string. Memory is bounded by the record's
 * structure plus string excerpts.
 *
 * `push` and `finish` throw {@link OversizedParseError} once they reach the first malformed byte
 * (text from small chunks is gathered into batches of 64 Ki code units first, so the error may
 * come from a later call than the one that delivered the byte); after that every call rethrows
 * the same error.
 */
export class OversizedRecordParser {
  private readonly decoder = new CountingDecoder();
  private readonly rewriter = new NonFiniteRewriter();
  private readonly window = new TextWindow();
  private readonly assembler: SpanAssembler;
  // The verifier sees the same text as the tokenizer (same-length rewrites) and reports exact
  // offsets; the tokenizer's own errors say nothing about where they happened.
  private readonly verify = createVerifier();
  private readonly tokenize = createTokenizer();
  private readonly cutter: ValueCutter;
  private readonly utf8 = new Utf8Check();
  private bytesPushed = 0;
  /** Decoded text of small chunks not parsed yet (see MIN_BATCH). */
  private batch: DecodedText[] = [];
  private batchLength = 0;
  /** Code units the rewriter holds back (a token cut short: ASCII, so as many bytes). */
  private carried = 0;
  private started = false;
  private finished = false;
  private failure: OversizedParseError | null = null;

  constructor(options?: Partial<OversizedOptions>) {
    const maxStringLength = options?.maxStringLength ?? DEFAULT_OPTIONS.maxStringLength;
    const excerptLength = options?.excerptLength ?? DEFAULT_OPTIONS.excerptLength;
    if (!Number.isInteger(maxStringLength) || maxStringLength < 0) {
      throw new RangeError(`maxStringLength must be a non-negative integer, got ${maxStringLength}`);
    }
    if (!Number.isInteger(excerptLength) || excerptLength < 0 || excerptLength > maxStringLength) {
      throw new RangeError(`excerptLength must be an integer between 0 and maxStringLength (${maxStringLength}), got ${excerptLength}`);
    }
    const maxValueBytes = options?.maxValueBytes ?? DEFAULT_OPTIONS.maxValueBytes;
    this.assembler = new SpanAssembler(maxStringLength, excerptLength, options?.onSpan ?? null);
    this.cutter = new ValueCutter(
      {
        text: (bytes) => this.pushText(bytes),
        value: (value, isArray, end) => this.pushValue(value, isArray, end),
        skipString: () => this.maySkipString(),
        skipped: (units, end) => this.skipped(units, end),
      },
      // Decoded text is never longer than its UTF-8 bytes, so a string of at most
      // `maxStringLength` bytes is never cut: JSON.parse reads it as the assembler would.
      { maxValueBytes, maxStringBytes: maxStringLength, maxDepth: MAX_CUT_DEPTH, skipStringAfter: maxStringLength },
    );
  }

  /** Feeds the next bytes of the record (UTF-8; a multi-byte character may be split across chunks). */
  push(chunk: Buffer): void {
    if (this.failure) throw this.failure;
    if (this.finished) throw new Error('OversizedRecordParser: push() after finish()');
    const bad = this.utf8.push(chunk);
    if (bad >= 0) throw this.fail(invalidUtf8(bad, this.utf8.badByte));
    this.bytesPushed += chunk.length;
    this.cutter.push(chunk);
  }

  /** Bytes for the token path. */
  private pushText(chunk: Buffer): void {
    const decoded = this.decoder.write(chunk);
    if (this.batch.length === 0 && decoded.text.length >= MIN_BATCH) {
      this.feedText(decoded, false);
      return;
    }
    this.batch.push(decoded);
    this.batchLength += decoded.text.length;
    if (this.batchLength >= MIN_BATCH) this.feedText(this.takeBatch(), false);
  }

  /** Ends the record and returns the assembled value; throws OversizedParseError when the JSON is incomplete or invalid. */
  finish(): OversizedResult {
    if (this.failure) throw this.failure;
    if (this.finished) throw new Error('OversizedRecordParser: finish() called twice');
    this.finished = true;
    const cut = this.utf8.finish();
    if (cut >= 0) throw this.fail(invalidUtf8(cut, null));
    this.cutter.finish();
    this.batch.push(this.decoder.end());
    this.feedText(this.takeBatch(), true);
    try {
      this.verify(FLUSH);
    } catch (error) {
      throw this.fail(this.verifierFailure(error, null));
    }
    this.runTokenizer(FLUSH);
    const asm = this.assembler;
    if (!asm.complete) {
      // The verifier accepted the whole record, so the tokenizer must have produced a value.
      throw this.fail(new OversizedParseError(`internal error: the JSON value at byte ${this.bytesPushed} was not fully assembled`, this.bytesPushed, 'end of input'));
    }
    return {
      value: asm.value,
      truncatedStrings: asm.truncatedStrings,
      spanCount: asm.spanCount,
      nonFiniteTokens: this.rewriter.count,
    };
  }

  /**
   * A container JSON.parse read, ending at record offset `end`: the token path sees `{}` or `[]`
   * in its place (the grammar is the same) and the assembler takes the value.
   */
  private pushValue(value: unknown, isArray: boolean, end: number): void {
    if (this.batchLength > 0 || this.batch.length > 0) this.feedText(this.takeBatch(), false);
    const placeholder = isArray ? '[]' : '{}';
    const out = this.rewriter.process(placeholder, false);
    if (out.original !== placeholder) {
      // The rewriter held back text (a token cut short): unreachable after `[`, `,` or `:`.
      throw this.fail(new OversizedParseError(`internal error: the value ending at byte ${end} could not be placed`, end, 'a value'));
    }
    const sliceStart = this.window.end;
    this.window.skipTo(sliceStart + placeholder.length, end);
    try {
      this.verify(placeholder);
    } catch (error) {
      throw this.fail(this.verifierFailure(error, null));
    }
    let result: ReturnType<Tokenizer>;
    try {
      result = this.tokenize(placeholder);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw this.fail(new OversizedParseError(`invalid JSON at or before byte ${end}: ${detail}`, end, describeExpected(detail, null)));
    }
    const tokens = result === FLUSH ? [] : result.values;
    if (tokens.length !== 2) {
      throw this.fail(new OversizedParseError(`internal error: the value ending at byte ${end} was not taken whole`, end, 'a value'));
    }
    this.assembler.insert(value);
  }

  /** Whether the rest of the current string may be skipped: once the assembler keeps only its excerpt. */
  private maySkipString(): boolean {
    if (this.batch.length > 0) this.feedText(this.takeBatch(), false);
    return this.assembler.cutting;
  }

  /** The cutter skipped `units` code units of the string being cut; the record resumes at byte `end`. */
  private skipped(units: number, end: number): void {
    if (this.batch.length > 0) this.feedText(this.takeBatch(), false);
    this.assembler.skipChars(units);
    this.window.skipTo(this.window.end, end);
  }

  private takeBatch(): DecodedText {
    const decoded = joinDecoded(this.batch);
    this.batch = [];
    this.batchLength = 0;
    return decoded;
  }

  private feedText(decoded: DecodedText, final: boolean): void {
    let whole = decoded;
    if (!this.started && whole.text.length > 0) {
      this.started = true;
      // A byte-order mark is allowed before a JSON text (RFC 8259 §8.1); it is not part of the
      // value, but its three bytes still count in offsets.
      if (whole.text.charCodeAt(0) === BOM) {
        whole = { text: whole.text.slice(1), bytes: whole.bytes - 3 };
        this.window.skipBytes(3);
      }
    }
    const text = whole.text;
    if (text.length <= MAX_SLICE) {
      this.feedSlice(whole, final);
      return;
    }
    for (let at = 0; at < text.length; ) {
      let end = Math.min(at + MAX_SLICE, text.length);
      // Slices keep surrogate pairs whole so that each slice's UTF-8 length is exact.
      const last = text.charCodeAt(end - 1);
      if (end < text.length && isHighSurrogate(last)) end -= 1;
      this.feedSlice(sliceDecoded(whole, at, end), final && end === text.length);
      at = end;
    }
  }

  private feedSlice(decoded: DecodedText, final: boolean): void {
    const out = this.rewriter.process(decoded.text, final);
    const carriedBefore = this.carried;
    this.carried = carriedBefore + decoded.text.length - out.original.length;
    if (out.original.length === 0) return;
    const sliceStart = this.window.end;
    // `original` is the ASCII the rewriter held back before this slice, then the slice without what
    // it holds back now (also ASCII, one byte a code unit). A piece is appended only when it holds
    // more than the old carry, so the new carry lies within the slice.
    this.window.append({ text: out.original, bytes: carriedBefore + decoded.bytes - this.carried });
    try {
      this.verify(out.verifierText);
    } catch (error) {
      throw this.fail(this.verifierFailure(error, { sliceStart, slice: out }));
    }
    this.runTokenizer(out.parserText);
  }

  private runTokenizer(text: string | typeof FLUSH): void {
    let result: ReturnType<Tokenizer>;
    try {
      result = this.tokenize(text);
    } catch (error) {
      // Unreachable while the verifier and tokenizer agree on the grammar; the offset is then only
      // an upper bound.
      const detail = error instanceof Error ? error.message : String(error);
      throw this.fail(new OversizedParseError(`invalid JSON at or before byte ${this.bytesPushed}: ${detail}`, this.bytesPushed, describeExpected(detail, null)));
    }
    if (result !== FLUSH) this.assembler.consume(result.values);
  }

  /**
   * Builds the error for a verifier failure. When the failure lies in the slice just verified, the
   * tokenizer is first fed the valid text before it, so the assembler's path names the exact
   * container the bad byte sits in.
   */
  private verifierFailure(error: unknown, current: { sliceStart: number; slice: RewrittenSlice } | null): OversizedParseError {
    if (!isVerifierError(error)) {
      const detail = error instanceof Error ? error.message : String(error);
      return new OversizedParseError(`invalid JSON at or before byte ${this.bytesPushed}: ${detail}`, this.bytesPushed, detail);
    }
    const charOffset = error.offset;
    if (current) {
      const local = charOffset - current.sliceStart;
      if (local > 0 && local <= current.slice.original.length) {
        try {
          const result = this.tokenize(current.slice.parserText.slice(0, current.slice.toParserIndex(local)));
          if (result !== FLUSH) this.assembler.consume(result.values);
        } catch {
          // Only the location named in the message depends on this; the verifier's error is the
          // one reported.
        }
      }
    }
    // A literal or escape cut short by the end of the record (`tru`, `\u00`) is reported where it
    // starts; it is a truncation all the same.
    const atEnd = this.finished && (charOffset >= this.window.end || isCutLexeme(this.window.tail(charOffset)));
    const offset = atEnd ? this.bytesPushed : this.window.byteOffsetOf(charOffset);
    const asm = this.assembler;
    const reason = error.message.replace(/^ERROR at \d+ \(\d+, \d+\): /, '');
    const expected = describeExpected(reason, asm.containerKind);
    const where = reason.includes('unexpected characters') ? 'after the end of the JSON value' : asm.describeLocation();
    const found = atEnd ? 'end of input' : describeChar(this.window.codePointAt(charOffset));
    const at = atEnd ? '' : ` at byte ${offset}`;
    return new OversizedParseError(`unexpected ${found}${at} ${where}: expected ${expected}`, offset, expected);
  }

  private fail(error: OversizedParseError): OversizedParseError {
    this.failure = error;
    return error;
  }
}
