/** Types of bench/gen-store.mjs: one seeded stream of chat sessions as an export and two MLflow SQLite stores. */
export interface StoreForms {
  export: { path: string; bytes: number };
  table: { path: string; bytes: number };
  artifacts: { path: string; bytes: number; artifact_bytes: number };
}
export interface StoreSummary {
  dir: string;
  seed: number;
  target_bytes: number;
  traces: number;
  spans: number;
  seconds: number;
  forms: StoreForms;
}
export declare function sizeOnDisk(path: string): number;
export declare function generateStore(options: { dir: string; bytes: number; seed?: number; onProgress?: (fraction: number) => void }): Promise<StoreSummary>;
