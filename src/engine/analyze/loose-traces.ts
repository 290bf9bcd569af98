import type { LooseTrace } from '../../shared/loose-traces.js';
import { IdIndex } from '../../shared/id-index.js';
import { withRows } from '../../shared/columns.js';
import type { Finding } from './findings.js';
import { UNPLACED, type FindingsByTrace, type SpilledFindings } from './finding-spill.js';

/**
 * The traces without a session with their findings, as `looseTraces` (shared/loose-traces.ts)
 * makes them in memory, read from the temporary file a trace at a time at each pass: at the first
 * pass, the findings about those traces are sorted by trace into a region of their own
 * ({@link SpilledFindings.byTrace}), each trace placed by its first place in the list; each pass
 * then reads the list and that region in step. Memory holds one trace's findings, not every
 * trace's until its turn, and each trace's place: 4 bytes a trace, by the number of its id.
 */
export class StreamedLooseTraces implements Iterable<LooseTrace<Finding>> {
  private sorted: FindingsByTrace | null = null;
  /** By id number in {@link ids}: the id's first place in the list, -1 for none. */
  private places: Int32Array | null = null;

  /**
   * `traceIds`: the traces without a session, in order, read once per pass. `ids`: where their ids
   * are numbered (`analyze` passes the index of its copy check, which holds them already; by
   * default an index of their own).
   */
  constructor(
    private readonly findings: SpilledFindings,
    private readonly traceIds: Iterable<string>,
    private readonly ids = new IdIndex(),
  ) {}

  *[Symbol.iterator](): Iterator<LooseTrace<Finding>> {
    const placeOf = this.placeOf();
    this.sorted ??= this.findings.byTrace(placeOf);
    const groups = this.sorted[Symbol.iterator]();
    let next = groups.next();
    let index = 0;
    for (const traceId of this.traceIds) {
      const at = index++;
      // A later copy of an id listed before (empty ids are not copies) was its first place's.
      if (placeOf(traceId) !== at) continue;
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

  /** A trace id's first place in the list, or -1; the places are taken at the first call. */
  private placeOf(): (traceId: string) => number {
    if (this.places === null) {
      let places = new Int32Array(Math.max(this.ids.size, 1)).fill(-1);
      let at = 0;
      for (const id of this.traceIds) {
        const n = this.ids.numberOf(id);
        if (n >= places.length) places = withRows(places, n + 1, -1);
        if (places[n] === -1) places[n] = at;
        at++;
      }
      this.places = places;
    }
    const places = this.places;
    return (traceId) => {
      const n = this.ids.find(traceId);
      return n < 0 || n >= places.length ? -1 : places[n]!;
    };
  }
}
