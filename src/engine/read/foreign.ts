import type { JoinWarning, Provenance } from '../../ingest/record.js';
import { ExternalSort, SORT_LIMITS, TAB, type SortKeys, type SortLimits } from '../../ingest/external-sort.js';
import { SpillFile } from '../../ingest/spill.js';
import type { ScannedRecord } from '../../ingest/scan-types.js';
import { FOREIGN_LABELS, renderSpan, traceJson, type ForeignBatch, type ForeignFormat, type ForeignTraceInfo, type RenderedSpan } from '../../model/foreign/index.js';
import { toJsonPath } from '../../model/json-path.js';
import type { FrameEvent } from './read-events.js';
import type { ScanUnit } from './read.js';

/** A source of another tracer's spans: what it yielded, held until every input has been read. */
export interface DeferredSource {
  readonly name: string;
  /** Its place among the sources: the order the joined traces are emitted in. */
  readonly index: number;
  /** Notes, rejections and MLflow records met in the source, in order. */
  readonly units: ScanUnit[];
  end: FrameEvent | null;
}

/** A sort key of the spans: the trace, then the order things were read in. */
type SpanKey = [traceId: string, seq: number];
/** A sort key of the joined traces: the source a trace was first seen in, then when. */
type TraceKey = [source: number, seq: number];

const SPAN_KEYS: SortKeys<SpanKey> = {
  text: (key) => JSON.stringify(key),
  parse: (text) => JSON.parse(text) as SpanKey,
  compare: (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]),
  copy: () => false,
};
const TRACE_KEYS: SortKeys<TraceKey> = {
  text: (key) => JSON.stringify(key),
  parse: (text) => JSON.parse(text) as TraceKey,
  compare: (a, b) => a[0] - b[0] || a[1] - b[1],
  copy: () => false,
};

/** What a record said of one trace, beside its spans: the first such entry of a trace names where it came from. */
interface Sighting {
  /** The source's index. */
  s: number;
  f: ForeignFormat;
  p: Provenance;
  /** 1 when the record held spans of the trace (what "spans from N records" counts). */
  n: 0 | 1;
  i?: ForeignTraceInfo;
}

/** A joined trace waiting in the second sort: where it was first seen and what it is, beside its MLflow text. */
interface JoinedMeta {
  p: Provenance;
  o: string;
  w?: JoinWarning[];
}

/** Entries of the first sort: a sighting (`M` and JSON) or a span (`S` and {@link held}). */
const SIGHTING = 'M';
const SPAN = 'S';

/**
 * Joins the spans of other tracers' files into traces. An OTLP request, a console-exporter file or
 * a Zipkin list holds spans, not traces: the spans of one trace may come in many records and many
 * files (a collector rotating its file, two services exporting apart), so nothing is read as a
 * trace until every input has been read. Each trace then becomes one record in the shape of an
 * MLflow export, emitted with the source it was first seen in, in the order traces were first
 * seen, and read downstream like any other.
 *
 * Memory: nothing per trace or per span. Each span, and what each record said of each trace
 * (where, which format, its facts), goes to an external sort by trace id as it is read
 * (`ingest/external-sort.ts`, in a temporary file); at the end the sort gives each trace's entries
 * together, one trace is joined at a time, and the joined traces go through a second sort into
 * the order they were first seen in. Memory holds a run of a sort and one trace.
 */
export class ForeignJoin {
  private readonly sources: DeferredSource[] = [];
  private spill: SpillFile | null = null;
  private spans: ExternalSort<SpanKey> | null = null;
  private seq = 0;

  constructor(private readonly limits: Readonly<SortLimits> = SORT_LIMITS) {}

  /** A source whose events are held until {@link finish}. */
  open(name: string): DeferredSource {
    const source: DeferredSource = { name, index: this.sources.length, units: [], end: null };
    this.sources.push(source);
    return source;
  }

  get size(): number {
    return this.sources.length;
  }

  /** Adds one record's spans and trace facts; its problems become notes of the source. */
  add(source: DeferredSource, batch: ForeignBatch, provenance: Provenance): void {
    for (const problem of batch.problems) {
      const message = `record ${provenance.index}: at ${problem.jsonPath}: expected ${problem.expected}, found ${problem.found}; left out, the rest of the record read`;
      source.units.push(frame({ type: 'note', note: { source: source.name, kind: 'partly-read', message, offset: provenance.offset, line: provenance.line } }));
    }
    // The record's spans by trace, in the order the traces come; then the traces it only describes.
    const byTrace = new Map<string, ForeignBatch['spans'][number][]>();
    for (const span of batch.spans) {
      const list = byTrace.get(span.traceId);
      if (list === undefined) byTrace.set(span.traceId, [span]);
      else list.push(span);
    }
    const infos = batch.traces ?? {};
    const traceIds = [...byTrace.keys(), ...Object.keys(infos).filter((id) => !byTrace.has(id))];
    if (traceIds.length === 0) return;
    if (this.spill === null) {
      this.spill = new SpillFile('tracetriage-foreign-');
      this.spans = new ExternalSort(this.spill, SPAN_KEYS, this.limits);
    }
    const sort = this.spans!;
    for (const traceId of traceIds) {
      const spans = byTrace.get(traceId) ?? [];
      const info = Object.hasOwn(infos, traceId) ? infos[traceId] : undefined;
      const sighting: Sighting = { s: source.index, f: batch.format, p: provenance, n: spans.length > 0 ? 1 : 0, ...(info !== undefined ? { i: info } : {}) };
      sort.add([traceId, this.seq++], SIGHTING + JSON.stringify(sighting));
      for (const span of spans) sort.add([traceId, this.seq++], SPAN + held(renderSpan(span)));
    }
  }

  /** Every held source in order: its start, its notes and records, its joined traces, its end. */
  *finish(): Generator<ScanUnit> {
    let order: SpillFile | null = null;
    try {
      let joined: Iterator<Buffer> | null = null;
      if (this.spans !== null && this.spill !== null) {
        order = new SpillFile('tracetriage-foreign-order-');
        const ordered = new ExternalSort(order, TRACE_KEYS, this.limits);
        for (const trace of this.traces(this.spill.lines(this.spans.finish()))) ordered.add(trace.key, trace.text);
        joined = order.lines(ordered.finish())[Symbol.iterator]();
      }
      let next = joined?.next();
      for (const source of this.sources) {
        yield frame({ type: 'source-start', source: source.name });
        yield* source.units;
        while (next !== undefined && !next.done) {
          const line = next.value;
          const tab = line.indexOf(TAB);
          const key = TRACE_KEYS.parse(line.toString('utf8', 0, tab));
          if (key[0] !== source.index) break;
          yield { kind: 'record', record: joinedRecord(line.toString('utf8', tab + 1)) };
          next = joined!.next();
        }
        if (source.end !== null) yield frame(source.end);
      }
    } finally {
      this.sources.length = 0;
      this.spill?.close();
      this.spill = null;
      this.spans = null;
      order?.close();
    }
  }

  /**
   * The traces of the first sort's region, joined one at a time: each as its key in the second
   * sort and its text there (`JoinedMeta` JSON, a tab, the MLflow text).
   */
  private *traces(lines: Iterable<Buffer>): Generator<{ key: TraceKey; text: string }> {
    let traceId: string | null = null;
    let first: { key: TraceKey; sighting: Sighting } | null = null;
    let info: ForeignTraceInfo = {};
    let records = 0;
    let spans: RenderedSpan[] = [];
    let seen = new Set<string>();
    let duplicates = 0;
    const done = (): { key: TraceKey; text: string } => {
      const { sighting } = first!;
      const label = FOREIGN_LABELS[sighting.f];
      const from = records > 1 ? `, spans from ${records} records` : '';
      const warnings: JoinWarning[] = [];
      if (duplicates > 0) {
        warnings.push({
          code: 'duplicate-span-id',
          message: `${duplicates} span(s) seen again, the same id, name and times (a file read twice, an exporter's retry): each read once`,
          jsonPath: toJsonPath(['data', 'spans']),
        });
      }
      const meta: JoinedMeta = { p: { ...sighting.p, within: `(${label} trace ${traceId}${from})` }, o: label, ...(warnings.length > 0 ? { w: warnings } : {}) };
      return { key: first!.key, text: `${JSON.stringify(meta)}\t${traceJson(traceId!, spans, info)}` };
    };
    for (const line of lines) {
      const tab = line.indexOf(TAB);
      const [id, seq] = SPAN_KEYS.parse(line.toString('utf8', 0, tab));
      const entry = line.toString('utf8', tab + 1);
      if (id !== traceId) {
        if (first !== null) yield done();
        traceId = id;
        first = null;
        info = {};
        records = 0;
        spans = [];
        seen = new Set();
        duplicates = 0;
      }
      if (entry.startsWith(SIGHTING)) {
        const sighting = JSON.parse(entry.slice(1)) as Sighting;
        first ??= { key: [sighting.s, seq], sighting };
        records += sighting.n;
        if (sighting.i !== undefined) info = mergeInfo(info, sighting.i);
        continue;
      }
      // The same span again (a file read twice, an exporter's retry: the same id, name and times)
      // is read once; two different spans that share an id (Zipkin's shared server span) are both
      // kept, and the tree says so.
      const span = unheld(entry.slice(1));
      const spanKey = `${span.spanId} ${span.startNs ?? ''} ${span.endNs ?? ''} ${span.name}`;
      if (seen.has(spanKey)) duplicates++;
      else {
        seen.add(spanKey);
        spans.push(span);
      }
    }
    if (first !== null) yield done();
  }
}

/**
 * A rendered span as one line of the sort: its facts, tab-separated (ids, digits and a status hold
 * no tab; the name and the resource are JSON, whose tabs are escaped), then a tab and its MLflow
 * JSON (compact: no tab, no line feed).
 */
function held(span: RenderedSpan): string {
  const { spanId, parentId, startNs, endNs, status, name, resource, text } = span;
  return `${spanId}\t${parentId ?? ''}\t${startNs ?? ''}\t${endNs ?? ''}\t${status}\t${JSON.stringify(name)}\t${JSON.stringify(resource)}\t${text}`;
}

/** The number of tab-separated facts before a held span's text. */
const HELD_FACTS = 7;

function unheld(stored: string): RenderedSpan {
  let cut = -1;
  for (let k = 0; k < HELD_FACTS; k++) cut = stored.indexOf('\t', cut + 1);
  const [spanId = '', parentId = '', startNs = '', endNs = '', status = 'UNSET', name = '""', resource = 'null'] = stored.slice(0, cut).split('\t');
  return {
    spanId,
    parentId: parentId === '' ? null : parentId,
    startNs: startNs === '' ? null : startNs,
    endNs: endNs === '' ? null : endNs,
    status: status as RenderedSpan['status'],
    name: JSON.parse(name) as string,
    resource: JSON.parse(resource) as Record<string, unknown> | null,
    text: stored.slice(cut + 1),
  };
}

/**
 * The facts of one trace met twice (the same export given twice, a trace in two files): the first
 * seen wins each field; a score is kept once by its id.
 */
function mergeInfo(a: ForeignTraceInfo, b: ForeignTraceInfo): ForeignTraceInfo {
  const ids = new Set((a.assessments ?? []).map((x) => x.id).filter((id) => id !== undefined));
  return {
    ...b,
    ...a,
    tags: { ...b.tags, ...a.tags },
    metadata: { ...b.metadata, ...a.metadata },
    assessments: [...(a.assessments ?? []), ...(b.assessments ?? []).filter((x) => x.id === undefined || !ids.has(x.id))],
  };
}

/** A joined trace as a record, from its line in the second sort: the MLflow-shaped text, where its first span was read, what it was. */
function joinedRecord(stored: string): ScannedRecord {
  const tab = stored.indexOf('\t');
  const meta = JSON.parse(stored.slice(0, tab)) as JoinedMeta;
  const text = stored.slice(tab + 1);
  const record: Omit<ScannedRecord, 'bytes'> = {
    provenance: meta.p,
    text,
    container: 'document',
    nonFinite: false,
    maxDepth: 0,
    unscanned: true,
    origin: meta.o,
    ...(meta.w !== undefined ? { joinWarnings: meta.w } : {}),
  };
  let bytes: Buffer | undefined;
  return Object.defineProperty(record, 'bytes', { enumerable: true, get: () => (bytes ??= Buffer.from(text)) }) as ScannedRecord;
}

function frame(event: FrameEvent): ScanUnit {
  return { kind: 'event', event };
}
