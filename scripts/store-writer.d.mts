// biome-ignore-all lint/suspicious/noExplicitAny: types of an untyped script whose traces and rows are free-form JSON, read by tests that index them freely
/** Types of scripts/store-writer.mjs (test and benchmark tooling: MLflow stores written from export-shape traces). */

/** A trace as `mlflow traces search --output json` prints it; a span may be its JSON text. */
export interface ExportTrace {
  info: Record<string, any>;
  data: { spans: Array<Record<string, any> | string> };
}
export interface Experiment {
  experiment_id: string;
  name: string;
  /** What the store records (e.g. another machine's path); files still go under the local root. */
  artifact_location?: string;
  creation_time?: number;
}
export interface WriteSummary {
  traces: number;
  spans: number;
  assessments: number;
  artifacts: number;
  /** Assessments a 2.x layout has no place for. */
  assessmentsNotStored: number;
}
export interface SqliteStoreOptions {
  schema?: '3.9' | '3.8' | '2.21';
  spansIn?: 'table' | 'artifacts';
  artifactRoot?: string;
  experiments?: Experiment[];
  wal?: boolean;
  /** traces.json in 3.x's shape or 2.x's (V2 spans, request/response); default by schema. */
  spanShape?: '3.x' | '2.x';
  batch?: number;
}
export interface FileStoreOptions {
  experiments?: Experiment[];
  v2?: boolean;
  artifactsBeside?: boolean;
  spanShape?: '3.x' | '2.x';
}
type Traces = Iterable<ExportTrace> | AsyncIterable<ExportTrace>;

export declare const MLFLOW_DDL: {
  schemas: Record<string, { alembic_head: string; release: string; source: string; entries: Array<{ type: string; name: string; tbl_name: string; sql: string | null }> }>;
};
export declare function parseExport(text: string): any;
export declare function tracesOf(doc: unknown): ExportTrace[];
export declare function experimentOf(trace: ExportTrace): string;
export declare function spanText(span: Record<string, any> | string): string;
export declare function traceDataText(trace: ExportTrace): string;
/** traces.json as MLflow 2.x wrote it: V2 spans, `request` and `response` from the root span. */
export declare function traceDataTextV2(trace: ExportTrace): string;
export declare function v2Span(span: Record<string, any> | string): Record<string, any>;
export declare function storedTags(trace: ExportTrace, artifactLocation: string, spansInTable: boolean): Record<string, string>;
export declare function exportTraceText(trace: ExportTrace, indent?: number, depth?: number): string;

export declare class SqliteStoreWriter {
  constructor(dbPath: string, options?: SqliteStoreOptions);
  open(): Promise<this>;
  add(trace: ExportTrace): void;
  close(): WriteSummary;
}
export declare function writeSqliteStore(dbPath: string, traces: Traces, options?: SqliteStoreOptions): Promise<WriteSummary>;

export declare class FileStoreWriter {
  constructor(mlrunsDir: string, options?: FileStoreOptions);
  open(): this;
  add(trace: ExportTrace): void;
  close(): WriteSummary;
}
export declare function writeFileStore(mlrunsDir: string, traces: Traces, options?: FileStoreOptions): Promise<WriteSummary>;
export declare function writeExport(path: string, traces: Traces, options?: { format?: 'search' | 'jsonl' }): Promise<{ traces: number; bytes: number }>;
