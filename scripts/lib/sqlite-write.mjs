/**
 * A writable SQLite connection for test and benchmark tooling (the product only ever reads, through
 * src/store/sqlite.ts): `node:sqlite` where Node has it (22.13+), else better-sqlite3. One small
 * surface over both, so the store writer and the tests run alike on Node 20 and Node 24.
 */

/**
 * @typedef {object} Db
 * @property {string} engine `node:sqlite` or `better-sqlite3`
 * @property {(sql: string) => void} exec
 * @property {(sql: string, ...params: unknown[]) => void} run prepared once per text, then reused
 * @property {(sql: string, ...params: unknown[]) => Record<string, unknown>[]} all integers beyond 2^53 come back as BigInt
 * @property {() => void} close
 */

/**
 * Opens (and, unless `readOnly`, creates) a database.
 * @param {string} path
 * @param {{ readOnly?: boolean }} [options]
 * @returns {Promise<Db>}
 */
export async function openDatabase(path, { readOnly = false } = {}) {
  const builtIn = await import('node:sqlite').catch(() => null);
  if (builtIn && typeof builtIn.DatabaseSync === 'function') {
    const db = new builtIn.DatabaseSync(path, { readOnly });
    return wrap(
      'node:sqlite',
      db,
      (st) => st.setReadBigInts(true),
      (st, params) => st.all(...params).map((row) => narrow({ ...row })),
    );
  }
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path, { readonly: readOnly, fileMustExist: readOnly });
  return wrap(
    'better-sqlite3',
    db,
    (st) => st.reader && st.safeIntegers(true),
    (st, params) => st.all(...params).map(narrow),
  );
}

/** BigInt where a number would lose digits, plain numbers elsewhere (easier to compare in tests). */
function narrow(row) {
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) row[k] = Number(v);
  }
  return row;
}

function wrap(engine, db, prepareRead, readAll) {
  const cache = new Map();
  const prepared = (sql) => {
    let st = cache.get(sql);
    if (!st) {
      st = db.prepare(sql);
      cache.set(sql, st);
    }
    return st;
  };
  return {
    engine,
    exec: (sql) => db.exec(sql),
    run: (sql, ...params) => {
      prepared(sql).run(...params);
    },
    all: (sql, ...params) => {
      const st = db.prepare(sql);
      prepareRead(st);
      return readAll(st, params);
    },
    close: () => db.close(),
  };
}
