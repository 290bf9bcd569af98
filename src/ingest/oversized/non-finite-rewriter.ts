import { QUOTE } from '../json-bytes.js';
/** One slice after non-finite tokens were rewritten. */
export interface RewrittenSlice {
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

const UPPER_N = 0x4e;

const OUTSIDE_STRING = /["NI]/g;
const INSIDE_STRING = /["\\]/g;

/**
 * Rewrites Python's bare `NaN`, `Infinity` and `-Infinity` outside strings. String and escape
 * state, and a token cut by a chunk boundary, carry over from one slice to the next.
 */
export class NonFiniteRewriter {
  /** How many tokens were rewritten. */
  count = 0;
  private inString = false;
  /** Inside a string, right after a backslash that ended the previous slice. */
  private escaped = false;
  /** A possible token prefix (`Na`, `Infin`) held back from the previous slice. */
  private carry = '';

  /**
   * Rewrites the next slice of input. Unless `final`, a trailing prefix of a token is held back and
   * put in front of the next slice.
   */
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
    while (i < end) {
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
        break;
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
