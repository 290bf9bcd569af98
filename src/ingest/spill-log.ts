import type { SpillFile, SpillRef } from './spill.js';
import { withRows } from '../shared/columns.js';
import type { TextSpool } from '../shared/text-spool.js';

/** Bytes of records gathered before they go to the file as one region. */
const CHUNK_BYTES = 256 << 10;
const NEWLINE = 0x0a;

/**
 * Records appended in order to a {@link SpillFile} that others write to as well, and read back in
 * that order, from the first, at each pass: what a run keeps of every session or trace until its
 * end without holding it. Records gather in a chunk ({@link CHUNK_BYTES}) that goes to the file as
 * one region when full (a record too long for it goes alone), so memory keeps one chunk and where
 * each region is: 16 bytes per region, never per record. A record is one line: text without '\n'
 * (JSON text never holds one).
 */
export class SpillLog implements Iterable<Buffer> {
  private chunk: Buffer | null = null;
  private used = 0;
  private count = 0;
  private offsets = new Float64Array(16);
  private lengths = new Float64Array(16);
  private regions = 0;

  constructor(
    private readonly spill: SpillFile,
    private readonly chunkBytes = CHUNK_BYTES,
  ) {}

  /** Records appended. */
  get length(): number {
    return this.count;
  }

  append(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit, and the record ends with '\n'.
    const most = text.length * 3 + 1;
    if (this.used + most > this.chunkBytes) this.flush();
    this.count++;
    if (most > this.chunkBytes) {
      this.keep(this.spill.appendBytes(Buffer.from(text, 'utf8'), Buffer.of(NEWLINE)));
      return;
    }
    this.chunk ??= Buffer.allocUnsafeSlow(this.chunkBytes);
    this.used += this.chunk.write(text, this.used, 'utf8');
    this.chunk[this.used++] = NEWLINE;
  }

  /** Every record, in the order appended, as a view valid until the next is asked for (see {@link SpillFile.lines}). */
  *[Symbol.iterator](): Iterator<Buffer> {
    this.flush();
    const regions = this.regions;
    for (let i = 0; i < regions; i++) yield* this.spill.lines({ offset: this.offsets[i]!, length: this.lengths[i]! });
  }

  /** Every record decoded as JSON, in order. */
  *parsed<T>(): Generator<T> {
    for (const line of this) yield JSON.parse(line.toString('utf8')) as T;
  }

  private flush(): void {
    if (this.used === 0) return;
    // Copied into the file's write buffer: the chunk is free again at once.
    this.keep(this.spill.appendBytes(this.chunk!.subarray(0, this.used)));
    this.used = 0;
  }

  private keep(ref: SpillRef): void {
    this.offsets = withRows(this.offsets, this.regions + 1);
    this.lengths = withRows(this.lengths, this.regions + 1);
    this.offsets[this.regions] = ref.offset;
    this.lengths[this.regions] = ref.length;
    this.regions++;
  }
}

/** Records a chunk of {@link SpillRecords} holds. */
const RECORDS_PER_CHUNK = 4096;

/**
 * Records of `width` bytes each, numbered in the order appended, in a {@link SpillFile} that others
 * write to as well, and read back by number through the file's block cache: what a run keeps of
 * every trace, by its number, without holding it (`report`: where each trace's report digest is,
 * and whether its turn failed). The chunk being filled stays in memory and goes to the file as one
 * region when full; memory keeps it and 8 bytes per chunk of {@link RECORDS_PER_CHUNK} records.
 */
export class SpillRecords {
  private readonly chunk: Buffer;
  private count = 0;
  private starts = new Float64Array(16);
  private chunks = 0;

  constructor(
    private readonly spill: SpillFile,
    private readonly width: number,
  ) {
    if (!(Number.isInteger(width) && width >= 1)) throw new RangeError(`record width ${width}`);
    this.chunk = Buffer.alloc(width * RECORDS_PER_CHUNK);
  }

  get length(): number {
    return this.count;
  }

  /** Appends a record, which `fill` writes into the view it is given (zeroed, `width` bytes); returns its number. */
  push(fill: (record: Buffer) => void): number {
    const n = this.count;
    const at = (n % RECORDS_PER_CHUNK) * this.width;
    const record = this.chunk.subarray(at, at + this.width).fill(0);
    fill(record);
    this.count++;
    if (this.count % RECORDS_PER_CHUNK === 0) {
      this.starts = withRows(this.starts, this.chunks + 1);
      this.starts[this.chunks++] = this.spill.appendBytes(this.chunk).offset;
    }
    return n;
  }

  /** Record `n`: a view that the next read (or push) may take over. */
  at(n: number): Buffer {
    if (!(Number.isInteger(n) && n >= 0 && n < this.count)) throw new RangeError(`record ${n} of ${this.count}`);
    const c = Math.floor(n / RECORDS_PER_CHUNK);
    const at = (n % RECORDS_PER_CHUNK) * this.width;
    if (c === this.chunks) return this.chunk.subarray(at, at + this.width);
    return this.spill.bytes({ offset: this.starts[c]! + at, length: this.width });
  }
}

/**
 * A {@link TextSpool} in a temporary file: each text one record of a {@link SpillLog} as its JSON
 * (so a line break in it stays inside its record).
 */
export function spillSpool(spill: SpillFile): TextSpool {
  const log = new SpillLog(spill);
  return {
    append: (text) => log.append(JSON.stringify(text)),
    get length() {
      return log.length;
    },
    [Symbol.iterator]: () => log.parsed<string>(),
  };
}
