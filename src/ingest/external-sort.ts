import type { SpillFile, SpillRef } from './spill.js';

/**
 * How much an {@link ExternalSort} sorts in memory at once, and how many sorted runs it merges in
 * one pass; said here of the findings, its largest records. A run's records (key and finding, UTF-8) are encoded as they come
 * into one buffer of `runBytes`, outside the JavaScript heap, and the run ends when the next may
 * not fit or at `runEntries` findings. The heap keeps a key (about 200 bytes) and a view of the
 * buffer per finding of the run. Holding the findings' JSON as strings instead (1.5–3 KB each,
 * one or two bytes a character) had every one of them outlive the young generation, and the
 * collector's old generation grew with that garbage: peak RSS up by about 15 MB on the 400 MB chat
 * export. A finding's record is 1.5–3 KB, so 2 MiB holds about 700–1,400 findings; findings short
 * enough to reach 16,384 first hold at most 16,384 keys (about 3 MB). A merge holds one record and
 * one read buffer ({@link MERGE_CHUNK_BYTES}) per run: 64 runs, about 1 MiB; 64 runs cover
 * 45,000–90,000 findings in one merge. Beyond, each 64 runs of one level are merged into one of
 * the next as soon as they are written, so an input 64 times larger costs one more pass over the
 * findings, never more memory. Tests pass small limits to force many runs and merges.
 */
export interface SortLimits {
  runEntries: number;
  runBytes: number;
  fanIn: number;
}

export const SORT_LIMITS: Readonly<SortLimits> = { runEntries: 16_384, runBytes: 2 << 20, fanIn: 64 };

/** The read buffer of each run merged: 64 of them take 1 MiB. */
const MERGE_CHUNK_BYTES = 16 << 10;

/** A sorted, de-duplicated region of the file: `count` records, each a line `key JSON \t text`. */
export interface Run extends SpillRef {
  count: number;
  /** How many merges made it: 0 for a run sorted in memory. */
  level: number;
}

/** A record with its key: its bytes, without the '\n' that ends it in the file. */
interface Entry<K> {
  key: K;
  line: Buffer;
}

/** A run being merged: its next record, and its place among the runs merged (earlier runs hold earlier records). */
interface Cursor<K> extends Entry<K> {
  readonly lines: Iterator<Buffer>;
  readonly index: number;
}

/** What an {@link ExternalSort} sorts by: its keys as JSON text and back, their order, and which records are copies of the one before. */
export interface SortKeys<K> {
  text(key: K): string;
  parse(text: string): K;
  compare(a: K, b: K): number;
  /** True when a record whose key is `next`, sorted right after one whose key is `last`, is a copy to drop. */
  copy(last: K, next: K): boolean;
}

/**
 * An external merge sort of texts by keys, in a {@link SpillFile}: sorted runs of a bounded size
 * ({@link SortLimits}) are written to the file as they fill, then merged into one region that may
 * be read from start to end any number of times ({@link SpillFile.lines}: each record is the line
 * `key JSON \t text`). Runs are kept in the order their records came (a merge takes runs next to
 * each other and leaves its output in their place), so among equal keys the record that came
 * first comes first, and {@link SortKeys.copy} drops the later ones. Behind the findings'
 * order (`engine/analyze/finding-spill.ts`) and the kept traces' (`engine/analyze/kept-rows.ts`).
 */
export class ExternalSort<K> {
  /** The run being made: its records are views of {@link buffer} (or, too long for it, buffers of their own). */
  private entries: Entry<K>[] = [];
  private buffer: Buffer | null = null;
  private used = 0;
  /** Runs written, in the order of their records; levels never grow along the list, and at most `fanIn - 1` share one. */
  private readonly runs: Run[] = [];

  constructor(
    private readonly spill: SpillFile,
    private readonly keys: SortKeys<K>,
    private readonly limits: Readonly<SortLimits>,
  ) {
    if (!(limits.runEntries >= 1 && limits.runBytes >= 1 && limits.fanIn >= 2)) throw new RangeError(`sort limits ${JSON.stringify(limits)}`);
  }

  add(key: K, text: string): void {
    const record = `${this.keys.text(key)}\t${text}`;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const most = record.length * 3;
    this.buffer ??= Buffer.allocUnsafeSlow(this.limits.runBytes);
    if (this.used + most > this.buffer.length) this.writeRun();
    let line: Buffer;
    if (most > this.buffer.length) line = Buffer.from(record, 'utf8');
    else {
      const length = this.buffer.write(record, this.used, 'utf8');
      line = this.buffer.subarray(this.used, this.used + length);
      this.used += length;
    }
    this.entries.push({ key, line });
    if (this.entries.length >= this.limits.runEntries || most > this.buffer.length) this.writeRun();
  }

  /** The one region every record ended in (sorted, copies dropped). */
  finish(): Run {
    this.writeRun();
    const { fanIn } = this.limits;
    // The last runs are the smallest: merged first.
    while (this.runs.length > fanIn) this.runs.push(this.merge(this.runs.splice(-fanIn)));
    if (this.runs.length <= 1) return this.runs.pop() ?? { offset: 0, length: 0, count: 0, level: 0 };
    return this.merge(this.runs.splice(0));
  }

  private writeRun(): void {
    if (this.entries.length === 0) return;
    const entries = this.entries;
    this.entries = [];
    this.used = 0;
    // Array.prototype.sort is stable: copies of a fingerprint (equal keys) keep the order they came in.
    entries.sort((a, b) => this.keys.compare(a.key, b.key));
    this.runs.push(this.write(entries, 0));
    // Merges `fanIn` runs of one level into one of the next, as soon as there are that many.
    const { fanIn } = this.limits;
    for (let from = this.runs.length - fanIn; from >= 0 && this.runs[from]!.level === this.runs.at(-1)!.level; from = this.runs.length - fanIn) {
      this.runs.push(this.merge(this.runs.splice(from)));
    }
  }

  /** Merges runs (listed in the order of their records) into one, with a small binary heap of their next records. */
  private merge(runs: readonly Run[]): Run {
    const heap: Cursor<K>[] = [];
    runs.forEach((run, index) => {
      const lines = this.spill.lines(run, MERGE_CHUNK_BYTES)[Symbol.iterator]();
      const first = lines.next();
      if (!first.done) heap.push({ lines, index, line: first.value, key: this.keyOf(first.value) });
    });
    const order = (a: Cursor<K>, b: Cursor<K>): number => this.keys.compare(a.key, b.key) || a.index - b.index;
    // A sorted array is a heap.
    heap.sort(order);
    return this.write(
      drain(heap, order, (line) => this.keyOf(line)),
      Math.max(...runs.map((r) => r.level)) + 1,
    );
  }

  /** The key a record starts with: JSON never writes a raw tab, so the first one ends it. */
  private keyOf(line: Buffer): K {
    return this.keys.parse(line.toString('utf8', 0, line.indexOf(TAB)));
  }

  /** Writes entries in order, less the copies ({@link SortKeys.copy}), as one region. */
  private write(entries: Iterable<Entry<K>>, level: number): Run {
    const run: Run = { offset: 0, length: 0, count: 0, level };
    let last: K | null = null;
    for (const { key, line } of entries) {
      if (last !== null && this.keys.copy(last, key)) continue;
      last = key;
      // Copied as bytes: neither decoded nor encoded again.
      const ref = this.spill.appendBytes(line, NEWLINE);
      if (run.count === 0) run.offset = ref.offset;
      else if (ref.offset !== run.offset + run.length) throw new Error('a sorted run was interrupted by another write to the spill file');
      run.length += ref.length;
      run.count++;
    }
    return run;
  }
}

export const TAB = 0x09;
const NEWLINE = Buffer.from('\n');

/** The records of a heap of cursors, least first; each cursor is read on once its record was taken. */
function* drain<K>(heap: Cursor<K>[], order: (a: Cursor<K>, b: Cursor<K>) => number, keyOf: (line: Buffer) => K): Generator<Entry<K>> {
  while (heap.length > 0) {
    const top = heap[0]!;
    yield top;
    const next = top.lines.next();
    if (next.done) {
      const last = heap.pop()!;
      if (heap.length === 0) return;
      heap[0] = last;
    } else {
      top.line = next.value;
      top.key = keyOf(next.value);
    }
    siftDown(heap, order);
  }
}

function siftDown<K>(heap: Cursor<K>[], order: (a: Cursor<K>, b: Cursor<K>) => number): void {
  const item = heap[0]!;
  let at = 0;
  for (;;) {
    let least = 2 * at + 1;
    if (least >= heap.length) break;
    if (least + 1 < heap.length && order(heap[least + 1]!, heap[least]!) < 0) least++;
    if (order(heap[least]!, item) >= 0) break;
    heap[at] = heap[least]!;
    at = least;
  }
  heap[at] = item;
}
