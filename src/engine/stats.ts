import { sessionIdOf } from '../model/session.js';
import type { Trace } from '../model/types.js';
import type { ReadEvent, SourceNote } from './read.js';

/** Counts for one source or for the whole run (snake_case: this is the JSON output's shape). */
export interface Counts {
  records: number;
  traces: number;
  rejected: number;
  partial_traces: number;
  spans: number;
  error_traces: number;
  error_spans: number;
  sessions: number;
  traces_without_session: number;
  formats: Record<string, number>;
  time_range: { first: string | null; last: string | null };
  assessments: { total: number; feedback: number; expectations: number; scorer_errors: number; invalid: number };
  warnings: number;
  bytes: number;
  elapsed_seconds: number;
  mb_per_s: number;
}

/** The `stats` result. */
export interface StatsReport {
  schema_version: 1;
  sources: Array<{ source: string; unpacked: 'gzip' | null } & Counts>;
  total: Counts;
  notes: Array<Pick<SourceNote, 'source' | 'kind' | 'message'> & { offset?: number; line?: number }>;
}

class Tally {
  records = 0;
  traces = 0;
  rejected = 0;
  partial = 0;
  spans = 0;
  errorTraces = 0;
  errorSpans = 0;
  sessions = new Set<string>();
  noSession = 0;
  formats = new Map<string, number>();
  first = Number.POSITIVE_INFINITY;
  last = Number.NEGATIVE_INFINITY;
  assessments = { total: 0, feedback: 0, expectations: 0, scorer_errors: 0, invalid: 0 };
  warnings = 0;
  bytes = 0;
  started: number;

  constructor(now: number) {
    this.started = now;
  }

  addTrace(trace: Trace): void {
    this.records++;
    this.traces++;
    if (trace.partial) this.partial++;
    this.spans += trace.spans.length;
    if (trace.info.state === 'ERROR') this.errorTraces++;
    for (const span of trace.spans) if (span.status === 'ERROR') this.errorSpans++;
    const session = sessionIdOf(trace);
    if (session === null) this.noSession++;
    else this.sessions.add(session);
    this.formats.set(trace.format.label, (this.formats.get(trace.format.label) ?? 0) + 1);
    const [start, end] = timeSpan(trace);
    if (start !== null && start < this.first) this.first = start;
    if (end !== null && end > this.last) this.last = end;
    for (const a of trace.assessments) {
      this.assessments.total++;
      if (a.kind === 'feedback') this.assessments.feedback++;
      if (a.kind === 'expectation') this.assessments.expectations++;
      if (a.error !== null) this.assessments.scorer_errors++;
      if (!a.valid) this.assessments.invalid++;
    }
    this.warnings += trace.warnings.length;
  }

  counts(now: number, sessions = this.sessions.size): Counts {
    const elapsed = Math.max(0, (now - this.started) / 1000);
    return {
      records: this.records,
      traces: this.traces,
      rejected: this.rejected,
      partial_traces: this.partial,
      spans: this.spans,
      error_traces: this.errorTraces,
      error_spans: this.errorSpans,
      sessions,
      traces_without_session: this.noSession,
      formats: Object.fromEntries([...this.formats.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))),
      time_range: {
        first: Number.isFinite(this.first) ? new Date(this.first).toISOString() : null,
        last: Number.isFinite(this.last) ? new Date(this.last).toISOString() : null,
      },
      assessments: { ...this.assessments },
      warnings: this.warnings,
      bytes: this.bytes,
      elapsed_seconds: round(elapsed, 3),
      mb_per_s: elapsed > 0 ? round(this.bytes / 1e6 / elapsed, 1) : 0,
    };
  }
}

/** Request time to end time in ms: from the info, else from the root spans. */
function timeSpan(trace: Trace): [number | null, number | null] {
  const { requestTimeMs, durationMs } = trace.info;
  if (requestTimeMs !== null) return [requestTimeMs, requestTimeMs + (durationMs ?? 0)];
  let start: number | null = null;
  let end: number | null = null;
  for (const i of trace.tree.roots) {
    const span = trace.spans[i]!;
    if (span.startTimeNs !== null) start = Math.min(start ?? Infinity, span.startTimeNs / 1e6);
    if (span.endTimeNs !== null) end = Math.max(end ?? -Infinity, span.endTimeNs / 1e6);
  }
  return [start, end];
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Folds read events into per-source and total counts. Each trace is counted and dropped; only the
 * session ids are kept (to count distinct sessions across files).
 */
export class StatsCollector {
  private readonly total: Tally;
  private current: Tally | undefined;
  private readonly sources: StatsReport['sources'] = [];
  private readonly notes: StatsReport['notes'] = [];

  constructor(private readonly clock: () => number = () => performance.now()) {
    this.total = new Tally(clock());
  }

  add(event: ReadEvent): void {
    switch (event.type) {
      case 'source-start':
        this.current = new Tally(this.clock());
        break;
      case 'trace':
        this.current?.addTrace(event.trace);
        this.total.addTrace(event.trace);
        break;
      case 'rejected':
        for (const t of [this.current, this.total]) {
          if (!t) continue;
          t.records++;
          t.rejected++;
        }
        break;
      case 'note': {
        const { source, kind, message, offset, line } = event.note;
        this.notes.push({ source, kind, message, ...(offset !== undefined ? { offset } : {}), ...(line !== undefined ? { line } : {}) });
        break;
      }
      case 'source-end':
        if (this.current) {
          this.current.bytes = event.bytes;
          this.total.bytes += event.bytes;
          this.sources.push({ source: event.source, unpacked: event.unpacked, ...this.current.counts(this.clock()) });
        }
        this.current = undefined;
        break;
    }
  }

  report(): StatsReport {
    return { schema_version: 1, sources: this.sources, total: this.total.counts(this.clock()), notes: this.notes };
  }
}
