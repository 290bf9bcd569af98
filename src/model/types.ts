import type { Attributes } from './attributes.js';

/** Span status, whatever the spelling in the file. `UNSET` is not an error. */
export type SpanStatus = 'OK' | 'ERROR' | 'UNSET';

/** Trace state (V3 `state`, V2 `status`). */
export type TraceState = 'OK' | 'ERROR' | 'IN_PROGRESS' | 'UNSPECIFIED';

/**
 * How the spans of a trace were written, by MLflow version (mlflow-trace-formats.md §1, §2.5):
 * `v2-0x` 2.14–2.21.0 (`context`, `0x` hex ids), `v2` 2.21.1–2.22 (plain hex), `v3-proto` 3.0–3.4
 * (protobuf MessageToDict: base64 ids, root `parent_span_id: ""`), `v3.5.0` (hex span ids, `tr-`
 * trace ids), `v3` 3.5.1+ (base64 ids, `null` root parent), `ts-sdk` (the TypeScript SDK: decoded
 * attributes, root parent `""`), `otlp` (REST GetTrace: OTLP attribute arrays), `none` (no spans).
 */
export type SpanFormat = 'v2-0x' | 'v2' | 'v3-proto' | 'v3.5.0' | 'v3' | 'ts-sdk' | 'otlp' | 'none';

/** How the trace info was written: V2 dataclass, V3 proto dict, REST proto-JSON, or absent. */
export type InfoFormat = 'v2' | 'v3' | 'rest' | 'none';

/** The envelope a trace came in (decided by `classifyRecord`). */
export type Envelope = 'trace' | 'rest' | 'artifact' | 'info';

/** A trace's format, as counted by `stats`. */
export interface TraceFormat {
  envelope: Envelope;
  info: InfoFormat;
  spans: SpanFormat;
  /** Short label: `3.5.1+`, `2.14-2.21.0`, `rest`, `artifact 3.5.1+`, `partial 3.x` (docs/inputs.md). */
  label: string;
}

/** One span event; `exception` events carry `exception.type` / `.message` / `.stacktrace`. */
export interface SpanEvent {
  name: string;
  /** Nanoseconds since the epoch (a double: exact to about 256 ns), or null when absent. */
  timeNs: number | null;
  /** The unit the file used: MLflow's own `SpanEvent` writes microseconds into `time_unix_nano`. */
  timeUnit: 'ns' | 'us' | null;
  /** Event attributes are raw OTel values, never JSON-encoded strings. */
  attributes: Record<string, unknown>;
}

/** One span, whatever the version that wrote it. */
export interface Span {
  /** Position in the record's span list (for JSONPaths such as `$.data.spans[3]`). */
  index: number;
  /** Lowercase hex (16 chars for OTel ids); `''` when the file has none (partial traces). */
  spanId: string;
  /** Lowercase hex, or null for a root (parent missing, `null` or `""`). */
  parentId: string | null;
  /** OTel trace id as lowercase hex, or null (the MLflow trace id is `Trace.traceId`). */
  otelTraceId: string | null;
  name: string;
  /** Nanoseconds since the epoch as doubles (the original digits stay in the record's bytes). */
  startTimeNs: number | null;
  endTimeNs: number | null;
  status: SpanStatus;
  statusMessage: string;
  events: SpanEvent[];
  /** Attribute values, decoded lazily (JSON-in-string, sometimes twice). */
  attributes: Attributes;
}

/** A feedback or expectation, from 3.x proto names or 2.x dataclass names. */
export interface Assessment {
  /** Position in `info.assessments`. */
  index: number;
  assessmentId: string | null;
  name: string;
  traceId: string | null;
  /** 16-hex span id for span-level assessments. */
  spanId: string | null;
  /** `HUMAN`, `LLM_JUDGE`, `CODE`, `SOURCE_TYPE_UNSPECIFIED` (legacy `AI_JUDGE` becomes `LLM_JUDGE`). */
  sourceType: string;
  sourceId: string | null;
  createTimeMs: number | null;
  lastUpdateTimeMs: number | null;
  kind: 'feedback' | 'expectation' | 'unknown';
  /** The value as MLflow stores it: feedback numbers are floats, serialized expectations are parsed. */
  value: unknown;
  /** The scorer's own failure (`feedback.error`, or the legacy top-level `error`): not a trace failure. */
  error: AssessmentError | null;
  rationale: string | null;
  metadata: Record<string, string>;
  /** `false` when superseded. Feedback defaults to true; expectations omit it. */
  valid: boolean;
  /** Id of the assessment this one replaces. */
  overrides: string | null;
}

export interface AssessmentError {
  code: string | null;
  message: string | null;
  stackTrace: string | null;
}

/** The trace info, one shape for V2, V3 and REST. */
export interface TraceInfo {
  format: InfoFormat;
  /** MLflow trace id as written (`tr-…`, a 32-hex V2 request id, `trace:/…`), or null. */
  traceId: string | null;
  clientRequestId: string | null;
  experimentId: string | null;
  /** Milliseconds since the epoch (fractional when the file had sub-millisecond digits). */
  requestTimeMs: number | null;
  durationMs: number | null;
  state: TraceState;
  metadata: Record<string, string>;
  tags: Record<string, string>;
  requestPreview: string | null;
  responsePreview: string | null;
}

/** Something odd about a trace that does not stop it from being read. */
export interface TraceWarning {
  code:
    | 'orphan-span'
    | 'span-cycle'
    | 'duplicate-span-id'
    | 'multiple-roots'
    | 'no-root'
    | 'non-finite-number'
    | 'unusable-time'
    | 'truncated-strings'
    | 'partial-trace'
    // Found while assembling a trace from an MLflow store (src/store/types.ts, StoreWarningCode).
    | 'spans-missing'
    | 'spans-partial'
    | 'artifact-rerooted'
    | 'store-value';
  message: string;
  /** JSONPath into the exported trace. */
  jsonPath: string;
}

/** Parent/child structure of a trace's spans, by index into `Trace.spans`. */
export interface SpanTree {
  /** Spans whose parent is missing, `null` or `""`, in start order. */
  roots: number[];
  /** Children of each span index, in start order. */
  children: number[][];
  /** Spans whose parent id is not in the trace; each heads its own subtree. */
  orphans: number[];
  /** Spans on a parent cycle (unreachable from any root or orphan). */
  cycles: number[];
  /** Span ids used by more than one span, with every index that uses them. */
  duplicates: Array<{ spanId: string; indices: number[] }>;
  /** Depth of each span below its root or orphan head (0 for those), -1 on a cycle. */
  depth: number[];
}

/** One normalized trace. */
export interface Trace {
  /** The MLflow trace id (info, else the spans' `mlflow.traceRequestId`), or `''` if none. */
  traceId: string;
  info: TraceInfo;
  spans: Span[];
  assessments: Assessment[];
  tree: SpanTree;
  format: TraceFormat;
  warnings: TraceWarning[];
  /** True when keys a full export always has are missing (`--extract-fields` output). */
  partial: boolean;
  /** JSONPaths of the info object and the span list in the exported record, e.g. `$.data.spans`. */
  paths: { info: string; spans: string; assessments: string };
}
