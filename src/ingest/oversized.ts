/**
 * Incremental parsing of one record too big for a single string.
 *
 * V8 cannot hold a string over ~512 MB, so `JSON.parse` of the record's text is impossible for the
 * largest traces. A record too big for one string has its spans streamed one at a time through
 * stream-json: bytes are decoded chunk by chunk, Python's non-finite number tokens are rewritten,
 * the stream-json tokenizer turns the text into tokens with strings streamed in pieces, and a small
 * assembler builds the value, keeping only an excerpt of any over-long string.
 *
 * @packageDocumentation
 */

import { Buffer } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { jsonVerifier } from 'stream-json/core/utils/verifier.js';
import { toJsonPath } from '../model/json-path.js';

/** Limits for {@link OversizedRecordParser}. */
export interface OversizedOptions {
  /** Strings longer than this many UTF-16 code units are cut to their first `excerptLength` units. */
  maxStringLength: number;
  /** How many UTF-16 code units of a cut string are kept (a split surrogate pair is dropped whole). */
  excerptLength: number;
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

/** Thrown for malformed JSON; `offset` is the byte offset relative to the record's first byte. */
export class OversizedParseError extends Error {
  /** Byte offset of the offending character (for a truncated record: the record's length). */
  readonly offset: number;
  /** What the JSON grammar allowed at that point, e.g. `',' or '}'`. */
  readonly expected: string;

  constructor(message: string, offset: number, expected: string) {
    super(message);
    this.name = 'OversizedParseError';
    this.offset = offset;
    this.expected = expected;
  }
}

/** Default limits: 64 Ki code units before a string is cut, 4 Ki kept. */
const DEFAULT_OPTIONS: OversizedOptions = { maxStringLength: 65536, excerptLength: 4096 };

/**
 * stream-chain's "no value" marker, which flushes a flushable stage. It is registered with
 * `Symbol.for` precisely so separate copies of stream-chain agree on it; importing it would make
 * stream-chain (only stream-json's dependency, not ours) a direct import.
 */
const FLUSH: unique symbol = Symbol.for('object-stream.none');

/** The stream-json tokenizer and verifier as called here: text in, tokens (or nothing) out. */
type Tokenizer = (text: string | typeof FLUSH) => { values: Token[] } | typeof FLUSH;
type Verifier = (text: string | typeof FLUSH) => unknown;

/** The error stream-json's verifier throws: `offset` counts UTF-16 units of the text it was fed. */
interface VerifierError extends Error {
  offset: number;
}

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

/**
 * Recent text kept for turning the verifier's character offset into a byte offset. The verifier
 * reports the start of the offending lexeme, which may lie before the latest slice when a literal
 * or number straddles chunks, so at least this much earlier text stays available.
 */
const WINDOW_KEEP = 1024;

const BOM = 0xfeff;

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
  private readonly decoder = new StringDecoder('utf8');
  private readonly rewriter = new NonFiniteRewriter();
  private readonly window = new TextWindow();
  private readonly assembler: SpanAssembler;
  // The verifier sees the same text as the tokenizer (same-length rewrites) and reports exact
  // offsets; the tokenizer's own errors say nothing about where they happened.
  private readonly verify = jsonVerifier() as unknown as Verifier;
  private readonly tokenize = jsonParser({
    packKeys: false,
    packStrings: false,
    packNumbers: true,
    streamNumbers: false,
  }) as unknown as Tokenizer;
  private bytesPushed = 0;
  /** Decoded text of small chunks not parsed yet (see MIN_BATCH). */
  private batch: string[] = [];
  private batchLength = 0;
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
      throw new RangeError(
        `excerptLength must be an integer between 0 and maxStringLength (${maxStringLength}), got ${excerptLength}`,
      );
    }
    this.assembler = new SpanAssembler(maxStringLength, excerptLength);
  }

  /** Feeds the next bytes of the record (UTF-8; a multi-byte character may be split across chunks). */
  push(chunk: Buffer): void {
    if (this.failure) throw this.failure;
    if (this.finished) throw new Error('OversizedRecordParser: push() after finish()');
    this.bytesPushed += chunk.length;
    const text = this.decoder.write(chunk);
    if (this.batch.length === 0 && text.length >= MIN_BATCH) {
      this.feedText(text, false);
      return;
    }
    this.batch.push(text);
    this.batchLength += text.length;
    if (this.batchLength >= MIN_BATCH) this.feedText(this.takeBatch(), false);
  }

  /** Ends the record and returns the assembled value; throws OversizedParseError when the JSON is incomplete or invalid. */
  finish(): OversizedResult {
    if (this.failure) throw this.failure;
    if (this.finished) throw new Error('OversizedRecordParser: finish() called twice');
    this.finished = true;
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
      throw this.fail(
        new OversizedParseError(
          `internal error: the JSON value at byte ${this.bytesPushed} was not fully assembled`,
          this.bytesPushed,
          'end of input',
        ),
      );
    }
    return {
      value: asm.value,
      truncatedStrings: asm.truncatedStrings,
      spanCount: asm.spanCount,
      nonFiniteTokens: this.rewriter.count,
    };
  }

  private takeBatch(): string {
    const text = this.batch.length === 1 ? (this.batch[0] ?? '') : this.batch.join('');
    this.batch = [];
    this.batchLength = 0;
    return text;
  }

  private feedText(decoded: string, final: boolean): void {
    let text = decoded;
    if (!this.started && text.length > 0) {
      this.started = true;
      // A byte-order mark is allowed before a JSON text (RFC 8259 §8.1); it is not part of the
      // value, but its three bytes still count in offsets.
      if (text.charCodeAt(0) === BOM) {
        text = text.slice(1);
        this.window.skipBytes(3);
      }
    }
    if (text.length <= MAX_SLICE) {
      this.feedSlice(text, final);
      return;
    }
    for (let at = 0; at < text.length; ) {
      let end = Math.min(at + MAX_SLICE, text.length);
      // Slices keep surrogate pairs whole so that each slice's UTF-8 length is exact.
      const last = text.charCodeAt(end - 1);
      if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
      this.feedSlice(text.slice(at, end), final && end === text.length);
      at = end;
    }
  }

  private feedSlice(text: string, final: boolean): void {
    const out = this.rewriter.process(text, final);
    if (out.original.length === 0) return;
    const sliceStart = this.window.end;
    this.window.append(out.original);
    try {
      this.verify(out.verifierText);
    } catch (error) {
      throw this.fail(this.verifierFailure(error, { sliceStart, slice: out }));
    }
    this.runTokenizer(out.parserText);
  }

  private runTokenizer(text: string | typeof FLUSH): void {
    let result: { values: Token[] } | typeof FLUSH;
    try {
      result = this.tokenize(text);
    } catch (error) {
      // Unreachable while the verifier and tokenizer agree on the grammar; the offset is then only
      // an upper bound.
      const detail = error instanceof Error ? error.message : String(error);
      throw this.fail(
        new OversizedParseError(
          `invalid JSON at or before byte ${this.bytesPushed}: ${detail}`,
          this.bytesPushed,
          describeExpected(detail, null),
        ),
      );
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

/** Whether `text` is the start of a literal or of an escape sequence, and nothing else. */
function isCutLexeme(text: string | undefined): boolean {
  if (text === undefined || text.length === 0) return false;
  return ['true', 'false', 'null'].some((literal) => literal.startsWith(text)) || /^\\(u[0-9a-fA-F]{0,3})?$/.test(text);
}

function isVerifierError(error: unknown): error is VerifierError {
  return error instanceof Error && typeof (error as Partial<VerifierError>).offset === 'number';
}

/** Turns a stream-json error message into what the grammar wanted at that point. */
function describeExpected(reason: string, container: 'object' | 'array' | null): string {
  const closer = container === 'object' ? "',' or '}'" : container === 'array' ? "',' or ']'" : "',' or a closing bracket";
  if (/expected ','|expected '[}\]]'/.test(reason)) return closer;
  if (reason.includes("unexpected token ']'")) return 'a value';
  if (reason.includes("unexpected token '}'") || reason.includes('expected an object key')) return 'an object key (a string)';
  if (reason.includes("expected ':'")) return "':'";
  if (reason.includes('expected a value')) return 'a value';
  if (reason.includes('escaped characters')) return 'a valid escape sequence or character in a string';
  if (reason.includes('expected a string value')) return "the closing '\"' of the string";
  if (reason.includes('unexpected characters')) return 'end of input';
  if (/starting digit|expected a digit|fractional part|exponent/.test(reason)) return 'digits of a number';
  return reason;
}

function describeChar(codePoint: number | undefined): string {
  if (codePoint === undefined) return 'end of input';
  if (codePoint > 0x20 && codePoint < 0x7f) return `'${String.fromCharCode(codePoint)}'`;
  return `character U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** One slice after non-finite tokens were rewritten. */
interface RewrittenSlice {
  /** The input text handed on (a trailing partial token may be held back for the next slice). */
  original: string;
  /** The same text with `NaN` → `null` and `Infinity` → `1e999   ` (so `-Infinity` → `-1e999   `). */
  parserText: string;
  /** Like `parserText` but `NaN` → `[] `, so its offsets equal those of `original`. */
  verifierText: string;
  /** Maps an index into `original` to the matching index into `parserText`. */
  toParserIndex(index: number): number;
}

// Replacements keep the original length where JSON allows it (whitespace padding after a number),
// so the verifier's offsets stay offsets into the input; only `NaN` → `null` grows by one. The
// verifier's `[] ` is as long as `NaN` and, like `null`, is a complete value that can be neither
// continued, nor negated, nor used as a key, so the verifier accepts exactly what the tokenizer
// accepts.
const PARSER_NAN = 'null';
const VERIFIER_NAN = '[] ';
const INFINITY = '1e999   ';

const QUOTE = 0x22;
const UPPER_N = 0x4e;

const OUTSIDE_STRING = /["NI]/g;
const INSIDE_STRING = /["\\]/g;

/**
 * Rewrites Python's bare `NaN`, `Infinity` and `-Infinity` outside strings. String and escape
 * state, and a token cut by a chunk boundary, carry over from one slice to the next.
 */
class NonFiniteRewriter {
  /** How many tokens were rewritten. */
  count = 0;
  private inString = false;
  /** Inside a string, right after a backslash that ended the previous slice. */
  private escaped = false;
  /** A possible token prefix (`Na`, `Infin`) held back from the previous slice. */
  private carry = '';

  process(input: string, final: boolean): RewrittenSlice {
    const text = this.carry === '' ? input : this.carry + input;
    this.carry = '';
    let end = text.length;
    let i = 0;
    // Positions in `text` where NaN starts; only NaN changes the tokenizer text's length.
    let nanAt: number[] | null = null;
    let parserParts: string[] | null = null;
    let verifierParts: string[] | null = null;
    let copied = 0;
    scan: while (i < end) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i += 1;
          continue;
        }
        INSIDE_STRING.lastIndex = i;
        const match = INSIDE_STRING.exec(text);
        if (!match) break;
        const at = match.index;
        if (text.charCodeAt(at) === QUOTE) {
          this.inString = false;
          i = at + 1;
        } else if (at + 1 < end) {
          i = at + 2;
        } else {
          this.escaped = true;
          i = end;
        }
        continue;
      }
      OUTSIDE_STRING.lastIndex = i;
      const match = OUTSIDE_STRING.exec(text);
      if (!match) break;
      const at = match.index;
      const code = text.charCodeAt(at);
      if (code === QUOTE) {
        this.inString = true;
        i = at + 1;
        continue;
      }
      // `-Infinity` needs no case of its own: its `-` stays and `Infinity` becomes `1e999`.
      const nan = code === UPPER_N;
      const token = nan ? 'NaN' : 'Infinity';
      if (text.startsWith(token, at)) {
        const forParser = nan ? PARSER_NAN : INFINITY;
        const forVerifier = nan ? VERIFIER_NAN : INFINITY;
        parserParts ??= [];
        verifierParts ??= [];
        const before = text.slice(copied, at);
        parserParts.push(before, forParser);
        verifierParts.push(before, forVerifier);
        if (nan) (nanAt ??= []).push(at);
        copied = at + token.length;
        this.count += 1;
        i = copied;
        continue;
      }
      if (!final && at + token.length > end && token.startsWith(text.slice(at, end))) {
        // The rest of the token may come with the next chunk.
        end = at;
        break scan;
      }
      // Not a token: left as is for the verifier to reject.
      i = at + 1;
    }
    if (end < text.length) this.carry = text.slice(end);
    const original = end === text.length ? text : text.slice(0, end);
    if (!parserParts || !verifierParts) {
      return { original, parserText: original, verifierText: original, toParserIndex: (index) => index };
    }
    const rest = text.slice(copied, end);
    parserParts.push(rest);
    verifierParts.push(rest);
    const nans = nanAt ?? [];
    return {
      original,
      parserText: parserParts.join(''),
      verifierText: verifierParts.join(''),
      toParserIndex: (index) => {
        let grown = 0;
        for (const position of nans) if (position < index) grown += PARSER_NAN.length - 3;
        return index + grown;
      },
    };
  }
}

/**
 * The most recent input text with its character and byte position, so a character offset near the
 * end of what was fed can be turned into a byte offset.
 */
class TextWindow {
  /** The recent text, in the pieces it was fed in (joining them on every append would copy it). */
  private pieces: string[] = [];
  private length = 0;
  /** Character index (in the fed text) of the first piece's first character. */
  private startChar = 0;
  /** Byte offset (in the record) of the first piece's first character. */
  private startByte = 0;

  /** Character index just past the last character fed. */
  get end(): number {
    return this.startChar + this.length;
  }

  /** Accounts for bytes that are not part of the fed text (a byte-order mark). */
  skipBytes(count: number): void {
    this.startByte += count;
  }

  /** Adds the next piece; pieces never split a surrogate pair, so each one's byte length is exact. */
  append(piece: string): void {
    this.pieces.push(piece);
    this.length += piece.length;
    let first = this.pieces[0];
    while (first !== undefined && this.length - first.length >= piece.length + WINDOW_KEEP) {
      this.pieces.shift();
      this.length -= first.length;
      this.startChar += first.length;
      this.startByte += Buffer.byteLength(first, 'utf8');
      first = this.pieces[0];
    }
  }

  /** Byte offset of the character at `charIndex` (clamped to the window). */
  byteOffsetOf(charIndex: number): number {
    const text = this.text();
    const local = Math.max(0, Math.min(charIndex - this.startChar, text.length));
    return this.startByte + Buffer.byteLength(text.slice(0, local), 'utf8');
  }

  /** The text from `charIndex` to the end, when it is still in the window. */
  tail(charIndex: number): string | undefined {
    const text = this.text();
    const local = charIndex - this.startChar;
    return local < 0 || local > text.length ? undefined : text.slice(local);
  }

  codePointAt(charIndex: number): number | undefined {
    const text = this.text();
    const local = charIndex - this.startChar;
    if (local < 0 || local >= text.length) return undefined;
    return text.codePointAt(local);
  }

  /** The window as one string; only needed once, when describing an error. */
  private text(): string {
    if (this.pieces.length > 1) this.pieces = [this.pieces.join('')];
    return this.pieces[0] ?? '';
  }
}

/** One open object or array. */
interface Frame {
  container: Record<string, unknown> | unknown[];
  isArray: boolean;
  /** Object frames: the member name read for the value that comes next. */
  key: string | null;
  /** Where this container sits in its parent: a member name or an array index; null for the root. */
  slot: string | number | null;
  /** This is the spans array of a trace, REST body or `traces.json` artifact. */
  spans: boolean;
}

/**
 * A flat copy of `text`. A slice of a long string can be a view that keeps the whole long string
 * alive; an excerpt must cost only its own length.
 */
function detach(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}

const TRUNCATION_MARKER = (more: number): string => `…[truncated: ${more} more chars]`;

/**
 * Builds the value from stream-json tokens (streamed keys and strings, packed numbers). Written
 * here rather than using stream-json's `Assembler`, which only reads packed strings (so cannot cut
 * a string as it streams) and converts numbers with `parseFloat`.
 */
class SpanAssembler {
  value: unknown = undefined;
  complete = false;
  truncatedStrings = 0;
  spanCount = 0;
  private readonly frames: Frame[] = [];
  private top: Frame | undefined = undefined;
  /** Inside a key or a string value: the text so far, while it is not longer than the limit. */
  private text = '';
  /** Set once the current string went over the limit: its kept excerpt. */
  private excerpt: string | null = null;
  /** Length in UTF-16 units of the current string once it went over the limit. */
  private length = 0;
  private inString: 'key' | 'value' | null = null;

  constructor(
    private readonly maxStringLength: number,
    private readonly excerptLength: number,
  ) {}

  /** The kind of the innermost open container, if any. */
  get containerKind(): 'object' | 'array' | null {
    const top = this.top;
    return top ? (top.isArray ? 'array' : 'object') : null;
  }

  /** Where assembly stands, for error messages: `inside an object at $.data.spans[2]`. */
  describeLocation(): string {
    const segments = this.frames.slice(1).map((frame) => frame.slot ?? '');
    const top = this.top;
    if (this.inString === 'key') return `inside an object key at ${toJsonPath(segments)}`;
    if (this.inString === 'value') {
      if (top) segments.push(top.isArray ? (top.container as unknown[]).length : (top.key ?? ''));
      return `inside a string at ${toJsonPath(segments)}`;
    }
    if (top) return `inside an ${top.isArray ? 'array' : 'object'} at ${toJsonPath(segments)}`;
    return this.complete ? 'after the end of the JSON value' : 'at the top level';
  }

  consume(tokens: Token[]): void {
    for (const token of tokens) {
      switch (token.name) {
        case 'startObject':
          this.open({}, false);
          break;
        case 'startArray':
          this.open([], true);
          break;
        case 'endObject':
        case 'endArray':
          this.close();
          break;
        case 'startKey':
          this.startString('key');
          break;
        case 'startString':
          this.startString('value');
          break;
        case 'stringChunk':
          this.appendString(token.value);
          break;
        case 'endKey':
          if (this.top) this.top.key = this.endString();
          break;
        case 'endString':
          this.put(this.endString());
          break;
        case 'numberValue':
          // Number() as JSON.parse does; the rewritten ±1e999 become ±Infinity.
          this.put(Number(token.value));
          break;
        case 'nullValue':
          this.put(null);
          break;
        case 'trueValue':
          this.put(true);
          break;
        case 'falseValue':
          this.put(false);
          break;
        default:
          // Number chunks and whitespace are not requested from the tokenizer.
          break;
      }
    }
  }

  private open(container: Record<string, unknown> | unknown[], isArray: boolean): void {
    const parent = this.top;
    let slot: string | number | null = null;
    let spans = false;
    if (parent) {
      if (parent.isArray) {
        slot = (parent.container as unknown[]).length;
      } else {
        slot = parent.key;
        spans = isArray && slot === 'spans' && this.isSpansParent(parent);
      }
    }
    this.put(container);
    const frame: Frame = { container, isArray, key: null, slot, spans };
    this.frames.push(frame);
    this.top = frame;
  }

  /** `spans` directly under the root object, or under the root's `data` or `trace` object. */
  private isSpansParent(parent: Frame): boolean {
    if (this.frames.length === 1) return true;
    return this.frames.length === 2 && (parent.slot === 'data' || parent.slot === 'trace');
  }

  private close(): void {
    const closed = this.frames.pop();
    this.top = this.frames[this.frames.length - 1];
    if (!this.top) {
      this.complete = true;
      return;
    }
    if (this.top.spans && closed && !closed.isArray) this.spanCount += 1;
  }

  private put(value: unknown): void {
    const top = this.top;
    if (!top) {
      this.value = value;
      if (typeof value !== 'object' || value === null) this.complete = true;
      return;
    }
    if (top.isArray) {
      (top.container as unknown[]).push(value);
      return;
    }
    const key = top.key ?? '';
    const object = top.container as Record<string, unknown>;
    if (key === '__proto__') {
      // Like JSON.parse: an own property, never the inherited prototype setter.
      Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
    } else {
      object[key] = value;
    }
    top.key = null;
  }

  private startString(kind: 'key' | 'value'): void {
    this.inString = kind;
    this.text = '';
    this.excerpt = null;
    this.length = 0;
  }

  private appendString(chunk: string): void {
    if (this.excerpt !== null) {
      this.length += chunk.length;
      return;
    }
    this.text += chunk;
    if (this.text.length > this.maxStringLength) {
      this.length = this.text.length;
      let cut = this.excerptLength;
      const last = this.text.charCodeAt(cut - 1);
      // Keep surrogate pairs whole: a lone high surrogate is not a character.
      if (cut > 0 && last >= 0xd800 && last <= 0xdbff) cut -= 1;
      this.excerpt = detach(this.text.slice(0, cut));
      this.text = '';
    }
  }

  private endString(): string {
    this.inString = null;
    if (this.excerpt === null) {
      const text = this.text;
      this.text = '';
      return text;
    }
    this.truncatedStrings += 1;
    const cut = this.excerpt + TRUNCATION_MARKER(this.length - this.excerpt.length);
    this.excerpt = null;
    return cut;
  }
}
