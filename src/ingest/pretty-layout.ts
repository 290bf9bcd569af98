/**
 * The byte work of the scanner's pretty-printed fast path (`mlflow traces search --output json`,
 * `json.dumps(indent=N)`): the indentation before an element's `{`, carried across chunks; a `{`
 * whose line end falls in the next chunk; and the search for the element's closing line, which
 * may straddle chunks. The scanner (`scanner.ts`) decides when the path applies and cuts the record.
 */
import { CR, EMPTY, LF, SPACE } from './scan-bytes.js';

/** `\n` + N spaces + `}`: the line that closes a pretty-printed element indented by N spaces. */
const PRETTY_CLOSERS = Array.from({ length: 65 }, (_, n) => Buffer.from(`\n${' '.repeat(n)}}`));

export class PrettyLayout {
  /** Indentation of a `{` whose line end fell in the next chunk (-1: none pending), and whether a CR followed it. */
  pending = -1;
  private pendingCr = false;
  /** Spaces from the current line's start to the end of the previous chunks (-1: a non-space came). */
  indentCarry = 0;
  /** The closing line of the pretty element being held; the last bytes of the previous chunk. */
  private closer: Buffer = EMPTY;
  private seam: Buffer = EMPTY;

  /**
   * The indentation of the `{` at `i` when only spaces (1 to 64 of them) stand before it on its
   * line, which starts at `lineStartInChunk` (negative: in an earlier chunk); -1 otherwise.
   */
  indentOf(chunk: Buffer, i: number, lineStartInChunk: number): number {
    // The indentation may have begun in earlier chunks: `indentCarry` counts its spaces there.
    const from = Math.max(0, lineStartInChunk);
    const indent = lineStartInChunk >= 0 ? i - lineStartInChunk : this.indentCarry < 0 ? -1 : this.indentCarry + i;
    if (indent < 1 || indent > 64) return -1;
    for (let j = from; j < i; j++) if (chunk[j] !== SPACE) return -1;
    return indent;
  }

  /** The `{` indented by `indent` ended its chunk (after a CR when `cr`): the next chunk decides. */
  defer(indent: number, cr: boolean): void {
    this.pending = indent;
    this.pendingCr = cr;
  }

  /**
   * Decides a pending `{` at the start of the next chunk (from `i`): returns where its line feed
   * is (after at most one CR), which makes it a pretty element; -1 when anything else comes, or
   * when the chunk ends after a CR and the next one decides.
   */
  settle(chunk: Buffer, i: number): number {
    let k = i;
    if (!this.pendingCr && chunk[k] === CR) {
      k++;
      if (k >= chunk.length) {
        this.pendingCr = true;
        return -1;
      }
    }
    this.pending = -1;
    return chunk[k] === LF ? k : -1;
  }

  /** Keeps `indentCarry` for the chunk just read (only the first 65 spaces of a line matter). */
  carry(chunk: Buffer, len: number, lineStartInChunk: number): void {
    if (lineStartInChunk < 0 && this.indentCarry < 0) return;
    const from = Math.max(0, lineStartInChunk);
    let j = from;
    while (j < len && j - from < 65 && chunk[j] === SPACE) j++;
    if (j < len && j - from < 65) this.indentCarry = -1;
    else this.indentCarry = Math.min(65, j - from + (lineStartInChunk < 0 ? this.indentCarry : 0));
  }

  /** Starts looking for the closing line of an element whose `{` is indented by `indent`. */
  open(indent: number): void {
    this.closer = PRETTY_CLOSERS[indent]!;
    this.seam = EMPTY;
  }

  /**
   * Looks for the held element's closing line from `i`: returns the index after its `}`, or -1
   * when it is not in this chunk (whose last bytes are then kept as the seam for the next one).
   */
  closeEnd(chunk: Buffer, i: number): number {
    const needle = this.closer;
    let end = -1;
    if (this.seam.length > 0 && i === 0) {
      // The closing line may straddle the chunks: look at the seam first.
      const joint = Buffer.concat([this.seam, chunk.subarray(0, needle.length - 1)]);
      const at = joint.indexOf(needle);
      if (at !== -1) end = at + needle.length - this.seam.length;
    }
    if (end === -1) {
      const at = chunk.indexOf(needle, i);
      if (at !== -1) end = at + needle.length;
    }
    if (end === -1) {
      const keep = needle.length - 1;
      // Chunks shorter than the closing line (a slow pipe) add to the seam rather than replace it.
      this.seam = chunk.length >= keep ? chunk.subarray(chunk.length - keep) : Buffer.concat([this.seam, chunk]).subarray(-keep);
    }
    return end;
  }
}
