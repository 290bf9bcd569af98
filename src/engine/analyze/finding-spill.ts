import type { SpillFile } from '../../ingest/spill.js';
import { ExternalSort, SORT_LIMITS, TAB, type Run, type SortKeys, type SortLimits } from '../../ingest/external-sort.js';
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
 * Findings worded, located, de-duplicated and sorted exactly as {@link finishFindings} does, but
 * held in a temporary file, sorted there by an external merge sort: sorted runs of a bounded size
 * are written to the file, then merged into one region that each pass over the list reads from
 * start to end, one finding at a time. Memory keeps that region's place and count, nothing per
 * finding; while sorting, one run and one record per merged run (see {@link SortLimits}).
 */
export class SpilledFindings implements FindingList {
  /** Made by {@link FindingSorter.finish} (and the static makers below). */
  constructor(
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
    const sort = new FindingSorter(spill, limits);
    for (const finding of findings) sort.add(finding, context.sessionRank(finding.sessionId));
    return sort.finish();
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
   * region of their own by trace: by the place their key holds ({@link FindingSorter.add}), else
   * by `positionOf(traceId)` (a trace neither places, -1, comes after every placed one, in the
   * order of its first finding here), each trace's findings in the order of this list. One pass over this list and one external sort, bounded as the first
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
      let position = key.place ?? positionOf(traceId);
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

/**
 * Finished findings sorted into the temporary file as they come ({@link ExternalSort}, bounded by
 * {@link SortLimits}); {@link finish} makes them a {@link SpilledFindings}. Among findings with one
 * fingerprint the first added stands (see {@link SpilledFindings.of}).
 */
export class FindingSorter {
  private readonly sort: ExternalSort<FindingKey>;

  constructor(
    private readonly spill: SpillFile,
    private readonly limits: Readonly<SortLimits> = SORT_LIMITS,
  ) {
    this.sort = new ExternalSort(spill, FINDING_KEYS, limits);
  }

  /**
   * Adds a finding. `rank`: its session's place in the report order (`FinishContext.sessionRank`);
   * `place`, for a finding about a trace without a session, that trace's first place in their
   * list, which {@link SpilledFindings.byTrace} then needs no lookup for (it leaves the order alone).
   */
  add(finding: Finding, rank: number, place?: number): void {
    const key = findingKey(finding, { sessionRank: () => rank });
    if (place !== undefined) key.place = place;
    this.sort.add(key, JSON.stringify(finding));
  }

  finish(): SpilledFindings {
    return new SpilledFindings(this.spill, this.sort.finish(), this.limits);
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

/** A key as the JSON array its record starts with (JSON keeps strings, null and whole numbers exactly). */
function keyText(k: FindingKey): string {
  if (!Number.isFinite(k.rank)) throw new Error(`finding rank ${k.rank}`);
  const fields: unknown[] = [k.rank, k.sessionId, k.dump, k.turn, k.severity, k.ruleId, k.messageId, k.spanId, k.fingerprint];
  if (k.place !== undefined) fields.push(k.place);
  return JSON.stringify(fields);
}

/** A key back from {@link keyText}. */
function keyOf(text: string): FindingKey {
  const [rank, sessionId, dump, turn, severity, ruleId, messageId, spanId, fingerprint, place] = JSON.parse(text) as [
    number,
    string | null,
    number,
    number | null,
    Severity,
    string,
    string,
    string | null,
    string,
    number | undefined,
  ];
  const key: FindingKey = { rank, sessionId, dump, turn, severity, ruleId, messageId, spanId, fingerprint };
  if (place !== undefined) key.place = place;
  return key;
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
