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

/**
 * Why this Node cannot read SQLite, with the fix, in one line (the user sees it as the note of an
 * unreadable input). `missing`: better-sqlite3 is not installed (left out with `--omit=optional`,
 * or dropped by npm when compiling it failed); `unbuilt`: installed without its compiled part
 * (its install script did not run: `--ignore-scripts`, npm's allow-scripts policy) or built for
 * another Node. docs/inputs.md says the same.
 */
export function sqliteMissing(why: 'missing' | 'unbuilt'): string {
  const needs = 'reading an SQLite store needs Node 22.13 or later (node:sqlite) or the optional package better-sqlite3';
  if (why === 'missing') {
    return `${needs}, which is not installed: use Node 22.13 or later, or install tracetriage again with it (npm install -g tracetriage --include=optional; it compiles with python3 and a C++ compiler)`;
  }
  return `${needs}, which is installed but not built for this Node (its install script did not run): run npm rebuild -g better-sqlite3 (npm rebuild better-sqlite3 in a project), or use Node 22.13 or later`;
}

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
  if (addon instanceof Error) throw new SqliteUnavailableError(sqliteMissing('missing'));
  const Database = (addon as { default: new (path: string, options: object) => Connection }).default;
  // better-sqlite3's JavaScript loads without its compiled part, which is looked for only when a
  // database is opened: an install whose script did not run (npm's --ignore-scripts, an
  // allow-scripts policy) or that was built for another Node is found here, not mid-read.
  try {
    new Database(':memory:', {}).close();
  } catch (error) {
    throw new SqliteUnavailableError(sqliteMissing('unbuilt'), { cause: error });
  }
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
