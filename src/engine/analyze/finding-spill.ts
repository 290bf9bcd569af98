import type { SpillFile, SpillRef } from '../../ingest/spill.js';
import type { Severity } from '../../rules/api.js';
import { withRows } from '../../shared/columns.js';
import { compareFindingKeys, findingKey, finishFinding, type FinishContext, type Finding, type FindingKey, type RawFinding } from './findings.js';

/** Findings that may be read more than once, in order, and counted without reading them. */
export interface FindingList extends Iterable<Finding> {
  readonly length: number;
}

/**
 * Raw findings kept in a temporary file as they are made (a JSON array per trace or session), in
 * the order they were made: what {@link SpilledFindings} finishes once every trace is located.
 * Memory keeps where each batch is in two growable number columns (16 bytes a batch; an object a
 * batch took about 50).
 */
export class RawFindingSpill {
  private offsets = new Float64Array(256);
  private lengths = new Float64Array(256);
  private count = 0;

  constructor(private readonly spill: SpillFile) {}

  /** Keeps a batch of raw findings (after the batches kept before). */
  add(findings: readonly RawFinding[]): void {
    if (findings.length === 0) return;
    const { offset, length } = this.spill.append(JSON.stringify(findings.map(storable)));
    this.offsets = withRows(this.offsets, this.count + 1);
    this.lengths = withRows(this.lengths, this.count + 1);
    this.offsets[this.count] = offset;
    this.lengths[this.count] = length;
    this.count++;
  }

  /** Every raw finding kept, in the order they were added. */
  *[Symbol.iterator](): Iterator<RawFinding> {
    for (let i = 0; i < this.count; i++) yield* JSON.parse(this.spill.read({ offset: this.offsets[i]!, length: this.lengths[i]! })) as RawFinding[];
  }
}

/**
 * How much of the findings {@link SpilledFindings} sorts in memory at once, and how many sorted
 * runs it merges in one pass. A run's records (key and finding, UTF-8) are encoded as they come
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

/**
 * Findings worded, located, de-duplicated and sorted exactly as {@link finishFindings} does, but
 * held in a temporary file, sorted there by an external merge sort: sorted runs of a bounded size
 * are written to the file, then merged into one region that each pass over the list reads from
 * start to end, one finding at a time. Memory keeps that region's place and count, nothing per
 * finding; while sorting, one run and one record per merged run (see {@link SortLimits}).
 */
export class SpilledFindings implements FindingList {
  private constructor(
    private readonly spill: SpillFile,
    private readonly region: Run,
    private readonly limits: Readonly<SortLimits>,
  ) {}

  /**
   * Finishes raw findings (as they come, in the order they were made) into the file: the first
   * finding of each fingerprint stands, as in {@link finishFindings}.
   */
  static finish(raw: Iterable<RawFinding>, context: FinishContext, spill: SpillFile, limits: Readonly<SortLimits> = SORT_LIMITS): SpilledFindings {
    return SpilledFindings.of(finished(raw, context), context, spill, limits);
  }

  /**
   * Findings already worded and located (by the parts of a scale-out run), de-duplicated (the
   * first of each fingerprint stands) and sorted into the file.
   *
   * De-duplication needs no set of fingerprints: a fingerprint hashes the finding's rule,
   * message, session, trace, span, path and key, and every other field of its {@link FindingKey}
   * follows from those: the rank from the session, the turn from where the trace is, the severity
   * from the rule and message (and the config), `dump` from the session and trace. So two findings
   * with one fingerprint have one whole key, and sorting by (key, order of arrival) puts the copies
   * of a fingerprint next to each other, the first made first: a record whose fingerprint is the
   * one kept just before is a later copy, and is dropped. For `finish` that holds because one
   * context locates every finding; for the parts of a scale-out run because each trace and session
   * is in one part, which located its findings as a single run would, and the rank is this
   * context's. (Two findings of different identities with one fingerprint — a 64-bit collision,
   * or ids holding the NUL the hashed fields are joined with — may have different keys: both are
   * kept here, where `finishFindings` keeps the first.)
   */
  static of(findings: Iterable<Finding>, context: Pick<FinishContext, 'sessionRank'>, spill: SpillFile, limits: Readonly<SortLimits> = SORT_LIMITS): SpilledFindings {
    const sort = new ExternalSort(spill, FINDING_KEYS, limits);
    for (const finding of findings) sort.add(findingKey(finding, context), JSON.stringify(finding));
    return new SpilledFindings(spill, sort.finish(), limits);
  }

  get length(): number {
    return this.region.count;
  }

  *[Symbol.iterator](): Iterator<Finding> {
    if (this.region.count === 0) return;
    for (const line of this.spill.lines(this.region)) yield JSON.parse(line.toString('utf8', line.indexOf(TAB) + 1)) as Finding;
  }

  /**
   * The findings about traces without a session (no session, a trace), sorted again into a
   * region of their own by trace: by `positionOf(traceId)` (a trace it does not place, -1, comes
   * after every placed one, in the order of its first finding here), each trace's findings in the
   * order of this list. One pass over this list and one external sort, bounded as the first
   * (see {@link SortLimits}); memory keeps a number per trace `positionOf` does not place.
   */
  byTrace(positionOf: (traceId: string) => number): FindingsByTrace {
    const sort = new ExternalSort(this.spill, POSITION_KEYS, this.limits);
    const unplaced = new Map<string, number>();
    let seq = 0;
    for (const line of this.spill.lines(this.region)) {
      const tab = line.indexOf(TAB);
      // The key says which findings are about a trace without a session (no session, not the
      // dump): only those are decoded whole.
      const key = keyOf(line.toString('utf8', 0, tab));
      if (key.sessionId !== null || key.dump === 1) continue;
      const text = line.toString('utf8', tab + 1);
      const traceId = (JSON.parse(text) as Finding).traceId!;
      let position = positionOf(traceId);
      if (position < 0) {
        let k = unplaced.get(traceId);
        if (k === undefined) unplaced.set(traceId, (k = unplaced.size));
        position = UNPLACED + k;
      }
      sort.add([position, seq++], text);
    }
    return new FindingsByTrace(this.spill, sort.finish());
  }
}

/** Where {@link SpilledFindings.byTrace} puts the traces it was not given a place for: after every placed one (places are list indexes, far below). */
export const UNPLACED = 2 ** 32;

/** A trace's findings, with where {@link SpilledFindings.byTrace} placed it. */
export interface TraceFindings {
  position: number;
  traceId: string;
  findings: Finding[];
}

/** The region {@link SpilledFindings.byTrace} sorted, read a trace at a time at each pass. */
export class FindingsByTrace {
  constructor(
    private readonly spill: SpillFile,
    private readonly region: Run,
  ) {}

  *[Symbol.iterator](): Iterator<TraceFindings> {
    if (this.region.count === 0) return;
    let group: TraceFindings | null = null;
    for (const line of this.spill.lines(this.region)) {
      const tab = line.indexOf(TAB);
      const [position] = POSITION_KEYS.parse(line.toString('utf8', 0, tab));
      const f = JSON.parse(line.toString('utf8', tab + 1)) as Finding;
      if (group !== null && group.position === position) group.findings.push(f);
      else {
        if (group !== null) yield group;
        group = { position, traceId: f.traceId ?? '', findings: [f] };
      }
    }
    if (group !== null) yield group;
  }
}

/** A sorted, de-duplicated region of the file: `count` records, each a line `key JSON \t finding JSON`. */
interface Run extends SpillRef {
  count: number;
  /** How many merges made it: 0 for a run sorted in memory. */
  level: number;
}

/** A record with its key: its bytes, without the '\n' that ends it in the file. */
interface Entry<K> {
  key: K;
  line: Buffer;
}

/** A run being merged: its next record, and its place among the runs merged (earlier runs hold earlier findings). */
interface Cursor<K> extends Entry<K> {
  readonly lines: Iterator<Buffer>;
  readonly index: number;
}

/** What an {@link ExternalSort} sorts by: its keys as JSON text and back, their order, and which records are copies of the one before. */
interface SortKeys<K> {
  text(key: K): string;
  parse(text: string): K;
  compare(a: K, b: K): number;
  /** True when a record whose key is `next`, sorted right after one whose key is `last`, is a copy to drop. */
  copy(last: K, next: K): boolean;
}

/** The findings' order; one record per fingerprint (see {@link SpilledFindings.of}). */
const FINDING_KEYS: SortKeys<FindingKey> = { text: keyText, parse: keyOf, compare: compareFindingKeys, copy: (last, next) => last.fingerprint === next.fingerprint };

/** A trace's position, then the finding's place in the list it came from: unique, so nothing is a copy. */
type PositionKey = [position: number, seq: number];

const POSITION_KEYS: SortKeys<PositionKey> = {
  text: (k) => JSON.stringify(k),
  parse: (text) => JSON.parse(text) as PositionKey,
  compare: (a, b) => a[0] - b[0] || a[1] - b[1],
  copy: () => false,
};

/**
 * The external merge sort behind {@link SpilledFindings}. Runs are kept in the order their
 * findings came (a merge takes runs next to each other and leaves its output in their place), so
 * among equal keys the run listed first holds the finding that came first.
 */
class ExternalSort<K> {
  /** The run being made: its records are views of {@link buffer} (or, too long for it, buffers of their own). */
  private entries: Entry<K>[] = [];
  private buffer: Buffer | null = null;
  private used = 0;
  /** Runs written, in the order of their findings; levels never grow along the list, and at most `fanIn - 1` share one. */
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

  /** The one region every finding ended in. */
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

  /** Merges runs (listed in the order of their findings) into one, with a small binary heap of their next records. */
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

  /** Writes entries in order, each fingerprint once (see {@link SpilledFindings.of}), as one region. */
  private write(entries: Iterable<Entry<K>>, level: number): Run {
    const run: Run = { offset: 0, length: 0, count: 0, level };
    let last: K | null = null;
    for (const { key, line } of entries) {
      if (last !== null && this.keys.copy(last, key)) continue;
      last = key;
      // Copied as bytes: neither decoded nor encoded again.
      const ref = this.spill.appendBytes(line, NEWLINE);
      if (run.count === 0) run.offset = ref.offset;
      else if (ref.offset !== run.offset + run.length) throw new Error('a findings run was interrupted by another write to the spill file');
      run.length += ref.length;
      run.count++;
    }
    return run;
  }
}

const TAB = 0x09;
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

/** A key as the JSON array its record starts with (JSON keeps strings, null and whole numbers exactly). */
function keyText(k: FindingKey): string {
  if (!Number.isFinite(k.rank)) throw new Error(`finding rank ${k.rank}`);
  return JSON.stringify([k.rank, k.sessionId, k.dump, k.turn, k.severity, k.ruleId, k.messageId, k.spanId, k.fingerprint]);
}

/** A key back from {@link keyText}. */
function keyOf(text: string): FindingKey {
  const [rank, sessionId, dump, turn, severity, ruleId, messageId, spanId, fingerprint] = JSON.parse(text) as [
    number,
    string | null,
    number,
    number | null,
    Severity,
    string,
    string,
    string | null,
    string,
  ];
  return { rank, sessionId, dump, turn, severity, ruleId, messageId, spanId, fingerprint };
}

function* finished(raw: Iterable<RawFinding>, context: FinishContext): Generator<Finding> {
  for (const r of raw) yield finishFinding(r, context);
}

/**
 * A raw finding as JSON keeps it. Its data fill message templates with `String(value)`; JSON would
 * turn a number that is not finite into null, so such a number is kept as the text it fills in.
 */
export function storable(r: RawFinding): RawFinding {
  const data = r.descriptor.data;
  if (data === undefined || Object.values(data).every((v) => typeof v !== 'number' || Number.isFinite(v))) return r;
  const kept = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? String(v) : v]));
  return { ruleId: r.ruleId, descriptor: { ...r.descriptor, data: kept } };
}
