import type { LooseTrace } from '../../shared/loose-traces.js';
import { IdIndex } from '../../shared/id-index.js';
import { withRows } from '../../shared/columns.js';
import type { Finding } from './findings.js';
import { UNPLACED, type FindingsByTrace, type SpilledFindings } from './finding-spill.js';

/** How {@link StreamedLooseTraces} places a trace's findings. */
export interface LoosePlaces {
  /** The place of the trace a finding names, when the finding's key holds none: its first place in the list, or -1. */
  placeOf(traceId: string): number;
  /** The first place of `traceId`, listed at `at` (a later copy of an id listed before is its first place's). */
  firstOf(traceId: string, at: number): number;
}

/**
 * The traces without a session with their findings, as `looseTraces` (shared/loose-traces.ts)
 * makes them in memory, read from the temporary file a trace at a time at each pass: at the first
 * pass, the findings about those traces are sorted by trace into a region of their own
 * ({@link SpilledFindings.byTrace}), each trace placed by its first place in the list; each pass
 * then reads the list and that region in step. Memory holds one trace's findings, not every
 * trace's until its turn. The places come from the findings' keys where `analyze` put them, else
 * from `places` (by default, each id's first place, numbered in an {@link IdIndex}: 4 bytes a
 * trace).
 */
export class StreamedLooseTraces implements Iterable<LooseTrace<Finding>> {
  private sorted: FindingsByTrace | null = null;
  private places: LoosePlaces | null;

  /** `traceIds`: the traces without a session, in order, read once per pass. */
  constructor(
    private readonly findings: SpilledFindings,
    private readonly traceIds: Iterable<string>,
    places?: LoosePlaces,
  ) {
    this.places = places ?? null;
  }

  *[Symbol.iterator](): Iterator<LooseTrace<Finding>> {
    this.places ??= firstPlaces(this.traceIds);
    const places = this.places;
    this.sorted ??= this.findings.byTrace((traceId) => places.placeOf(traceId));
    const groups = this.sorted[Symbol.iterator]();
    let next = groups.next();
    let index = 0;
    for (const traceId of this.traceIds) {
      const at = index++;
      if (places.firstOf(traceId, at) !== at) continue;
      if (!next.done && next.value.position === at) {
        yield { traceId, findings: next.value.findings };
        next = groups.next();
      } else yield { traceId, findings: [] };
    }
    // Traces a finding names and the list does not: sorted after the others, by first finding.
    for (; !next.done; next = groups.next()) {
      if (next.value.position < UNPLACED)
        throw new Error(`the findings about trace ${JSON.stringify(next.value.traceId)} were placed at ${next.value.position}, which the list of traces without a session never reached`);
      yield { traceId: next.value.traceId, findings: next.value.findings };
    }
  }
}

/** Each id's first place in `traceIds` (one pass), numbered in an {@link IdIndex}. */
function firstPlaces(traceIds: Iterable<string>): LoosePlaces {
  const ids = new IdIndex();
  let places = new Int32Array(1024).fill(-1);
  let at = 0;
  for (const id of traceIds) {
    const n = ids.numberOf(id);
    if (n >= places.length) places = withRows(places, n + 1, -1);
    if (places[n] === -1) places[n] = at;
    at++;
  }
  const placeOf = (traceId: string): number => {
    const n = ids.find(traceId);
    return n < 0 || n >= places.length ? -1 : places[n]!;
  };
  return { placeOf, firstOf: placeOf };
}
