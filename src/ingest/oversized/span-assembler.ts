import { Buffer } from 'node:buffer';
import type { Token } from 'stream-json/core/parser.js';
import { toJsonPath } from '../../model/json-path.js';
import { isHighSurrogate } from './utf16.js';

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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TRUNCATION_MARKER = (more: number): string => `…[truncated: ${more} more chars]`;

/**
 * Builds the value from stream-json tokens (streamed keys and strings, packed numbers). Written
 * here rather than using stream-json's `Assembler`, which only reads packed strings (so cannot cut
 * a string as it streams) and converts numbers with `parseFloat`.
 */
export class SpanAssembler {
  /** The value assembled so far; the whole record once `complete` is set. */
  value: unknown = undefined;
  /** Set once the top-level value is closed. */
  complete = false;
  /** How many strings were cut. */
  truncatedStrings = 0;
  /** How many span objects were closed (see `OversizedResult.spanCount`). */
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

  /**
   * @param onSpan - called with each span object once it is whole (before the next value is
   *   read), which may change it in place: `SpanTextSpill` moves its long strings to a file
   */
  constructor(
    private readonly maxStringLength: number,
    private readonly excerptLength: number,
    private readonly onSpan: ((span: Record<string, unknown>) => void) | null = null,
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

  /** Adds the next tokens to the value. */
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

  /** Whether the current string went over the limit: only its excerpt and length are kept. */
  get cutting(): boolean {
    return this.excerpt !== null;
  }

  /** Counts `units` code units of the string being cut that were skipped without being decoded. */
  skipChars(units: number): void {
    this.length += units;
  }

  /** Adds a whole value read elsewhere (by JSON.parse) where the next value goes, counting the spans it holds. */
  insert(value: unknown): void {
    const top = this.top;
    const key = top && !top.isArray ? top.key : null;
    this.put(value);
    if (!top) return;
    if (top.spans) {
      if (isObject(value)) this.spanDone(value);
      return;
    }
    // The spans array, or the `data` / `trace` object holding it, read whole (a small record).
    let spans: unknown;
    const depth = this.frames.length;
    if (key === 'spans' && (depth === 1 || (depth === 2 && (top.slot === 'data' || top.slot === 'trace')))) spans = value;
    else if (depth === 1 && (key === 'data' || key === 'trace') && isObject(value) && Object.hasOwn(value, 'spans')) spans = value.spans;
    if (Array.isArray(spans)) for (const span of spans) if (isObject(span)) this.spanDone(span);
  }

  private spanDone(span: Record<string, unknown>): void {
    this.spanCount += 1;
    this.onSpan?.(span);
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
    if (this.top.spans && closed && !closed.isArray) this.spanDone(closed.container as Record<string, unknown>);
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
      if (cut > 0 && isHighSurrogate(last)) cut -= 1;
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
