/**
 * What a store reader gives: MLflow's own stores (`mlflow.db`, `mlruns/`) read trace by trace into
 * the shape an export has, so everything downstream treats a store's trace exactly like a trace of
 * `mlflow traces search --output json`.
 */

/** What can be wrong with a trace assembled from a store (each is also a trace warning code). */
export type StoreWarningCode = 'spans-missing' | 'spans-partial' | 'artifact-rerooted' | 'store-value';

/** A trace's warning found while assembling it from the store (spans missing, artifact re-rooted). */
export interface StoreWarning {
  code: StoreWarningCode;
  message: string;
  /** JSONPath into the assembled trace (`$.data.spans`, `$.info.trace_metadata`). */
  jsonPath: string;
}

export interface StoreTrace {
  traceId: string;
  experimentId: string;
  /**
   * Where the trace lives in the store, for provenance: the trace folder relative to the store root
   * in a file store (`1/traces/tr-…`), `trace_info tr-…` in an SQLite store.
   */
  location: string;
  /**
   * The trace as `mlflow traces search --output json` prints it (Trace.to_dict: a V3 `info` with
   * `trace_metadata`, `tags`, `assessments`; `data.spans` in the exported span shape).
   */
  trace: { info: Record<string, unknown>; data: { spans: unknown[] } };
  /**
   * `data` as JSON text, when the reader has it as text (span rows, a traces.json file): it stands
   * for `trace.data`, so spans are parsed once, downstream, like an export's.
   */
  dataJson?: string;
  warnings: StoreWarning[];
}

export type StoreEvent =
  | { type: 'trace'; trace: StoreTrace }
  /** One trace that could not be assembled (the store's unit is one trace). */
  | { type: 'rejected'; traceId: string | null; location: string; message: string; jsonPath?: string; expected?: string; found?: string }
  /** A fact about the store as a whole: what it is, what was selected, what was skipped. */
  | { type: 'note'; message: string }
  /** Part of the store could not be read (a corrupt page under a table): said, and the rest read. */
  | { type: 'error'; message: string };

export interface StoreReadOptions {
  /** Read only these experiments (ids as MLflow prints them); with names, either matches. */
  experimentIds?: readonly string[];
  experimentNames?: readonly string[];
}
