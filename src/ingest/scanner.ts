import type { RawRecord, RecordContainer } from './record.js';
import { RecordBuilder } from './record-builder.js';
import { DEFAULT_SCANNER_OPTIONS, type ScanProblem, type ScanSink, type ScannerOptions } from './scan-types.js';
import { COLON, COMMA, LBRACE, LBRACKET, oddBackslashesBefore, QUOTE, RBRACE, RBRACKET, unescapedQuote } from './json-bytes.js';
import { CR, EMPTY, indexOr, isBomPrefix, LF, lookaheadTail, RUN_CAP, SPACE, STARTS_VALUE, startsValue, TAB, UPPER_I, UPPER_N } from './scan-bytes.js';
import { cutShortInString, cutShortLine, endedInContainer, endedInside, leftContainer, tooDeep, utf16BomNote, utf8BomNote } from './scan-messages.js';
import { PrettyLayout } from './pretty-layout.js';
import { EnvelopeKeys } from './envelope-keys.js';

export type { ScanNote, ScanProblem, ScanSink, ScannedRecord, ScannerOptions } from './scan-types.js';
export { DEFAULT_SCANNER_OPTIONS } from './scan-types.js';

// File-local copies of scan-bytes.ts's constants, on purpose: imported, they made the byte loop
// (`scanDeep`) about 15% slower (182 -> 210 ms of CPU over a 100 MB array of traces, measured).

/** Where the scanner stands. */
// biome-ignore lint/suspicious/noConstEnum: file-local and never exported: the hot loop reads it on every byte (tsc emits it as an object here, not inlined)
const enum Mode {
  /** Between top-level values. */
  Top,
  /** Inside a record whose value is an object, array or string. */
  Record,
  /** A top-level run that is not an object (a scalar or garbage): it lasts to the end of the line. */
  TopRun,
  /** Inside a top-level array or a search `traces` array, between elements. */
  Elements,
  /** An array element that is not an object, array or string: it lasts to `,` `]` or white space. */
  ElementScalar,
  /** Inside the search envelope after its traces array. */
  Envelope,
  /** A JSON line taken by the fast path that runs past the chunk: held until the next line feed. */
  Line,
  /** A pretty-printed element taken by the fast path that runs past the chunk: held until its closing line. */
  Pretty,
}

/**
 * Cuts a byte stream into records, one per trace, without parsing them: it tracks only string and
 * escape state and nesting depth, so it costs a fraction of `JSON.parse`. Each top-level value is a
 * record (a single trace file, JSON Lines, concatenated JSON); a top-level array yields its
 * elements; a top-level object whose depth-1 key `traces` holds an array
 * (`mlflow traces search --output json`) yields the elements of that array. Only the current
 * record's bytes are held.
 *
 * Lines are counted outside strings only, which is exact: a raw line feed cannot occur inside a
 * valid JSON string. JSON Lines take a fast path (a line is a record, checked by JSON.parse).
 *
 * This file is longer than the house's ~300 lines on purpose: it is one byte-level state machine
 * whose handlers share a dozen fields and its `Mode` on the hottest path of the program, and
 * what that loop reads must stay in this file (see the constants above: imported, they cost it
 * 15%). What is not that machine lives apart: the record being cut
 * (`record-builder.ts`), the byte tables (`scan-bytes.ts`), the wording of problems and notes
 * (`scan-messages.ts`), the pretty-printed fast path's byte work (`pretty-layout.ts`) and the
 * search envelope's keys and page token (`envelope-keys.ts`).
 */
export class RecordScanner {
  private readonly options: ScannerOptions;
  private mode: Mode = Mode.Top;
  /** Absolute offset of the first byte of the current chunk. */
  private base = 0;
  private line = 1;
  /** Absolute offset of the first byte of the current line. */
  private lineStart = 0;
  private depth = 0;
  private inString = false;
  private escapePending = false;
  /** Depth at which records start in the current container: 0 top level, 1 array, 2 search. */
  private elementDepth = 0;
  private container: RecordContainer = 'document';
  private sawAnything = false;
  private containers = 0;
  /**
   * Set once a line held exactly one value (it started and ended on that line, with only white
   * space after it): the input is JSON Lines, and from then on every line is one record.
   */
  private jsonLines = false;
  /** The last record was a one-line document: a line feed before any other byte makes the input JSON Lines. */
  private lineCandidate = false;

  /** The record being cut. */
  private readonly rec: RecordBuilder;

  /** Depth-1 key tracking of a top-level object, to recognise the search envelope. */
  private expectKey = false;
  private tracesColon = false;
  /**
   * The page token of the search envelope (`next_page_token`, before or after its `traces`): a
   * non-empty one means the file is one page of a longer search, said once in a note.
   */
  private tokenColon = false;
  /** The depth-1 key or page token being read. */
  private readonly keys: EnvelopeKeys;
  /** The pretty-printed fast path's indentation and closing-line search. */
  private readonly pretty = new PrettyLayout();

  constructor(
    source: string,
    private readonly sink: ScanSink,
    options: Partial<ScannerOptions> = {},
  ) {
    this.options = { ...DEFAULT_SCANNER_OPTIONS, ...options };
    this.rec = new RecordBuilder(source, sink, this.options.maxRecordBytes);
    this.keys = new EnvelopeKeys(sink);
  }

  /** Feeds the next chunk of the source. */
  push(chunk: Buffer): void {
    if (this.carry.length > 0) {
      chunk = Buffer.concat([this.carry, chunk]);
      this.carry = EMPTY;
    }
    if (!this.sawAnything && chunk.length < 3 && isBomPrefix(chunk)) {
      this.carry = chunk;
      return;
    }
    const keep = lookaheadTail(chunk);
    if (keep === 0) {
      this.scan(chunk);
      return;
    }
    const tail = chunk.subarray(chunk.length - keep);
    this.scan(chunk.subarray(0, chunk.length - keep));
    // Held back only where a rule reads the next bytes: a record not yet known to be a JSON line,
    // or a CR whose line feed comes next. Elsewhere the tail is read now, so a line that ends a
    // chunk of a slow pipe is a record at once.
    if (tail[tail.length - 1] === CR || (this.mode === Mode.Record && !this.jsonLines && !this.inString)) this.carry = tail;
    else this.scan(tail);
  }

  /** Bytes at the end of a chunk that can only be read with the bytes after them (see `lookaheadTail`). */
  private carry: Buffer = EMPTY;

  /** Scans one chunk, whose lookahead bytes were held back by `push`. */
  private scan(chunk: Buffer): void {
    const len = chunk.length;
    let i = 0;
    if (!this.sawAnything && len > 0) {
      this.sawAnything = true;
      i = this.skipBom(chunk);
    }
    if (this.pretty.pending >= 0 && len > 0) i = this.resolvePretty(chunk, i);
    while (i < len) {
      if (this.mode === Mode.Line) {
        i = this.lineRest(chunk, i);
        continue;
      }
      if (this.mode === Mode.Pretty) {
        i = this.prettyRest(chunk, i);
        continue;
      }
      if (this.inString) {
        i = this.skipString(chunk, i);
        continue;
      }
      if (this.mode === Mode.Record && (this.depth > 1 || this.container !== 'document')) {
        i = this.scanDeep(chunk, i);
        continue;
      }
      const c = chunk[i]!;
      if (this.mode === Mode.Record) {
        i = this.recordByte(chunk, i, c);
        continue;
      }
      i = this.outerByte(chunk, i, c);
    }
    if (this.keys.text !== null) this.keys.carry(chunk, len);
    if (this.inRecord()) {
      const from = Math.max(0, this.rec.start - this.base);
      const piece = chunk.subarray(from);
      if ((this.mode === Mode.TopRun || this.mode === Mode.ElementScalar) && this.rec.heldBytes + piece.length > RUN_CAP) {
        this.rec.refuseRun(piece, startsValue);
      } else this.rec.hold(piece);
    }
    this.pretty.carry(chunk, len, this.lineStart - this.base);
    this.base += len;
  }

  /** Ends the source: a record still open is reported as cut short. */
  finish(): void {
    if (this.carry.length > 0) {
      const rest = this.carry;
      this.carry = EMPTY;
      this.scan(rest);
    }
    this.pretty.pending = -1;
    if (this.mode === Mode.Line || this.mode === Mode.Pretty) {
      // The last line may simply lack its line feed; JSON.parse decides, and a rescan says why.
      this.rec.endOfInput = true;
      this.emit(Buffer.alloc(0), this.base, undefined);
    } else if (this.inRecord()) {
      // A scalar element running to the end ends the record, not the array it sits in.
      const scalar = this.mode === Mode.ElementScalar;
      const problem: ScanProblem | undefined = this.mode === Mode.Record ? endedInside(this.inString, this.depth - this.elementDepth, this.base, this.line) : this.rec.problem;
      this.emit(Buffer.alloc(0), this.base, problem);
      if (scalar) this.noteUnclosed();
    } else if (this.mode === Mode.Elements || this.mode === Mode.Envelope) this.noteUnclosed();
    this.mode = Mode.Top;
    this.inString = false;
    this.depth = 0;
  }

  /** The input ended inside a top-level array or the search envelope. */
  private noteUnclosed(): void {
    this.sink.note(endedInContainer(this.container, this.base, this.line));
  }

  private skipBom(chunk: Buffer): number {
    if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
      this.sink.note(utf8BomNote());
      return 3;
    }
    if (chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
      this.sink.note(utf16BomNote());
    }
    return 0;
  }

  /** A byte outside any record. Returns the next index. */
  private outerByte(chunk: Buffer, i: number, c: number): number {
    let next: number;
    switch (this.mode) {
      case Mode.Top:
        if (c === LF) {
          if (this.lineCandidate) this.jsonLines = true;
          this.newLine(i);
          return i + 1;
        }
        if (c === SPACE || c === TAB || c === CR) return i + 1;
        // A second value on the line of a one-line document: concatenated JSON, not JSON Lines (yet).
        this.lineCandidate = false;
        // In JSON Lines every line is one record, whatever it opens: the next line starts a new one.
        if (this.jsonLines && STARTS_VALUE[c] === 1) return this.fastLine(chunk, i);
        if (c === LBRACE && !this.jsonLines) {
          this.startRecord(i, 'document');
          this.depth = 1;
          this.rec.maxDepth = 1;
          this.expectKey = true;
        } else if (c === LBRACKET && !this.jsonLines) {
          this.containers++;
          this.mode = Mode.Elements;
          this.depth = 1;
          this.elementDepth = 1;
          this.container = 'array';
        } else {
          this.startRecord(i, 'document');
          this.mode = Mode.TopRun;
          // Rare and never a trace: NaN tokens are looked for when it is parsed, not byte by byte.
          this.rec.nonFinite = true;
          return this.runRest(chunk, i + 1);
        }
        return i + 1;
      case Mode.TopRun:
        return this.runRest(chunk, i);
      case Mode.Elements:
        if (c === LF) this.newLine(i);
        else if (c === RBRACKET) {
          this.depth--;
          this.mode = this.depth === 0 ? Mode.Top : Mode.Envelope;
          if (this.depth === 0) this.elementDepth = 0;
        } else if (c === LBRACE && (next = this.prettyElement(chunk, i)) !== -1) {
          return next;
        } else if (c === LBRACE || c === LBRACKET) {
          this.startRecord(i, this.container);
          this.depth++;
          this.rec.maxDepth = 1;
        } else if (c === QUOTE) {
          this.startRecord(i, this.container);
          this.inString = true;
        } else if (c !== SPACE && c !== TAB && c !== CR && c !== COMMA) {
          this.startRecord(i, this.container);
          this.mode = Mode.ElementScalar;
          if (c === UPPER_N || c === UPPER_I) this.rec.nonFinite = true;
        }
        return i + 1;
      case Mode.ElementScalar:
        if (c === COMMA || c === RBRACKET || c === SPACE || c === LF || c === CR || c === TAB) {
          this.capRun(chunk, i);
          this.endRecordAt(chunk, i);
          return i; // the delimiter is read again between elements
        }
        if (c === UPPER_N || c === UPPER_I) this.rec.nonFinite = true;
        return i + 1;
      case Mode.Envelope:
        // The keys after `traces` are read only for the page token.
        if (c === LF) this.newLine(i);
        else if (c === QUOTE) {
          this.inString = true;
          if (this.depth === 1) this.startCapture(i);
        } else if (c === COMMA) {
          if (this.depth === 1) this.expectKey = true;
        } else if (c === COLON) {
          if (this.depth === 1) this.expectKey = false;
          return i + 1;
        } else if (c === LBRACE || c === LBRACKET) this.depth++;
        else if (c === RBRACE || c === RBRACKET) {
          if (--this.depth === 0) {
            this.mode = Mode.Top;
            this.elementDepth = 0;
          }
        }
        if (c !== SPACE && c !== TAB && c !== CR && c !== LF) this.tokenColon = false;
        return i + 1;
      default:
        return i + 1;
    }
  }

  /**
   * JSON Lines fast path: once the input has shown itself to be JSON Lines, a line that starts
   * with `{` and ends within this chunk is taken as a record without scanning its bytes; JSON.parse
   * checks it anyway, and a line that fails is scanned then (`rescanRecord`) to say precisely why.
   * A line that runs past the chunk is scanned normally.
   */
  private fastLine(chunk: Buffer, i: number): number {
    this.startRecord(i, 'document');
    this.rec.unscanned = true;
    this.mode = Mode.Line;
    return this.lineRest(chunk, i + 1);
  }

  /** Finds the end of a fast-path line from `i`: the record ends before the next line feed. */
  private lineRest(chunk: Buffer, i: number): number {
    const nl = chunk.indexOf(LF, i);
    if (nl === -1) return chunk.length;
    this.endRecordAt(chunk, nl > 0 && chunk[nl - 1] === CR ? nl - 1 : nl);
    this.newLine(nl);
    return nl + 1;
  }

  /** Finds the end of a top-level run from `i`: it lasts to the end of its line. */
  private runRest(chunk: Buffer, i: number): number {
    const nl = chunk.indexOf(LF, i);
    if (nl === -1) return chunk.length;
    this.capRun(chunk, nl);
    this.endRecordAt(chunk, nl);
    this.newLine(nl);
    return nl + 1;
  }

  /**
   * A run that is no object and ends at `end` of this chunk is refused when longer than the cap,
   * as it is when it spans chunks (`push`): the answer must not depend on where chunks fall.
   */
  private capRun(chunk: Buffer, end: number): void {
    if (this.base + end - this.rec.start > RUN_CAP) this.rec.refuseRun(chunk.subarray(Math.max(0, this.rec.start - this.base)), startsValue);
  }

  /**
   * Positions a scanner at the start of a line range of a JSON Lines file (`ranges.ts`): offsets
   * stay absolute; lines and record indexes count from the range's start, and the caller adds the
   * lines and records of the ranges before.
   */
  startRange(offset: number): void {
    this.base = offset;
    this.lineStart = offset;
    if (offset > 0) {
      this.sawAnything = true;
      this.jsonLines = true;
    }
  }

  /**
   * Lists (a top-level array or the search envelope's `traces`) opened so far: a source with one
   * and no record is a valid export that holds no trace, not an empty input.
   */
  get listsOpened(): number {
    return this.containers;
  }

  /** Line feeds seen so far (outside strings). */
  get lineFeeds(): number {
    return this.line - 1;
  }

  /**
   * Pretty-printed array fast path (`mlflow traces search --output json`, `json.dumps(indent=N)`):
   * an element whose `{` is preceded on its line by spaces only, and ends it, closes on the first later line
   * that holds the same spaces and a `}` — nested values are indented deeper, and strings hold no
   * raw line feeds. That line is found with one memmem instead of scanning the element's bytes,
   * and its line feeds are counted with memchr; JSON.parse checks the element anyway, and one that
   * fails is scanned then (`rescanRecord`). An element that runs past the chunk is held until its
   * closing line. Returns where to go on, or -1 when the fast path does not apply.
   */
  private prettyElement(chunk: Buffer, i: number): number {
    const indent = this.pretty.indentOf(chunk, i, this.lineStart - this.base);
    if (indent === -1) return -1;
    // Only a `{` that ends its line opens a pretty-printed object (`{"a": 1},` on one line does not).
    let k = i + 1;
    if (chunk[k] === CR) k++;
    if (k >= chunk.length) {
      // The line's end is in the next chunk: scan the element as usual for now and decide there
      // (`resolvePretty`), so that how the bytes arrive never changes where records are cut.
      this.startRecord(i, this.container);
      this.depth++;
      this.rec.maxDepth = 1;
      this.pretty.defer(indent, k > i + 1);
      return k;
    }
    if (chunk[k] !== LF) return -1;
    this.startRecord(i, this.container);
    return this.enterPretty(chunk, indent, i + 1);
  }

  /** Takes the element begun at `{` as pretty-printed, its closing line indented by `indent`. */
  private enterPretty(chunk: Buffer, indent: number, i: number): number {
    this.rec.unscanned = true;
    this.rec.lineBreaks = true;
    this.pretty.open(indent);
    this.mode = Mode.Pretty;
    return this.prettyRest(chunk, i);
  }

  /**
   * Decides a pending `{` at the start of the next chunk: a line feed (after at most one CR) makes
   * it a pretty element, as if the chunk had held it whole; anything else leaves it scanned.
   */
  private resolvePretty(chunk: Buffer, i: number): number {
    const indent = this.pretty.pending;
    const k = this.pretty.settle(chunk, i);
    if (k === -1 || this.mode !== Mode.Record || this.depth !== this.elementDepth + 1) return i;
    // Only `{` and white space were crossed since: undo the scan's depth and take the pretty path.
    this.depth--;
    this.rec.maxDepth = 0;
    return this.enterPretty(chunk, indent, k);
  }

  /** Looks for the held pretty element's closing line from `i`, counting the line feeds passed. */
  private prettyRest(chunk: Buffer, i: number): number {
    const end = this.pretty.closeEnd(chunk, i);
    const stop = end === -1 ? chunk.length : end;
    for (let nl = chunk.indexOf(LF, i); nl !== -1 && nl < stop; nl = chunk.indexOf(LF, nl + 1)) this.newLine(nl);
    if (end === -1) return chunk.length;
    this.endRecordAt(chunk, end);
    return end;
  }

  /** Positions a scanner used to rescan one record at that record's place in its source. */
  startAt(record: RawRecord): void {
    const p = record.provenance;
    this.base = p.offset;
    this.line = p.line;
    this.lineStart = p.offset - (p.column - 1);
    // What stands before the record on its line is not seen: no indentation is carried.
    if (p.column > 1) this.pretty.indentCarry = -1;
    this.rec.index = p.index;
    this.sawAnything = true;
  }

  /** A structural byte inside a record. Returns the next index. */
  private recordByte(chunk: Buffer, i: number, c: number): number {
    switch (c) {
      case QUOTE:
        this.inString = true;
        if (this.depth === 1 && this.container === 'document') this.startCapture(i);
        this.tokenColon = false;
        return i + 1;
      case LBRACE:
      case LBRACKET: {
        if (c === LBRACKET && this.tracesColon) {
          this.enterSearch();
          return i + 1;
        }
        this.tracesColon = false;
        this.tokenColon = false;
        const rel = ++this.depth - this.elementDepth;
        if (rel > this.rec.maxDepth) {
          this.rec.maxDepth = rel;
          if (rel > this.options.maxDepth && this.rec.problem === undefined) this.rec.problem = tooDeep(this.options.maxDepth, this.base + i, this.line);
        }
        return i + 1;
      }
      case RBRACE:
      case RBRACKET:
        this.tracesColon = false;
        this.tokenColon = false;
        if (--this.depth === this.elementDepth) this.endRecordAt(chunk, i + 1);
        return i + 1;
      case COLON:
        if (this.expectKey && this.depth === 1) this.expectKey = false;
        return i + 1;
      case COMMA:
        this.tracesColon = false;
        this.tokenColon = false;
        if (this.depth === 1 && this.container === 'document') this.expectKey = true;
        return i + 1;
      case LF:
        this.newLine(i);
        this.rec.lineBreaks = true;
        if (this.isCutShortLine(chunk, i)) {
          this.rec.problem ??= cutShortLine(this.base + i, this.line - 1);
          this.endRecordAt(chunk, i);
          this.leaveContainer();
        }
        return i + 1;
      case SPACE:
      case TAB:
      case CR:
        return i + 1;
      default:
        this.tracesColon = false;
        this.tokenColon = false;
        if (c === UPPER_N || c === UPPER_I) this.rec.nonFinite = true;
        return i + 1;
    }
  }

  /**
   * The hot loop: the inside of a record below its top level, where no key needs watching. State
   * lives in locals and is written back once; strings are skipped in the same loop. It returns to
   * the general loop at the record's end, on reaching the top level of a document, and for a line
   * feed inside a string of a document (a cut-short line), which `skipString` handles.
   */
  private scanDeep(chunk: Buffer, start: number): number {
    const len = chunk.length;
    const stopDepth = this.container === 'document' ? 1 : this.elementDepth;
    const maxDepth = this.options.maxDepth + this.elementDepth;
    let depth = this.depth;
    let line = this.line;
    let lineStart = this.lineStart;
    let nonFinite = this.rec.nonFinite;
    let lineBreaks = this.rec.lineBreaks;
    let maxSeen = depth;
    let i = start;
    let result = -1;
    /** The next line feed at or after the last search (`len`: none). */
    let nextLf = -1;
    while (i < len) {
      const c = chunk[i]!;
      if (c === QUOTE) {
        // String content: only a quote, a backslash or (in a document) a line feed matter. The
        // closing quote is the first quote after an even run of backslashes (counted back to the
        // opening quote), found with indexOf (memchr); the next line feed is remembered until passed.
        let j = unescapedQuote(chunk, i + 1);
        if (j === -1) j = len;
        if (nextLf < i) nextLf = indexOr(chunk, LF, i, len);
        if (nextLf < j) j = len;
        if (j < len && chunk[j] === QUOTE) {
          i = j + 1;
          continue;
        }
        // The string runs past the chunk or holds a line feed: let skipString decide.
        this.inString = true;
        result = i + 1;
        break;
      }
      if (c === LBRACE || c === LBRACKET) {
        if (++depth > maxSeen) maxSeen = depth;
        if (depth > maxDepth && this.rec.problem === undefined) this.rec.problem = tooDeep(this.options.maxDepth, this.base + i, line);
        i++;
      } else if (c === RBRACE || c === RBRACKET) {
        i++;
        if (--depth <= stopDepth) {
          result = i;
          if (depth === this.elementDepth) {
            this.writeBack(depth, line, lineStart, nonFinite, lineBreaks);
            this.noteDepth(maxSeen);
            this.endRecordAt(chunk, i);
            return i;
          }
          break;
        }
      } else if (c === LF) {
        line++;
        lineStart = this.base + i + 1;
        lineBreaks = true;
        if (this.isCutShortLine(chunk, i)) {
          // recordByte ends the record at this line feed and counts the line itself.
          this.writeBack(depth, line - 1, this.lineStart, nonFinite, lineBreaks);
          this.noteDepth(maxSeen);
          return this.recordByte(chunk, i, c);
        }
        i++;
      } else {
        if (c === UPPER_N || c === UPPER_I) nonFinite = true;
        i++;
      }
    }
    this.writeBack(depth, line, lineStart, nonFinite, lineBreaks);
    this.noteDepth(maxSeen);
    return result === -1 ? len : result;
  }

  private noteDepth(absolute: number): void {
    const rel = absolute - this.elementDepth;
    if (rel > this.rec.maxDepth) this.rec.maxDepth = rel;
  }

  private writeBack(depth: number, line: number, lineStart: number, nonFinite: boolean, lineBreaks: boolean): void {
    this.depth = depth;
    this.line = line;
    this.lineStart = lineStart;
    this.rec.nonFinite = nonFinite;
    this.rec.lineBreaks = lineBreaks;
  }

  /**
   * A line break inside a top-level value ends it early when the input is JSON Lines (an earlier
   * document fitted on one line), or when the next line starts with `{"` at column 1, which a
   * pretty-printer never writes inside a value (it breaks the line after every `{`). The latter
   * holds inside an element of a top-level array or of the search envelope too: a first line
   * that opens `[{"info": ...` and never closes it must not swallow the JSON lines after it.
   */
  private isCutShortLine(chunk: Buffer, i: number): boolean {
    if (this.jsonLines && this.container === 'document') return true;
    return chunk[i + 1] === LBRACE && chunk[i + 2] === QUOTE;
  }

  /**
   * After an element cut short at a line break (see `isCutShortLine`), the array or envelope it
   * sat in is given up: the next line starts a new top-level value.
   */
  private leaveContainer(): void {
    if (this.container === 'document') return;
    this.sink.note(leftContainer(this.container, this.lineStart, this.line));
    this.mode = Mode.Top;
    this.container = 'document';
    this.depth = 0;
    this.elementDepth = 0;
  }

  /**
   * Skips string content from `i`; returns the index after the closing quote, or the chunk end.
   * The closing quote is the first quote after an even run of backslashes: found with indexOf
   * (memchr), one search per quote whatever the escapes around it. Bytes before `i` (after an
   * escape pending from the last chunk) are never part of a pending escape, so runs are counted
   * back to `i` at most.
   */
  private skipString(chunk: Buffer, i: number): number {
    const len = chunk.length;
    if (this.escapePending) {
      // A backslash as the last chunk's last byte escapes this chunk's first byte (none: still pending).
      if (len === 0) return len;
      this.escapePending = false;
      i++;
    }
    const from = i;
    const quote = i < len ? unescapedQuote(chunk, i) : -1;
    const end = quote === -1 ? len : quote;
    // A raw line feed cannot occur inside a JSON string: inside a top-level value it means the
    // line was cut short (JSON Lines, or a first line whose next line must still be read).
    if (this.mode === Mode.Record) {
      for (let nl = chunk.indexOf(LF, i); nl !== -1 && nl < end; nl = chunk.indexOf(LF, nl + 1)) {
        if (oddBackslashesBefore(chunk, nl, from)) continue;
        if (this.container === 'document' || this.isCutShortLine(chunk, nl)) return this.lineBreakInString(chunk, nl);
      }
    }
    if (quote === -1) {
      this.escapePending = oddBackslashesBefore(chunk, len, from);
      return len;
    }
    this.inString = false;
    if (this.keys.text !== null) this.endKey(chunk, quote);
    // A string element of an array is a record by itself.
    if (this.mode === Mode.Record && this.depth === this.elementDepth) this.endRecordAt(chunk, quote + 1);
    return quote + 1;
  }

  /** In JSON Lines a raw line break inside a string means the line was cut short. */
  private lineBreakInString(chunk: Buffer, nl: number): number {
    this.inString = false;
    this.escapePending = false;
    this.keys.drop();
    this.rec.problem ??= cutShortInString(this.base + nl, this.line);
    this.endRecordAt(chunk, nl);
    this.newLine(nl);
    this.leaveContainer();
    return nl + 1;
  }

  /** A string opens at depth 1 of the top-level object (at `i`): held when it is a key or the page token. */
  private startCapture(i: number): void {
    if (this.expectKey) this.keys.startKey(i);
    else if (this.tokenColon) this.keys.startToken(i, this.base + i, this.line);
  }

  /** The key or page token held ends at the quote at `q`. */
  private endKey(chunk: Buffer, q: number): void {
    const key = this.keys.end(chunk, q, this.container === 'search');
    if (key === null) return;
    this.tracesColon = key === 'traces';
    this.tokenColon = key === 'next_page_token';
  }

  /** `{"traces": [` at the top: what was held is envelope, and the array's elements are records. */
  private enterSearch(): void {
    this.containers++;
    this.tracesColon = false;
    this.mode = Mode.Elements;
    this.container = 'search';
    this.depth = 2;
    this.elementDepth = 2;
    this.rec.drop();
    this.keys.enterSearch();
  }

  private startRecord(i: number, container: RecordContainer): void {
    this.mode = Mode.Record;
    this.container = container;
    this.rec.begin(this.base + i, this.line, this.base + i - this.lineStart + 1, container);
    this.expectKey = false;
    this.keys.reset();
    this.tracesColon = false;
    this.tokenColon = false;
  }

  private inRecord(): boolean {
    const m = this.mode;
    return m === Mode.Record || m === Mode.TopRun || m === Mode.ElementScalar || m === Mode.Line || m === Mode.Pretty;
  }

  private endRecordAt(chunk: Buffer, end: number): void {
    const from = Math.max(0, this.rec.start - this.base);
    this.emit(chunk.subarray(from, end), this.base + end, this.rec.problem);
  }

  /** Emits the current record and returns to the container it sat in. */
  private emit(tail: Buffer, end: number, problem: ScanProblem | undefined): void {
    if (this.container === 'document' && this.mode === Mode.Record && !this.rec.lineBreaks && !problem) {
      this.lineCandidate = true;
    }
    this.mode = this.container === 'document' ? Mode.Top : Mode.Elements;
    if (this.container === 'document') {
      this.depth = 0;
      this.elementDepth = 0;
    } else this.depth = this.elementDepth;
    this.inString = false;
    this.rec.emit(tail, end, problem);
  }

  private newLine(i: number): void {
    this.line++;
    this.lineStart = this.base + i + 1;
  }
}
