import type { Finding } from '../../engine/analyze/findings.js';
import type { AnalyzeReport } from './analyze.js';
import { strictText } from '../../shared/escape/terminal.js';
import { FindingCursor } from '../../shared/finding-cursor.js';

/**
 * Logical location kinds. SARIF §3.33.7 lists kinds for code, XML and JSON; none of them is a
 * session, a trace or a span, and the spec lets a tool use its own value then.
 */
export type Kind = 'session' | 'trace' | 'span';

/** An entry of `run.logicalLocations`. */
export interface LogicalLocation {
  name: string;
  fullyQualifiedName: string;
  kind: Kind;
  parentIndex?: number;
}

/** A logical location as a result points at it (SARIF §3.33.3): its index in `run.logicalLocations` and what that entry says. */
export interface Place {
  index: number;
  name: string;
  fullyQualifiedName: string;
  kind: Kind;
}

/** Where a finding points: its own location, then each evidence's, as its result lists them (null: nowhere). */
export interface Placed {
  finding: Finding;
  here: Place | null;
  evidence: Array<Place | null>;
}

/**
 * The run's logical locations: session, trace and span nested by `parentIndex`, each listed once,
 * numbered in order of first use. The results point at them by index and the list comes after
 * the results, and holding the list and a map of every entry for the whole run took hundreds of
 * MB at a few GB of chat traffic (about a million entries). So the findings are read three
 * times, each finding placed by the same routine (`place`) each time:
 *
 * 1. {@link LogicalPlaces.pinning} notes the keys (kind and path) used outside their session's
 *    block of findings: evidence in another session, earlier or later in the order, and findings
 *    after the sessions' (`FindingCursor.rest`) that point into a session. The session of evidence
 *    outside the finding's session is looked up once the pass is over, for those traces alone.
 * 2. {@link LogicalPlaces.placements} numbers the entries as the results are written. A key of the
 *    session whose block is read is kept in a map of that block alone, cleared when the next block
 *    starts; in a persistent map as well when it is pinned, as a later block will ask for it. A
 *    key of another session or of none goes straight in the persistent map.
 * 3. {@link LogicalPlaces.entries} places the findings again, the same way, and yields each entry
 *    as it is numbered: numbering is deterministic, so they come in index order, and nothing but
 *    the entry in hand is held. The two numberings must end at the same count, or it throws.
 *
 * What still grows with the input is the persistent map: every trace without a session (and its
 * spans) a finding points at, and the pinned keys; and the traces evidence points at outside the
 * finding's session, with their sessions. The built-in rules make few of the last two (the
 * dump-level ones keep the first few traces as evidence).
 *
 * A key is the block's own when its session, as `strictText` writes it in the path, is the block's
 * session id: never for an id `strictText` changes, so where two ids it makes one share entries
 * (a control character and the same spelled out, `\u{1}`), the changed id's block finds them in
 * the persistent map, pinned like any use outside a block. It relies, as `FindingCursor` does,
 * on a session's findings being together: a session has one block.
 */
export class LogicalPlaces {
  /** Keys used outside their session's block (pass 1); those of no session are not noted: they are never scoped. */
  private readonly pinned = new Set<string>();
  /** Pass 1: the trace and span of evidence outside its finding's session, to pin once their sessions are known. */
  private readonly elsewhere = new Map<string, readonly [traceId: string, spanId: string | null]>();
  private pass: 'pin' | 'number' = 'pin';
  /** Entries numbered so far in this pass: the next one's index. */
  private count = 0;
  private scoped = new Map<string, number>();
  private persistent = new Map<string, number>();
  /** The entries numbered by the finding being placed, when they are asked for (pass 3). */
  private fresh: LogicalLocation[] | null = null;
  /** The session of each trace in {@link elsewhere} (none: not a session's turn), known after pass 1. */
  private sessionByTrace: Map<string, string> | null = null;
  /**
   * The session whose findings are being placed (null: after the sessions'), its turns' trace ids,
   * and those as a set once asked (most blocks never are).
   */
  private block: { id: string | null; traceIds: Iterable<string>; set: ReadonlySet<string> | null } = { id: null, traceIds: [], set: null };

  private constructor(private readonly report: AnalyzeReport) {}

  /** Pass 1: reads the findings once for the keys a later block asks for (see the class). */
  static pinning(report: AnalyzeReport): LogicalPlaces {
    const places = new LogicalPlaces(report);
    for (const _ of places.walk()) {
      // Only the keys noted matter.
    }
    // One read of the sessions finds the traces the evidence asked for, as a map of every trace
    // did (the last session listed with a trace has it); then their keys are pinned, from outside
    // every block (a key that was its block's own, pinned too, is only kept longer than it needs).
    const traces = new Set(Array.from(places.elsewhere.values(), ([traceId]) => traceId));
    places.sessionByTrace = new Map();
    if (traces.size > 0) for (const s of report.sessions) for (const t of s.turnTraceIds) if (traces.has(t)) places.sessionByTrace.set(t, s.id);
    places.within(null, []);
    for (const [traceId, spanId] of places.elsewhere.values()) places.of(places.sessionByTrace.get(traceId) ?? null, traceId, spanId);
    places.elsewhere.clear();
    return places;
  }

  /** How many entries the last numbering pass made: none, and the run has no `logicalLocations`. */
  get size(): number {
    return this.count;
  }

  /** Pass 2: each finding, in the results' order, with the locations it points at. */
  placements(): Generator<Placed> {
    this.pass = 'number';
    this.fresh = null;
    return this.walk();
  }

  /** Pass 3: the entries of `run.logicalLocations`, in index order, made by placing the findings again. */
  *entries(): Generator<LogicalLocation> {
    const expected = this.count;
    this.pass = 'number';
    const fresh: LogicalLocation[] = [];
    this.fresh = fresh;
    for (const _ of this.walk()) {
      yield* fresh;
      fresh.length = 0;
    }
    this.fresh = null;
    if (this.count !== expected) throw new Error(`SARIF logical locations: ${expected} numbered with the results, ${this.count} when listed`);
  }

  /**
   * The findings, each session's block beside its session (`FindingCursor`: evidence in another
   * of its turns is placed by the session's own trace ids, without a map of every trace), then the
   * rest; the numbering starts anew.
   */
  private *walk(): Generator<Placed> {
    this.count = 0;
    this.scoped = new Map();
    this.persistent = new Map();
    const cursor = new FindingCursor(this.report.findings);
    for (const s of this.report.sessions) {
      const own = cursor.take(s.id);
      if (own.length === 0) continue;
      this.within(s.id, s.turnTraceIds);
      for (const f of own) yield this.place(f);
    }
    this.within(null, []);
    for (const f of cursor.rest()) yield this.place(f);
  }

  /** The placement every pass shares: the finding's own location first, then each evidence's, in order. */
  private place(finding: Finding): Placed {
    const here = this.of(finding.sessionId, finding.traceId, finding.spanId);
    const evidence = finding.evidence.map((e) => {
      // Evidence in another trace sits in that trace's session, which the finding may not name (a dump-level finding).
      if (e.traceId === null || e.traceId === finding.traceId) return this.of(finding.sessionId, e.traceId, e.spanId);
      const session = this.sessionOf(e.traceId);
      if (session !== undefined) return this.of(session, e.traceId, e.spanId);
      // Pass 1, a trace outside the block: pinned once its session is known (`pinning`).
      this.elsewhere.set(JSON.stringify([e.traceId, e.spanId]), [e.traceId, e.spanId]);
      return null;
    });
    return { finding, here, evidence };
  }

  /** The findings placed next are those of session `id` (null: after the sessions'), whose turns are `traceIds`. */
  private within(id: string | null, traceIds: Iterable<string>): void {
    this.block = { id, traceIds, set: null };
    if (this.scoped.size > 0) this.scoped = new Map();
  }

  /** The most specific of the session, trace and span given, its parents numbered on the way (null: none given). */
  private of(sessionId: string | null, traceId: string | null, spanId: string | null): Place | null {
    const home = sessionId === null ? null : strictText(sessionId);
    let parent: number | undefined;
    let path: string[] = [];
    let kind: Kind = 'session';
    for (const [k, id] of [
      ['session', sessionId],
      ['trace', traceId],
      ['span', traceId === null ? null : spanId],
    ] as const) {
      if (id === null) continue;
      path = [...path, strictText(id)];
      kind = k;
      parent = this.number(kind, path, parent, home);
    }
    if (parent === undefined) return null;
    return { index: parent, name: path.at(-1)!, fullyQualifiedName: path.join('/'), kind };
  }

  /**
   * The session a trace is a turn of: the current session when it is one of its turns (most
   * evidence is in the finding's own trace or session), else as found after pass 1 (undefined
   * during it: not known yet).
   */
  private sessionOf(traceId: string): string | null | undefined {
    const { block } = this;
    if (block.id !== null) {
      block.set ??= new Set(block.traceIds);
      if (block.set.has(traceId)) return block.id;
    }
    return this.sessionByTrace === null ? undefined : (this.sessionByTrace.get(traceId) ?? null);
  }

  /** The index of the entry `kind` `path` under session `home` (its key as it stands in the path), numbered at its first use. */
  private number(kind: Kind, path: readonly string[], parentIndex: number | undefined, home: string | null): number {
    const local = home !== null && home === this.block.id;
    if (this.pass === 'pin') {
      if (!local && home !== null) this.pinned.add(keyOf(kind, path));
      return -1;
    }
    const key = keyOf(kind, path);
    let index = (local ? this.scoped.get(key) : undefined) ?? this.persistent.get(key);
    if (index === undefined) {
      index = this.count++;
      if (!local) this.persistent.set(key, index);
      else {
        this.scoped.set(key, index);
        if (this.pinned.has(key)) this.persistent.set(key, index);
      }
      this.fresh?.push({ name: path.at(-1)!, fullyQualifiedName: path.join('/'), kind, ...(parentIndex === undefined ? {} : { parentIndex }) });
    }
    return index;
  }
}

function keyOf(kind: Kind, path: readonly string[]): string {
  return JSON.stringify([kind, ...path]);
}
