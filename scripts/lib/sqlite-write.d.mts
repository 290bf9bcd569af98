// biome-ignore-all lint/suspicious/noExplicitAny: rows of any table, read by tests and benches that index them freely
/** Types of scripts/lib/sqlite-write.mjs: a writable SQLite connection for test and bench tooling. */
export interface Db {
  readonly engine: 'node:sqlite' | 'better-sqlite3';
  exec(sql: string): void;
  run(sql: string, ...params: unknown[]): void;
  /** Integers beyond 2^53 come back as BigInt, the rest as numbers. */
  all(sql: string, ...params: unknown[]): Array<Record<string, any>>;
  close(): void;
}
export declare function openDatabase(path: string, options?: { readOnly?: boolean }): Promise<Db>;
