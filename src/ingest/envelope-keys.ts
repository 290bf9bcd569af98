/**
 * The strings the scanner reads at depth 1 of a top-level object, to recognise the search envelope
 * (`mlflow traces search --output json`): a key, matched against `traces` and `next_page_token`,
 * and the page token's value, said once per source in a note (a non-empty token means the file is
 * one page of a longer search). Only their first characters are kept, across chunks.
 */
import { CAPTURE_CAP } from './scan-bytes.js';
import { type PageToken, pageTokenNote } from './scan-messages.js';
import type { ScanSink } from './scan-types.js';

export class EnvelopeKeys {
  /** The first characters of the key or token being read (null: none), before `from` in the chunk. */
  text: string | null = null;
  private from = 0;
  /** Whether the string held in `text` is a depth-1 key or the page token's value. */
  private capturing: 'key' | 'token' = 'key';
  private tokenAt = { offset: 0, line: 1 };
  /** A token read before `traces`: said once the object is known to be the search envelope. */
  private pendingToken: PageToken | null = null;
  /** The page note is said once per source: concatenated pages are still one file to fetch again. */
  private pageNoted = false;

  constructor(private readonly sink: ScanSink) {}

  /** A key opens with the quote at `i`. */
  startKey(i: number): void {
    this.capturing = 'key';
    this.text = '';
    this.from = i + 1;
  }

  /** The page token's value opens with the quote at `i`, at absolute `offset` on `line`. */
  startToken(i: number, offset: number, line: number): void {
    this.capturing = 'token';
    this.tokenAt = { offset, line };
    this.text = '';
    this.from = i + 1;
  }

  /** The chunk (of `len` bytes) ends inside the string: keeps its characters read so far. */
  carry(chunk: Buffer, len: number): void {
    // Bounded: a key or token is matched or shown by its first characters only.
    if (this.text!.length < CAPTURE_CAP) this.text = (this.text + chunk.toString('latin1', this.from, Math.min(len, this.from + CAPTURE_CAP))).slice(0, CAPTURE_CAP);
    this.from = 0;
  }

  /**
   * The string closes at the quote at `q`: returns the key, or null when it was the page token,
   * which is said now inside the search envelope (`inSearch`) and kept for `enterSearch` before it.
   */
  end(chunk: Buffer, q: number, inSearch: boolean): string | null {
    const rest = this.text!.length < CAPTURE_CAP ? chunk.toString('latin1', this.from, Math.min(q, this.from + CAPTURE_CAP)) : '';
    const text = (this.text + rest).slice(0, CAPTURE_CAP);
    this.text = null;
    if (this.capturing === 'key') return text;
    this.capturing = 'key';
    if (text !== '') this.foundToken({ text, ...this.tokenAt }, inSearch);
    return null;
  }

  /** Stops reading the current string (a line broke inside it). */
  drop(): void {
    this.text = null;
  }

  /** A new record starts: no string is being read, and a token read before is no envelope's. */
  reset(): void {
    this.text = null;
    this.pendingToken = null;
  }

  /** `{"traces": [` at the top: a token read before it is the envelope's. */
  enterSearch(): void {
    if (this.pendingToken !== null) this.foundToken(this.pendingToken, true);
    this.pendingToken = null;
  }

  private foundToken(token: PageToken, inSearch: boolean): void {
    if (!inSearch) {
      this.pendingToken = token;
      return;
    }
    if (this.pageNoted) return;
    this.pageNoted = true;
    this.sink.note(pageTokenNote(token));
  }
}
