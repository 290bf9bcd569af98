import type { SpillFile, SpillRef } from '../../ingest/spill.js';
import { StringTable } from '../../shared/string-table.js';
import { compareFindingKeys, findingKey, finishFinding, type FinishContext, type Finding, type FindingKey, type RawFinding } from './findings.js';

/** Findings that may be read more than once, in order, and counted without reading them. */
export interface FindingList extends Iterable<Finding> {
  readonly length: number;
}

/**
 * Raw findings kept in a temporary file as they are made (a JSON array per trace or session), in
 * the order they were made: what {@link SpilledFindings} finishes once every trace is located.
 */
export class RawFindingSpill {
  private readonly refs: SpillRef[] = [];

  constructor(private readonly spill: SpillFile) {}

  /** Keeps a batch of raw findings (after the batches kept before). */
  add(findings: readonly RawFinding[]): void {
    if (findings.length === 0) return;
    this.refs.push(this.spill.append(JSON.stringify(findings.map(storable))));
  }

  /** Every raw finding kept, in the order they were added. */
  *[Symbol.iterator](): Iterator<RawFinding> {
    for (const ref of this.refs) yield* JSON.parse(this.spill.read(ref)) as RawFinding[];
  }
}

/**
 * Findings worded, located, de-duplicated and sorted exactly as {@link finishFindings} does, but
 * held in a temporary file: memory keeps one {@link FindingKey} and a file offset per finding
 * (about 200 bytes against the finding's 1.5–3 KB), and each pass over the list reads the
 * findings back one at a time.
 */
export class SpilledFindings implements FindingList {
  /** Each finding's key, with where its text is: one object per finding. */
  private readonly entries: Array<FindingKey & SpillRef> = [];
  /** Rule, message and session ids: one string each, not one per finding. */
  private readonly names = new StringTable();

  private constructor(private readonly spill: SpillFile) {}

  /**
   * Finishes raw findings (as they come, in the order they were made) into the file: the first
   * finding of each fingerprint stands, as in {@link finishFindings}.
   */
  static finish(raw: Iterable<RawFinding>, context: FinishContext, spill: SpillFile): SpilledFindings {
    return SpilledFindings.of(finished(raw, context), context, spill);
  }

  /**
   * Findings already worded and located (by the parts of a scale-out run), de-duplicated (the
   * first of each fingerprint stands) and sorted into the file.
   */
  static of(findings: Iterable<Finding>, context: Pick<FinishContext, 'sessionRank'>, spill: SpillFile): SpilledFindings {
    const list = new SpilledFindings(spill);
    const seen = new Set<string>();
    for (const finding of findings) {
      if (seen.has(finding.fingerprint)) continue;
      seen.add(finding.fingerprint);
      const { offset, length } = spill.append(JSON.stringify(finding));
      const key = findingKey(finding, context);
      // Every field named, not spread: V8 gave each spread copy a hidden class of its own (about
      // 400 bytes a finding).
      list.entries.push({
        rank: key.rank,
        sessionId: key.sessionId === null ? null : list.names.intern(key.sessionId),
        dump: key.dump,
        turn: key.turn,
        severity: key.severity,
        ruleId: list.names.intern(key.ruleId),
        messageId: list.names.intern(key.messageId),
        spanId: key.spanId,
        fingerprint: key.fingerprint,
        offset,
        length,
      });
    }
    list.entries.sort(compareFindingKeys);
    return list;
  }

  get length(): number {
    return this.entries.length;
  }

  *[Symbol.iterator](): Iterator<Finding> {
    for (const ref of this.entries) yield JSON.parse(this.spill.read(ref)) as Finding;
  }
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
