/**
 * A read-only SQLite connection, from the SQLite built into Node (`node:sqlite`, Node 22.13 and
 * later) or, on a Node without it, from better-sqlite3 (an optional dependency compiled at install
 * from its registry package). Both are SQLite's own C library: the same answers, a database read
 * page by page (never loaded whole), a `-wal` beside it applied, nothing written or created.
 */

/** One row, columns by name. */
export type Row = Record<string, unknown>;

export interface SqliteReader {
  /** Which library reads: `node:sqlite` or `better-sqlite3`. */
  readonly engine: string;
  all(sql: string, ...params: readonly SqlValue[]): Row[];
  /** Rows one at a time: a table of any size in flat memory. */
  iterate(sql: string, ...params: readonly SqlValue[]): IterableIterator<Row>;
  close(): void;
}

export type SqlValue = string | number | bigint | null;

/** Raised when no SQLite library can be loaded on this Node: the store cannot be read. */
export class SqliteUnavailableError extends Error {}

interface Statement {
  all(...params: SqlValue[]): unknown[];
  iterate(...params: SqlValue[]): IterableIterator<unknown>;
}

interface Connection {
  prepare(sql: string): Statement;
  close(): void;
}

type Opener = (path: string) => Connection;

let opener: { open: Opener; engine: string } | null = null;

/** The library this Node reads SQLite with (loaded once). */
export async function sqliteEngine(): Promise<{ open: Opener; engine: string }> {
  if (opener !== null) return opener;
  const builtIn = await import('node:sqlite' as string).catch(() => null);
  if (builtIn !== null && typeof (builtIn as { DatabaseSync?: unknown }).DatabaseSync === 'function') {
    const { DatabaseSync } = builtIn as { DatabaseSync: new (path: string, options: object) => Connection };
    opener = { engine: 'node:sqlite', open: (path) => new DatabaseSync(path, { readOnly: true }) };
    return opener;
  }
  const addon = await import('better-sqlite3' as string).catch((error: unknown) => error as Error);
  if (addon instanceof Error) {
    throw new SqliteUnavailableError(
      `reading an SQLite store needs Node 22.13 or later (node:sqlite) or the better-sqlite3 package, and this Node has neither: ${addon.message.split('\n')[0]}`,
    );
  }
  const Database = (addon as { default: new (path: string, options: object) => Connection }).default;
  opener = { engine: 'better-sqlite3', open: (path) => new Database(path, { readonly: true, fileMustExist: true }) };
  return opener;
}

/** Opens a database file read-only. Throws SQLite's own error when the file is not a database. */
export async function openSqlite(path: string): Promise<SqliteReader> {
  const { open, engine } = await sqliteEngine();
  const db = open(path);
  const statements = new Map<string, Statement>();
  const prepared = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  // A statement that failed (a corrupt page) is dropped, not reused: node:sqlite leaves it in its
  // error state, so every later use would fail too.
  const forget = (sql: string, error: unknown): never => {
    statements.delete(sql);
    throw error;
  };
  return {
    engine,
    all: (sql, ...params) => {
      try {
        return prepared(sql).all(...params) as Row[];
      } catch (error) {
        return forget(sql, error);
      }
    },
    *iterate(sql, ...params) {
      try {
        yield* prepared(sql).iterate(...params) as IterableIterator<Row>;
      } catch (error) {
        forget(sql, error);
      }
    },
    close: () => db.close(),
  };
}
