#!/usr/bin/env node
/**
 * Writes scripts/mlflow-ddl.json: the schema (every `sqlite_master` entry: tables, indexes,
 * triggers, with SQLite's own text) of MLflow SQLite tracking stores of three schema generations,
 * for scripts/store-writer.mjs to create stores from.
 *
 *   node scripts/extract-mlflow-ddl.mjs [--fixtures <dir>]   (default: shared/fixtures/mlflow-stores beside the repository)
 *
 * - 3.9 (alembic head d3e4f5a6b7c8) and 3.8 (head 1bd49d398cd23): read from the real stores in the
 *   shared fixtures (SOURCES.md there says where they come from), `sqlite_master` in rowid order.
 * - 2.21 (head 0584bdc529eb, MLflow 2.18 - 2.21): no real 2.x store is at hand, so it is derived
 *   from 3.9 by undoing the migrations that come after 0584bdc529eb in
 *   mlflow/store/db_migrations/versions/ (read in MLflow's repository); `DERIVE_2_21` below lists
 *   each step and the migration it undoes. Each text edit must match exactly once, or this fails.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDatabase } from './lib/sqlite-write.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { fixtures: { type: 'string', default: defaultFixtures() } } });

/** shared/ sits beside the repository (a clone, CI) or two levels up (a worktree under wt/). */
function defaultFixtures() {
  const found = [join(ROOT, '..', 'shared'), join(ROOT, '..', '..', 'shared')].find((d) => existsSync(d));
  return join(found ?? join(ROOT, '..', 'shared'), 'fixtures', 'mlflow-stores');
}

const REAL = {
  3.9: { dir: 'sqlite_3.9__dric2018_chat-app', release: 'MLflow 3.9' },
  3.8: { dir: 'sqlite_3.8.1__Qredence_skill-fleet', release: 'MLflow 3.7 - 3.8 (the fixture pins 3.8.1)' },
};

/**
 * Tables that migrations after 0584bdc529eb create (so a 2.21 store has none of them): 400f98739977
 * (logged_model*), 770bee3ae1dd (assessments), a1b2c3d4e5f6 (spans), de4033877273
 * (entity_associations), 1a0cddfcaa16 (webhook*), 534353b11cbc (scorer*), 71994744cf8e
 * (evaluation_dataset*), bf29a5ff90ea (jobs), 1bd49d398cd23 (secrets, endpoints, model_definitions,
 * endpoint_*), b7c8d9e0f1a2 (trace_metrics).
 */
const TABLES_2_21 = [
  'experiments',
  'alembic_version',
  'experiment_tags',
  'registered_models',
  'runs',
  'registered_model_tags',
  'model_versions',
  'latest_metrics',
  'metrics',
  'registered_model_aliases',
  'inputs',
  'input_tags',
  'params',
  'trace_info',
  'trace_tags',
  'trace_request_metadata',
  'tags',
  'datasets',
  'model_version_tags',
];

/** Text edits on 3.9's CREATE statements, each undoing one later migration. */
const DERIVE_2_21 = [
  // cbc13b556ace_add_v3_trace_schema_columns: three ALTER TABLE ADD COLUMN (SQLite splices each
  // added column in after the last column definition, ", " + the column).
  { table: 'trace_info', from: ', client_request_id VARCHAR(50), request_preview VARCHAR(1000), response_preview VARCHAR(1000)', to: '' },
  // 6953534de441_add_step_to_inputs_table: ALTER TABLE ADD COLUMN.
  { table: 'inputs', from: ", step BIGINT DEFAULT '0' NOT NULL", to: '' },
  // bda7b8c39065_increase_model_version_tag_value_limit rebuilt the table (alembic batch mode: copy,
  // drop, rename, hence the quoted name and the reflected upper-case CASCADE). Before it, the table
  // was as 27a6a02d2cf1_add_model_version_tags_table created it: value VARCHAR(5000), the foreign
  // key with onupdate="cascade" as written there (as registered_model_tags still shows).
  { table: 'model_version_tags', from: 'CREATE TABLE "model_version_tags" (', to: 'CREATE TABLE model_version_tags (' },
  { table: 'model_version_tags', from: '\tvalue TEXT, ', to: '\tvalue VARCHAR(5000), ' },
  { table: 'model_version_tags', from: 'ON UPDATE CASCADE\n)', to: 'ON UPDATE cascade\n)' },
];

async function readSchema(dbPath) {
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    const rows = db.all('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid');
    const head = db.all('SELECT version_num FROM alembic_version');
    return { head: head.map((r) => r.version_num), entries: rows.map((r) => ({ type: r.type, name: r.name, tbl_name: r.tbl_name, sql: r.sql })) };
  } finally {
    db.close();
  }
}

function derive221(entries39) {
  const keep = entries39.filter((e) => TABLES_2_21.includes(e.tbl_name)).map((e) => ({ ...e }));
  for (const edit of DERIVE_2_21) {
    const e = keep.find((x) => x.type === 'table' && x.name === edit.table);
    const hits = e.sql.split(edit.from).length - 1;
    if (hits !== 1) throw new Error(`2.21 derivation: ${JSON.stringify(edit.from)} occurs ${hits} times in ${edit.table}`);
    e.sql = e.sql.replace(edit.from, edit.to);
  }
  // model_version_tags was created by 27a6a02d2cf1, right after registered_model_tags (728d730b5ebd);
  // 3.9 lists it late only because bda7b8c39065 rebuilt it. The order does not change what a
  // reader sees; it is kept plausible.
  const mvt = keep.filter((e) => e.tbl_name === 'model_version_tags');
  const rest = keep.filter((e) => e.tbl_name !== 'model_version_tags');
  const at = rest.findIndex((e) => e.tbl_name === 'model_versions');
  rest.splice(at, 0, ...mvt);
  const missing = TABLES_2_21.filter((t) => !rest.some((e) => e.type === 'table' && e.name === t));
  if (missing.length) throw new Error(`2.21 derivation: 3.9 lacks ${missing.join(', ')}`);
  return rest;
}

const out = {
  $comment:
    'Generated by scripts/extract-mlflow-ddl.mjs; see its header for where each schema comes from. Entries are sqlite_master rows in creation order; sql null = an index SQLite makes itself for a PRIMARY KEY or UNIQUE constraint.',
  schemas: {},
};
for (const [gen, { dir, release }] of Object.entries(REAL)) {
  const path = join(values.fixtures, dir, 'mlflow.db');
  const { head, entries } = await readSchema(path);
  out.schemas[gen] = { alembic_head: head[0], release, source: `sqlite_master of shared/fixtures/mlflow-stores/${dir}/mlflow.db (a real store; provenance in that folder's SOURCES.md)`, entries };
}
out.schemas['2.21'] = {
  alembic_head: '0584bdc529eb',
  release: 'MLflow 2.18 - 2.21',
  source:
    'derived from the 3.9 schema by undoing the later migrations of mlflow/store/db_migrations/versions/ (scripts/extract-mlflow-ddl.mjs lists each step): 19 tables, 5-column trace_info, no assessments, no spans',
  entries: derive221(out.schemas['3.9'].entries),
};
const target = join(ROOT, 'scripts', 'mlflow-ddl.json');
const before = (() => {
  try {
    return readFileSync(target, 'utf8');
  } catch {
    return null;
  }
})();
const text = JSON.stringify(out, null, 1) + '\n';
writeFileSync(target, text);
process.stdout.write(
  `${target}: ${Object.entries(out.schemas)
    .map(([g, s]) => `${g} (${s.alembic_head}, ${s.entries.length} entries)`)
    .join(', ')}${before === text ? ', unchanged' : ''}\n`,
);
