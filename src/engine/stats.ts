import { DistinctStrings } from '../ingest/distinct-strings.js';
import { isoTime } from '../shared/time.js';
import { noteJson, type NoteJson, type SummaryEvent } from './read/read-events.js';
import type { TraceSummary } from './read/summarize.js';

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
  notes: NoteJson[];
}

class Tally {
  traces = 0;
  rejected = 0;
  partial = 0;
  spans = 0;
  errorTraces = 0;
  errorSpans = 0;
  readonly sessions = new DistinctStrings();
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

  add(t: TraceSummary): void {
    this.traces++;
    if (t.partial) this.partial++;
    this.spans += t.spans;
    if (t.failed) this.errorTraces++;
    this.errorSpans += t.errorSpans;
    if (t.sessionId === null) this.noSession++;
    else this.sessions.add(t.sessionId);
    this.formats.set(t.format, (this.formats.get(t.format) ?? 0) + 1);
    if (t.startMs !== null && t.startMs < this.first) this.first = t.startMs;
    if (t.endMs !== null && t.endMs > this.last) this.last = t.endMs;
    const a = this.assessments;
    a.total += t.assessments.total;
    a.feedback += t.assessments.feedback;
    a.expectations += t.assessments.expectations;
    a.scorer_errors += t.assessments.scorerErrors;
    a.invalid += t.assessments.invalid;
    this.warnings += t.warnings.length;
  }

  counts(now: number): Counts {
    const elapsed = Math.max(0, (now - this.started) / 1000);
    return {
      records: this.traces + this.rejected,
      traces: this.traces,
      rejected: this.rejected,
      partial_traces: this.partial,
      spans: this.spans,
      error_traces: this.errorTraces,
      error_spans: this.errorSpans,
      sessions: this.sessions.count(),
      traces_without_session: this.noSession,
      formats: Object.fromEntries([...this.formats.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))),
      time_range: {
        first: isoTime(this.first),
        last: isoTime(this.last),
      },
      assessments: { ...this.assessments },
      warnings: this.warnings,
      bytes: this.bytes,
      elapsed_seconds: round(elapsed, 3),
      mb_per_s: elapsed > 0 ? round(this.bytes / 1e6 / elapsed, 1) : 0,
    };
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Folds read events into per-source and total counts. Each trace is counted and dropped; only the
 * session ids are kept, to count the distinct sessions of each source and across files: in memory
 * up to 16,384 of them, past that in a temporary file ({@link DistinctStrings}), which
 * {@link report} or {@link close} closes.
 */
export class StatsCollector {
  private readonly total: Tally;
  private current: Tally | undefined;
  private readonly sources: StatsReport['sources'] = [];
  private readonly notes: StatsReport['notes'] = [];

  constructor(private readonly clock: () => number = () => performance.now()) {
    this.total = new Tally(clock());
  }

  add(event: SummaryEvent): void {
    switch (event.type) {
      case 'source-start':
        this.current?.sessions.close();
        this.current = new Tally(this.clock());
        break;
      case 'summary':
        this.current?.add(event.summary);
        this.total.add(event.summary);
        break;
      case 'rejected':
        for (const t of [this.current, this.total]) {
          if (!t) continue;
          t.rejected++;
        }
        break;
      case 'note':
        this.notes.push(noteJson(event.note));
        if (event.note.kind === 'not-traces') {
          for (const t of [this.current, this.total]) if (t) t.rejected += event.note.records ?? 0;
        }
        break;
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

  /** The counts; the run's distinct sessions are counted here, once: nothing may be added after. */
  report(): StatsReport {
    return { schema_version: 1, sources: this.sources, total: this.total.counts(this.clock()), notes: this.notes };
  }

  /** Frees the temporary files of a run that ends without {@link report} (an error); idempotent, and harmless after it. */
  close(): void {
    this.current?.sessions.close();
    this.total.sessions.close();
  }
}
