/**
 * Reads the pieces of a filter string one at a time, as the parser asks for them: the grammar
 * decides what may come next (a key, a comparator, a value), so the cursor never has to guess
 * whether `"x"` is a quoted key or a string value, or whether `0` after a dot is a number.
 *
 * Positions are 0-based UTF-16 offsets into the text; the parser turns them into the 1-based
 * columns of its errors.
 */
export class Cursor {
  pos = 0;

  constructor(
    readonly text: string,
    /** Reports a fault at a 0-based position; never returns. */
    readonly fail: (message: string, at: number) => never,
  ) {}

  /** Skips white space; says whether there was any. */
  skipSpace(): boolean {
    const start = this.pos;
    while (this.pos < this.text.length && isSpace(this.text.charCodeAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** The character at the cursor, or `''` at the end. */
  peek(offset = 0): string {
    return this.text.charAt(this.pos + offset);
  }

  /**
   * A bare word: a letter or `_`, then letters, digits, `_` and `-` (`-` so that tag keys such as
   * `my-tag` need no backticks; it cannot start a word, so `-5` stays a number). With
   * `digitsFirst`, a word may also start with a digit (`spans.0` in a pipeline path) or be `*`.
   */
  readWord(digitsFirst = false): string | null {
    const start = this.pos;
    if (digitsFirst && this.peek() === '*') {
      this.pos++;
      return '*';
    }
    const first = this.text.charCodeAt(this.pos);
    if (!(isLetter(first) || first === 0x5f || (digitsFirst && isDigit(first)))) return null;
    this.pos++;
    while (this.pos < this.text.length && isWordChar(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /**
   * A string in `quote` (', " or `) starting at the cursor. A doubled quote stands for one quote
   * (`'it''s'`, SQL's only escape); a backslash is an ordinary character, as in MLflow's LIKE
   * patterns. Returns the text between the quotes.
   */
  readQuoted(): string {
    const quote = this.peek();
    const start = this.pos;
    let value = '';
    let i = this.pos + 1;
    for (;;) {
      const close = this.text.indexOf(quote, i);
      if (close < 0) {
        const kind = quote === '`' ? 'backticked key' : 'string';
        this.fail(`Unterminated ${kind}: the ${quote} opened here has no closing ${quote}.`, start);
      }
      value += this.text.slice(i, close);
      if (this.text.charAt(close + 1) === quote) {
        value += quote;
        i = close + 2;
        continue;
      }
      this.pos = close + 1;
      return value;
    }
  }

  /** A number literal (`5`, `-3`, `10.5`, `.5`, `1e3`), or null when none starts here. */
  readNumber(): { text: string; value: number } | null {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) return null;
    const end = this.pos + m[0].length;
    const next = this.text.charCodeAt(end);
    if (isWordChar(next) || next === 0x2e) {
      this.fail(`Malformed number '${this.text.slice(this.pos, end + 1)}': a number is digits with an optional fraction and exponent.`, this.pos);
    }
    this.pos = end;
    return { text: m[0], value: Number(m[0]) };
  }

  /** A symbolic comparator (`=`, `!=`, `<>`, `==`, `<`, `<=`, `>`, `>=`), or null. */
  readOperator(): string | null {
    OPERATOR.lastIndex = this.pos;
    const m = OPERATOR.exec(this.text);
    if (!m) return null;
    this.pos += m[0].length;
    return m[0];
  }

  /**
   * The run of non-space characters at `at` (at most 30), for error messages: in single quotes,
   * unless it already starts with a quote (`found 'OK'`, not `found ''OK''`).
   */
  shown(at = this.pos): string {
    let end = at;
    while (end < this.text.length && !isSpace(this.text.charCodeAt(end)) && end - at < 30) end++;
    const run = this.text.slice(at, Math.max(end, at + 1));
    return run.startsWith("'") || run.startsWith('"') ? run : `'${run}'`;
  }
}

const NUMBER = /-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;
const OPERATOR = /!=|<>|<=|>=|==|=|<|>/y;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x0b;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isWordChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 0x5f || c === 0x2d;
}
