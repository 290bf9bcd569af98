import type { JoinWarning, Provenance } from '../../ingest/record.js';
import { SpillFile } from '../../ingest/spill.js';
import type { ScannedRecord } from '../../ingest/scan-types.js';
import { FOREIGN_LABELS, renderSpan, traceJson, type ForeignBatch, type ForeignFormat, type ForeignTraceInfo, type RenderedSpan } from '../../model/foreign/index.js';
import { toJsonPath } from '../../model/json-path.js';
import type { FrameEvent } from './read-events.js';
import type { ScanUnit } from './read.js';

/** A source of another tracer's spans: what it yielded, held until every input has been read. */
export interface DeferredSource {
  readonly name: string;
  /** Notes, rejections and MLflow records met in the source, in order. */
  readonly units: ScanUnit[];
  /** Traces first seen in this source, in the order they were first seen. */
  readonly traceIds: string[];
  end: FrameEvent | null;
}

interface PendingTrace {
  format: ForeignFormat;
  source: DeferredSource;
  /** The record that brought the trace's first span. */
  provenance: Provenance;
  /** Where each span (its facts and its MLflow JSON text) was put in the spill file: offset, length, … */
  refs: number[];
  info: ForeignTraceInfo;
  records: number;
}

/**
 * Joins the spans of other tracers' files into traces. An OTLP request, a console-exporter file or
 * a Zipkin list holds spans, not traces: the spans of one trace may come in many records and many
 * files (a collector rotating its file, two services exporting apart), so nothing is read as a
 * trace until every input has been read. Each trace then becomes one record in the shape of an
 * MLflow export, emitted with the source it was first seen in, and read downstream like any other.
 *
 * Memory: each span waits in a temporary file until the end of the run; what stays in memory is
 * two numbers a span (where it is in the file) and a small record a trace.
 */
export class ForeignJoin {
  private readonly traces = new Map<string, PendingTrace>();
  private readonly sources: DeferredSource[] = [];
  private spill: SpillFile | null = null;

  /** A source whose events are held until {@link finish}. */
  open(name: string): DeferredSource {
    const source: DeferredSource = { name, units: [], traceIds: [], end: null };
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
    const seen = new Set<string>();
    for (const span of batch.spans) {
      const pending = this.pending(span.traceId, batch.format, source, provenance);
      if (!seen.has(span.traceId)) pending.records++;
      seen.add(span.traceId);
      this.spill ??= new SpillFile('tracetriage-foreign-');
      const { offset, length } = this.spill.append(held(renderSpan(span)));
      pending.refs.push(offset, length);
    }
    for (const [traceId, info] of Object.entries(batch.traces ?? {})) {
      const pending = this.pending(traceId, batch.format, source, provenance);
      pending.info = mergeInfo(pending.info, info);
    }
  }

  private pending(traceId: string, format: ForeignFormat, source: DeferredSource, provenance: Provenance): PendingTrace {
    let pending = this.traces.get(traceId);
    if (pending === undefined) {
      pending = { format, source, provenance, refs: [], info: {}, records: 0 };
      this.traces.set(traceId, pending);
      source.traceIds.push(traceId);
    }
    return pending;
  }

  /** Every held source in order: its start, its notes and records, its joined traces, its end. */
  *finish(): Generator<ScanUnit> {
    try {
      for (const source of this.sources) {
        yield frame({ type: 'source-start', source: source.name });
        yield* source.units;
        for (const traceId of source.traceIds) {
          const pending = this.traces.get(traceId);
          this.traces.delete(traceId);
          if (pending !== undefined) yield { kind: 'record', record: joinedRecord(traceId, pending, this.spans(pending)) };
        }
        if (source.end !== null) yield frame(source.end);
      }
    } finally {
      this.sources.length = 0;
      this.spill?.close();
      this.spill = null;
    }
  }

  /**
   * A trace's spans read back. The same span again (a file read twice, an exporter's retry: the
   * same id, name and times) is read once; two different spans that share an id (Zipkin's shared
   * server span) are both kept, and the tree says so.
   */
  private spans(pending: PendingTrace): { spans: RenderedSpan[]; duplicates: number } {
    const spans: RenderedSpan[] = [];
    const seen = new Set<string>();
    let duplicates = 0;
    for (let i = 0; i < pending.refs.length; i += 2) {
      const span = unheld(this.spill!.read({ offset: pending.refs[i]!, length: pending.refs[i + 1]! }));
      const key = `${span.spanId} ${span.startNs ?? ''} ${span.endNs ?? ''} ${span.name}`;
      if (seen.has(key)) duplicates++;
      else {
        seen.add(key);
        spans.push(span);
      }
    }
    return { spans, duplicates };
  }
}

/**
 * A rendered span as one text for the spill file: its facts on a first line, tab-separated (ids,
 * digits and a status hold no tab; the name and the resource are JSON, whose tabs are escaped),
 * then its MLflow JSON.
 */
function held(span: RenderedSpan): string {
  const { spanId, parentId, startNs, endNs, status, name, resource, text } = span;
  return `${spanId}\t${parentId ?? ''}\t${startNs ?? ''}\t${endNs ?? ''}\t${status}\t${JSON.stringify(name)}\t${JSON.stringify(resource)}\n${text}`;
}

function unheld(stored: string): RenderedSpan {
  const cut = stored.indexOf('\n');
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

/** A joined trace as a record: the MLflow-shaped text, where its first span was read, what it was. */
function joinedRecord(traceId: string, pending: PendingTrace, { spans, duplicates }: { spans: readonly RenderedSpan[]; duplicates: number }): ScannedRecord {
  const text = traceJson(traceId, spans, pending.info);
  const label = FOREIGN_LABELS[pending.format];
  const from = pending.records > 1 ? `, spans from ${pending.records} records` : '';
  const warnings: JoinWarning[] = [];
  if (duplicates > 0) {
    warnings.push({
      code: 'duplicate-span-id',
      message: `${duplicates} span(s) seen again, the same id, name and times (a file read twice, an exporter's retry): each read once`,
      jsonPath: toJsonPath(['data', 'spans']),
    });
  }
  const record: Omit<ScannedRecord, 'bytes'> = {
    provenance: { ...pending.provenance, within: `(${label} trace ${traceId}${from})` },
    text,
    container: 'document',
    nonFinite: false,
    maxDepth: 0,
    unscanned: true,
    origin: label,
    ...(warnings.length > 0 ? { joinWarnings: warnings } : {}),
  };
  let bytes: Buffer | undefined;
  return Object.defineProperty(record, 'bytes', { enumerable: true, get: () => (bytes ??= Buffer.from(text)) }) as ScannedRecord;
}

function frame(event: FrameEvent): ScanUnit {
  return { kind: 'event', event };
}
