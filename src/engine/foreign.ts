import type { JoinWarning, Provenance } from '../ingest/record.js';
import type { ScannedRecord } from '../ingest/scan-types.js';
import { FOREIGN_LABELS, mlflowTraceJson, type ForeignBatch, type ForeignFormat, type ForeignSpan, type ForeignTraceInfo } from '../model/foreign/index.js';
import { toJsonPath } from '../model/json-path.js';
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
  spans: ForeignSpan[];
  /** Span id, times and name of each span kept: what makes a span the same span again. */
  spanIds: Set<string>;
  info: ForeignTraceInfo;
  records: number;
  duplicates: number;
}

/**
 * Joins the spans of other tracers' files into traces. An OTLP request, a console-exporter file or
 * a Zipkin list holds spans, not traces: the spans of one trace may come in many records and many
 * files (a collector rotating its file, two services exporting apart), so nothing is read as a
 * trace until every input has been read. Each trace then becomes one record in the shape of an
 * MLflow export, emitted with the source it was first seen in, and read downstream like any other.
 *
 * Memory: the spans of every foreign trace are held until the end of the run (an MLflow export is
 * read one trace at a time); docs/inputs.md says so.
 */
export class ForeignJoin {
  private readonly traces = new Map<string, PendingTrace>();
  private readonly sources: DeferredSource[] = [];

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
      // The same span again (a file read twice, an exporter's retry) is read once; two different
      // spans that share an id (Zipkin's shared server span) are both kept, and the tree says so.
      const key = `${span.spanId} ${span.startNs ?? ''} ${span.endNs ?? ''} ${span.name}`;
      if (pending.spanIds.has(key)) {
        pending.duplicates++;
        continue;
      }
      pending.spanIds.add(key);
      pending.spans.push(span);
    }
    for (const [traceId, info] of Object.entries(batch.traces ?? {})) {
      const pending = this.pending(traceId, batch.format, source, provenance);
      pending.info = mergeInfo(pending.info, info);
    }
  }

  private pending(traceId: string, format: ForeignFormat, source: DeferredSource, provenance: Provenance): PendingTrace {
    let pending = this.traces.get(traceId);
    if (pending === undefined) {
      pending = { format, source, provenance, spans: [], spanIds: new Set(), info: {}, records: 0, duplicates: 0 };
      this.traces.set(traceId, pending);
      source.traceIds.push(traceId);
    }
    return pending;
  }

  /** Every held source in order: its start, its notes and records, its joined traces, its end. */
  *finish(): Generator<ScanUnit> {
    for (const source of this.sources) {
      yield frame({ type: 'source-start', source: source.name });
      yield* source.units;
      for (const traceId of source.traceIds) {
        const pending = this.traces.get(traceId);
        this.traces.delete(traceId);
        if (pending !== undefined) yield { kind: 'record', record: joinedRecord(traceId, pending) };
      }
      if (source.end !== null) yield frame(source.end);
    }
    this.sources.length = 0;
  }
}

function mergeInfo(a: ForeignTraceInfo, b: ForeignTraceInfo): ForeignTraceInfo {
  return {
    ...b,
    ...a,
    tags: { ...b.tags, ...a.tags },
    metadata: { ...b.metadata, ...a.metadata },
    assessments: [...(a.assessments ?? []), ...(b.assessments ?? [])],
  };
}

/** A joined trace as a record: the MLflow-shaped text, where its first span was read, what it was. */
function joinedRecord(traceId: string, pending: PendingTrace): ScannedRecord {
  const text = mlflowTraceJson(traceId, pending.spans, pending.info);
  const label = FOREIGN_LABELS[pending.format];
  const from = pending.records > 1 ? `, spans from ${pending.records} records` : '';
  const warnings: JoinWarning[] = [];
  if (pending.duplicates > 0) {
    warnings.push({
      code: 'duplicate-span-id',
      message: `${pending.duplicates} span(s) seen again, the same id, name and times (a file read twice, an exporter's retry): each read once`,
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
