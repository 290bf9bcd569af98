/**
 * The neutral shape every reader of another tracer's files maps into (OTLP/JSON, OpenTelemetry
 * console output, Jaeger, Zipkin, Langfuse). A reader only decodes its format; `mlflow-json.ts`
 * writes the result as the MLflow 3 export MLflow itself would hold after ingesting those spans,
 * so sessions, turn I/O, rules, search and every report read it unchanged.
 */

/** The formats read besides MLflow's own; the name `stats` prints in place of an MLflow version. */
export type ForeignFormat = 'otlp-json' | 'otel-console' | 'jaeger' | 'zipkin-v2' | 'langfuse';

/** What `stats` and notes call each format. */
export const FOREIGN_LABELS: Readonly<Record<ForeignFormat, string>> = {
  'otlp-json': 'OTLP/JSON',
  'otel-console': 'OpenTelemetry console',
  jaeger: 'Jaeger JSON',
  'zipkin-v2': 'Zipkin v2 JSON',
  langfuse: 'Langfuse export',
};

/** A time in nanoseconds since the epoch, as decimal digits (nanoseconds exceed 2^53). */
export type NanoDigits = string;

export interface ForeignEvent {
  name: string;
  timeNs: NanoDigits | null;
  /** Decoded values (strings, numbers, booleans, arrays, objects), not JSON text. */
  attributes: Record<string, unknown>;
}

export interface ForeignSpan {
  /** Lowercase hex, 32 digits. */
  traceId: string;
  /** Lowercase hex, 16 digits ('' when the span had none: then it is rejected, not joined). */
  spanId: string;
  /** Lowercase hex, or null for a root. */
  parentId: string | null;
  name: string;
  startNs: NanoDigits | null;
  endNs: NanoDigits | null;
  status: 'OK' | 'ERROR' | 'UNSET';
  statusMessage: string;
  /** OTel span kind as the proto enum name (`SPAN_KIND_CLIENT`), when the format has one. */
  kind?: string;
  /** Decoded values, not JSON text; MLflow's own keys (`mlflow.spanType`, `mlflow.spanInputs`) allowed. */
  attributes: Record<string, unknown>;
  events: ForeignEvent[];
  /** The resource's (or Jaeger process's) attributes, `service.name` among them. */
  resource?: Record<string, unknown>;
}

/** A score or feedback the format carries (Langfuse scores), as an MLflow assessment. */
export interface ForeignAssessment {
  id?: string;
  name: string;
  value: string | number | boolean | null;
  rationale?: string;
  source: 'HUMAN' | 'LLM_JUDGE' | 'CODE';
  sourceId?: string;
  /** Lowercase hex span id when the score is about one span (observation). */
  spanId?: string;
  /** RFC 3339. */
  time?: string;
  /** When the scorer failed instead of scoring. */
  error?: string;
}

/** Trace-level facts some formats carry beside the spans (Langfuse's trace object). */
export interface ForeignTraceInfo {
  name?: string;
  sessionId?: string;
  userId?: string;
  tags?: Record<string, string>;
  /** More `trace_metadata` entries (string values). */
  metadata?: Record<string, string>;
  assessments?: ForeignAssessment[];
}

/**
 * What one record of a foreign file holds: spans of one or more traces (an OTLP request, one
 * console span, a Jaeger trace list) and, keyed by trace id, trace-level facts. Spans of one trace
 * may arrive in many records and many files; they are joined by trace id before the trace is read.
 */
export interface ForeignBatch {
  format: ForeignFormat;
  spans: ForeignSpan[];
  traces?: Record<string, ForeignTraceInfo>;
  /**
   * Problems with parts of the record that were left out (a span without an id), each with the
   * JSONPath inside the record and what was expected: reported, never dropped silently.
   */
  problems: ForeignProblem[];
}

export interface ForeignProblem {
  jsonPath: string;
  expected: string;
  found: string;
}

/** A record that is a known kind of file tracetriage does not read: named once, with what to do. */
export interface ForeignUnsupported {
  unsupported: string;
}
