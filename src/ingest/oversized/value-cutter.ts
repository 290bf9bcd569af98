import { Buffer } from 'node:buffer';
import { BACKSLASH, COLON, COMMA, LBRACE, LBRACKET, oddBackslashesBefore, QUOTE, RBRACE, RBRACKET, unescapedQuote } from '../json-bytes.js';
import { LongStringSkipper } from './long-string.js';

/** Where {@link ValueCutter} sends what it finds, in input order. */
export interface CutterSink {
  /** Bytes to parse token by token (the record's skeleton, and anything not cut out). */
  text(bytes: Buffer): void;
  /**
   * A whole object or array that `JSON.parse` read: it stands where its bytes were, which end at
   * `end` (a byte offset in the record).
   */
  value(value: unknown, isArray: boolean, end: number): void;
  /**
   * Asked inside a string outside any candidate once it is `skipStringAfter` bytes long, at a
   * character boundary outside any escape: whether the rest of the string may be skipped (true
   * once the token path is cutting it, so its text is no longer kept).
   */
  skipString(): boolean;
  /** The skipped bytes of the string end before record offset `end` and hold `units` UTF-16 code units. */
  skipped(units: number, end: number): void;
}

/** Limits for {@link ValueCutter}. */
export interface CutterOptions {
  /** A candidate longer than this many bytes is given up and looked into instead. */
  maxValueBytes: number;
  /** A candidate holding a string of more than this many bytes is given up (the string must be cut). */
  maxStringBytes: number;
  /** Containers nested deeper than this are never candidates (bounds the re-scans of a given-up candidate). */
  maxDepth: number;
  /** A string outside any candidate longer than this many bytes may be skipped (see `CutterSink.skipString`). */
  skipStringAfter: number;
}

/** The scanner's state where a candidate starts, restored when the candidate is given up. */
interface Snapshot {
  arrays: boolean[];
  expectValue: boolean;
}

/** The object or array being gathered for `JSON.parse`. */
interface Candidate {
  start: number;
  /** Nesting depth outside the candidate. */
  depth: number;
  isArray: boolean;
  pieces: Buffer[];
  bytes: number;
  snapshot: Snapshot;
}

/**
 * Cuts a record's bytes into the objects and arrays that `JSON.parse` can read at once (a span,
 * the `info` object) and the text around them, which goes on to the token-by-token parser.
 *
 * Tokenizing in JavaScript costs several times what `JSON.parse` does, so the cutter tracks only
 * string state and nesting (strings skipped with `indexOf`) and hands each container that starts
 * where a value is expected, inside the top-level value, to `JSON.parse` once it is closed. What
 * `JSON.parse` cannot take goes to the token path unchanged, which keeps every result and every
 * error message of that path:
 * - a container over `maxValueBytes` is given up and its bytes scanned again with the containers
 *   inside it as candidates (so the `data` object is looked into, and each span is one candidate);
 * - one with a string over `maxStringBytes` (a string that may have to be cut) is given up the same
 *   way, as soon as the string is that long;
 * - one that `JSON.parse` rejects (malformed, or Python's `NaN`) goes to the token path whole, which
 *   rewrites or reports it.
 *
 * A container is a candidate only after `[`, `,` in an array, or `:`, so that the grammar expects a
 * value there whatever the cutter cannot see (the token path has verified everything before it).
 */
export class ValueCutter {
  /** Bytes seen so far: the record offset of the next byte pushed. */
  private at = 0;
  /** Open containers, innermost last: true for an array. */
  private arrays: boolean[] = [];
  private expectValue = false;
  private inString = false;
  private escaped = false;
  /** Record offset of the current string's opening quote. */
  private stringStart = 0;
  private candidate: Candidate | null = null;
  /** A given-up candidate's start: not a candidate again while its bytes are scanned again. */
  private suppressed = -1;
  /** Set while the rest of a long string is skipped. */
  private skipper: LongStringSkipper | null = null;

  constructor(
    private readonly sink: CutterSink,
    private readonly options: CutterOptions,
  ) {}

  /** Scans the next bytes of the record. */
  push(chunk: Buffer): void {
    const base = this.at;
    this.at += chunk.length;
    if (this.skipper) {
      this.skip(chunk, base);
      return;
    }
    if (this.inString && !this.escaped && this.candidate === null && base - this.stringStart - 1 > this.options.skipStringAfter) {
      const at = boundaryIn(chunk);
      if (at > 0) {
        this.scan(chunk.subarray(0, at), base);
        if (this.inString && !this.escaped && this.candidate === null && this.sink.skipString()) {
          this.skipper = new LongStringSkipper();
          this.skip(chunk.subarray(at), base + at);
        } else this.scan(chunk.subarray(at), base + at);
        return;
      }
    }
    this.scan(chunk, base);
  }

  /** Ends the record: a candidate still open (a cut-short record) goes to the token path as it is. */
  finish(): void {
    const skipper = this.skipper;
    if (skipper) {
      this.skipper = null;
      const carry = skipper.finish();
      this.sink.skipped(skipper.units, this.at - (carry?.length ?? 0));
      if (carry) this.sink.text(carry);
    }
    const open = this.candidate;
    this.candidate = null;
    if (open) for (const piece of open.pieces) this.sink.text(piece);
  }

  /** Feeds the skipper; where the skipped run ends, scanning resumes with the closing quote or the bad byte. */
  private skip(chunk: Buffer, base: number): void {
    const skipper = this.skipper as LongStringSkipper;
    const end = skipper.feed(chunk, base);
    if (end === null) return;
    this.skipper = null;
    this.sink.skipped(skipper.units, end.base + end.stop);
    this.scan(end.buf.subarray(end.stop), end.base + end.stop);
  }

  /** Scans `buf`, whose first byte is at record offset `base`. */
  private scan(buf: Buffer, base: number): void {
    const n = buf.length;
    /** Start of the bytes not yet sent or gathered. */
    let from = 0;
    let i = 0;
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i += 1;
          continue;
        }
        // The closing quote is the first quote after an even run of backslashes: one search per
        // quote, none per escape (JSON text inside a string has an escape every few bytes). Bytes
        // before `i` are never part of a pending escape, so a run is counted back to `i` at most.
        const quote = unescapedQuote(buf, i);
        if (quote === -1) {
          // The string goes on in the next chunk; an odd run of backslashes at the end escapes its first byte.
          this.escaped = oddBackslashesBefore(buf, n, i);
          i = n;
          break;
        }
        this.inString = false;
        i = quote + 1;
        const cand = this.candidate;
        if (cand && base + quote - this.stringStart - 1 > this.options.maxStringBytes) from = this.giveUp(buf, from, i);
        continue;
      }
      const c = buf[i] as number;
      switch (c) {
        case QUOTE:
          this.inString = true;
          this.stringStart = base + i;
          this.expectValue = false;
          break;
        case LBRACE:
        case LBRACKET: {
          const isArray = c === LBRACKET;
          const depth = this.arrays.length;
          if (this.candidate === null && this.expectValue && depth > 0 && depth <= this.options.maxDepth && base + i !== this.suppressed) {
            if (i > from) this.sink.text(buf.subarray(from, i));
            from = i;
            this.candidate = { start: base + i, depth, isArray, pieces: [], bytes: 0, snapshot: { arrays: this.arrays.slice(), expectValue: true } };
          }
          this.arrays.push(isArray);
          this.expectValue = isArray;
          break;
        }
        case RBRACE:
        case RBRACKET: {
          this.arrays.pop();
          this.expectValue = false;
          const cand = this.candidate;
          if (cand && this.arrays.length === cand.depth) {
            const piece = buf.subarray(from, i + 1);
            cand.pieces.push(piece);
            cand.bytes += piece.length;
            from = i + 1;
            if (cand.bytes > this.options.maxValueBytes) {
              // Over the limit within one chunk: looked into, as when it outgrows several.
              this.replay(cand);
            } else {
              this.candidate = null;
              this.complete(cand, base + i + 1);
            }
          }
          break;
        }
        case COMMA:
          this.expectValue = this.arrays[this.arrays.length - 1] === true;
          break;
        case COLON:
          this.expectValue = true;
          break;
        case 0x20:
        case 0x09:
        case 0x0a:
        case 0x0d:
          break;
        default:
          // Numbers, literals, and bytes the grammar rejects: no value is expected after them.
          this.expectValue = false;
      }
      i += 1;
    }
    const cand = this.candidate;
    if (cand === null) {
      if (n > from) this.sink.text(from === 0 ? buf : buf.subarray(from));
      return;
    }
    const piece = from === 0 ? buf : buf.subarray(from);
    cand.pieces.push(piece);
    cand.bytes += piece.length;
    const stringTooLong = this.inString && base + n - this.stringStart - 1 > this.options.maxStringBytes;
    if (cand.bytes > this.options.maxValueBytes || stringTooLong) this.replay(cand);
  }

  /** Gives up the candidate at `buf[i]`, scanning its bytes again; returns the new `from` (i). */
  private giveUp(buf: Buffer, from: number, i: number): number {
    const cand = this.candidate as Candidate;
    cand.pieces.push(buf.subarray(from, i));
    this.replay(cand);
    return i;
  }

  /** Restores the state at the candidate's start and scans its bytes again, itself not a candidate. */
  private replay(cand: Candidate): void {
    this.candidate = null;
    this.arrays = cand.snapshot.arrays;
    this.expectValue = cand.snapshot.expectValue;
    this.inString = false;
    this.escaped = false;
    this.suppressed = cand.start;
    let offset = cand.start;
    for (const piece of cand.pieces) {
      this.scan(piece, offset);
      offset += piece.length;
    }
  }

  private complete(cand: Candidate, end: number): void {
    const bytes = cand.pieces.length === 1 ? (cand.pieces[0] as Buffer) : Buffer.concat(cand.pieces);
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      // Not for JSON.parse (malformed, or Python's NaN): the token path rewrites or reports it.
      this.sink.text(bytes);
      return;
    }
    this.sink.value(value, cand.isArray, end);
  }
}

/**
 * The first index in `chunk` (inside a string) that starts a character outside any escape: the
 * byte before it is ASCII (a character ended) and none of the six before it is a backslash (the
 * longest escape, `\uXXXX`, cannot straddle it); 0 when the first 64 bytes hold none, or a quote.
 */
function boundaryIn(chunk: Buffer): number {
  const limit = Math.min(chunk.length, 64);
  for (let at = 6; at < limit; at++) {
    const before = chunk.subarray(0, at);
    if (before.includes(QUOTE)) return 0;
    if ((chunk[at - 1] as number) < 0x80 && !chunk.subarray(at - 6, at).includes(BACKSLASH)) return at;
  }
  return 0;
}
