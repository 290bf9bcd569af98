/**
 * Writes MLflow's own stores from traces in export shape (`{info, data: {spans}}`, as
 * `mlflow traces search --output json` prints them), for tests and `make bench`: an SQLite tracking
 * store with MLflow's exact schema (scripts/mlflow-ddl.json), an `mlruns/` file store, and the
 * export the same traces give. Test and benchmark tooling only: the product never writes a store.
 *
 * Where each value goes follows MLflow's source (mlflow/store/tracking/sqlalchemy_store.py,
 * dbmodels/models.py, file_store.py) and the real stores in shared/fixtures/mlflow-stores:
 * - trace_info: request_id = trace id, timestamp_ms = request_time, execution_time_ms =
 *   execution_duration_ms, status = state (+ client_request_id and the previews from 3.2);
 * - trace_request_metadata = trace_metadata, trace_tags = tags, where `mlflow.artifactLocation` is
 *   the experiment's artifact location + `/traces/<id>/artifacts` (what MLflow records) and
 *   `mlflow.trace.spansLocation` is `TRACKING_STORE` exactly when the spans are in the table;
 * - spans: 16-hex span_id/parent_span_id columns, status OK/ERROR/UNSET, type from
 *   `mlflow.spanType`, content = the span's JSON as Python's json.dumps writes it;
 * - assessments as SqlAssessments.from_mlflow_entity stores them (value, error, metadata as JSON
 *   text; created/last-updated timestamps in ms; valid and overrides as given);
 * - trace_metrics (3.9): input/output/total tokens from `mlflow.trace.tokenUsage`.
 * Values are written as given: trace ids included (a realistic 2.x store has 32-hex ids without
 * `tr-`; pass such traces to get one).
 */
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { assessmentRow, entries, experimentOf, exportTraceText, spanColumns, storedTags, traceDataText, traceDataTextV2, traceIdOf, writeFile } from './lib/mlflow-values.mjs';
import { openDatabase } from './lib/sqlite-write.mjs';

export {
  experimentOf,
  exportTraceText,
  parseExport,
  spanText,
  storedTags,
  traceDataText,
  traceDataTextV2,
  tracesOf,
  v2Span,
} from './lib/mlflow-values.mjs';

/** @type {{ schemas: Record<string, { alembic_head: string, entries: { type: string, name: string, tbl_name: string, sql: string | null }[] }> }} */
export const MLFLOW_DDL = JSON.parse(readFileSync(new URL('./mlflow-ddl.json', import.meta.url), 'utf8'));

/**
 * @typedef {{ info: Record<string, any>, data: { spans: Array<Record<string, any> | string> } }} ExportTrace
 *   A span may be given as its JSON text, kept byte for byte (19-digit times stay exact).
 * @typedef {{ experiment_id: string, name: string, artifact_location?: string, creation_time?: number }} Experiment
 * @typedef {{ traces: number, spans: number, assessments: number, artifacts: number, assessmentsNotStored: number }} WriteSummary
 *   `assessmentsNotStored`: assessments a 2.x layout has no place for (counted, never dropped silently).
 */

const TRACE_DATA_FILE = 'traces.json';
/** Every MLflow store has the Default experiment (created with the store). */
const DEFAULT_EXPERIMENT = { experiment_id: '0', name: 'Default' };

/**
 * An SQLite tracking store written trace by trace (flat memory for any size): `open()`, `add()`
 * each trace, `close()`. Options:
 * - `schema`: `'3.9'` (default; spans table, assessments, trace_metrics), `'3.8'`, or `'2.21'`
 *   (5-column trace_info, no assessments, no spans table);
 * - `spansIn`: `'table'` (default for 3.x) or `'artifacts'` (`traces.json` under `artifactRoot`;
 *   the only choice for 2.21);
 * - `artifactRoot`: where artifact files go, default `mlruns/` beside the database;
 * - `experiments`: id, name and the artifact_location to record (e.g. another machine's path, to
 *   test re-rooting; the files still go under `artifactRoot/<id>/`); experiments that traces use
 *   and the list lacks are made up (`experiment-<id>`); Default (0) always exists;
 * - `wal`: leave the database in WAL mode with its `-wal` (every row) and `-shm` beside it, not
 *   checkpointed, as a store copied from a running server is;
 * - `spanShape`: traces.json as 3.x writes it (`'3.x'`, the default for 3.x schemas) or as 2.x did
 *   (`'2.x'`: V2 spans with `request`/`response`, the default for 2.21);
 * - `batch`: traces per transaction (default 500).
 */
export class SqliteStoreWriter {
  /** @param {string} dbPath @param {{ schema?: '3.9'|'3.8'|'2.21', spansIn?: 'table'|'artifacts', artifactRoot?: string, experiments?: Experiment[], wal?: boolean, spanShape?: '3.x'|'2.x', batch?: number }} [options] */
  constructor(dbPath, options = {}) {
    this.dbPath = resolve(dbPath);
    this.schema = options.schema ?? '3.9';
    const ddl = MLFLOW_DDL.schemas[this.schema];
    if (!ddl) throw new Error(`unknown schema ${this.schema}; known: ${Object.keys(MLFLOW_DDL.schemas).join(', ')}`);
    this.ddl = ddl;
    this.v3 = this.schema !== '2.21';
    this.spansIn = options.spansIn ?? (this.v3 ? 'table' : 'artifacts');
    if (this.spansIn === 'table' && !this.v3) throw new Error('schema 2.21 has no spans table: use spansIn "artifacts"');
    this.artifactRoot = resolve(options.artifactRoot ?? join(dirname(this.dbPath), 'mlruns'));
    this.wal = options.wal ?? false;
    this.batch = options.batch ?? 500;
    this.dataText = (options.spanShape ?? (this.v3 ? '3.x' : '2.x')) === '2.x' ? traceDataTextV2 : traceDataText;
    this.experiments = new Map();
    for (const e of [DEFAULT_EXPERIMENT, ...(options.experiments ?? [])]) this.experiments.set(e.experiment_id, e);
    this.written = new Set();
    this.summary = { traces: 0, spans: 0, assessments: 0, artifacts: 0, assessmentsNotStored: 0 };
    this.inTx = 0;
  }

  async open() {
    rmSync(this.dbPath, { force: true });
    for (const s of ['-wal', '-shm', '-journal']) rmSync(this.dbPath + s, { force: true });
    // A WAL store is built aside and copied while the connection still holds the -wal: closing the
    // last connection would checkpoint it into the database and delete it.
    this.buildPath = this.wal ? `${this.dbPath}.building` : this.dbPath;
    for (const s of ['', '-wal', '-shm']) rmSync(this.buildPath + s, { force: true });
    mkdirSync(dirname(this.dbPath), { recursive: true });
    this.db = await openDatabase(this.buildPath);
    if (this.wal) {
      this.db.exec('PRAGMA journal_mode=WAL');
      this.db.exec('PRAGMA wal_autocheckpoint=0');
    } else {
      this.db.exec('PRAGMA journal_mode=MEMORY');
    }
    this.db.exec('PRAGMA synchronous=OFF');
    this.db.exec('BEGIN');
    for (const e of this.ddl.entries) if (e.sql) this.db.exec(e.sql);
    this.db.run('INSERT INTO alembic_version (version_num) VALUES (?)', this.ddl.alembic_head);
    for (const e of this.experiments.values()) this.insertExperiment(e);
    this.db.exec('COMMIT');
    this.db.exec('BEGIN');
    return this;
  }

  artifactLocation(expId) {
    return this.experiments.get(expId)?.artifact_location ?? join(this.artifactRoot, expId);
  }

  insertExperiment(e) {
    const t = e.creation_time ?? 1767571200000;
    this.db.run(
      'INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?)',
      BigInt(e.experiment_id),
      e.name,
      this.artifactLocation(e.experiment_id),
      'active',
      t,
      t,
    );
    this.written.add(e.experiment_id);
  }

  /** @param {ExportTrace} trace */
  add(trace) {
    const db = this.db;
    const id = traceIdOf(trace);
    const info = trace.info;
    const expId = experimentOf(trace);
    if (!this.written.has(expId)) {
      this.experiments.set(expId, { experiment_id: expId, name: `experiment-${expId}` });
      this.insertExperiment(this.experiments.get(expId));
    }
    const exp = BigInt(expId);
    const ts = Date.parse(info.request_time ?? '');
    if (!Number.isFinite(ts)) throw new Error(`trace ${id}: request_time ${JSON.stringify(info.request_time)} is not an ISO time`);
    const cols = [id, exp, ts, info.execution_duration_ms ?? null, info.state ?? 'STATE_UNSPECIFIED'];
    if (this.v3) {
      db.run(
        'INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, client_request_id, request_preview, response_preview) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        ...cols,
        info.client_request_id ?? null,
        info.request_preview ?? null,
        info.response_preview ?? null,
      );
    } else {
      db.run('INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status) VALUES (?, ?, ?, ?, ?)', ...cols);
    }
    const inTable = this.spansIn === 'table';
    for (const [k, v] of Object.entries(storedTags(trace, this.artifactLocation(expId), inTable))) {
      db.run('INSERT INTO trace_tags ("key", value, request_id) VALUES (?, ?, ?)', k, v, id);
    }
    for (const [k, v] of entries(info.trace_metadata)) {
      db.run('INSERT INTO trace_request_metadata ("key", value, request_id) VALUES (?, ?, ?)', k, v, id);
    }
    if (this.schema === '3.9') this.tokenMetrics(id, info.trace_metadata?.['mlflow.trace.tokenUsage']);
    for (const a of info.assessments ?? []) {
      if (!this.v3) {
        this.summary.assessmentsNotStored++;
        continue;
      }
      db.run(
        'INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value, error, created_timestamp, last_updated_timestamp, source_type, source_id, run_id, span_id, rationale, overrides, valid, assessment_metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        ...assessmentRow(a, id),
      );
      this.summary.assessments++;
    }
    if (inTable) {
      for (const span of trace.data.spans) {
        const s = spanColumns(span);
        db.run(
          'INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          id,
          exp,
          s.spanId,
          s.parentId,
          s.name,
          s.type,
          s.status,
          s.start,
          s.end,
          s.text,
        );
      }
    } else {
      writeFile(join(this.artifactRoot, expId, 'traces', id, 'artifacts', TRACE_DATA_FILE), this.dataText(trace));
      this.summary.artifacts++;
    }
    this.summary.spans += trace.data.spans.length;
    this.summary.traces++;
    if (++this.inTx >= this.batch) {
      db.exec('COMMIT');
      db.exec('BEGIN');
      this.inTx = 0;
    }
  }

  tokenMetrics(id, usageText) {
    if (typeof usageText !== 'string') return;
    const usage = JSON.parse(usageText);
    for (const key of ['input_tokens', 'output_tokens', 'total_tokens']) {
      if (typeof usage[key] === 'number') this.db.run('INSERT INTO trace_metrics (request_id, "key", value) VALUES (?, ?, ?)', id, key, usage[key]);
    }
  }

  /** @returns {WriteSummary} */
  close() {
    this.db.exec('COMMIT');
    if (this.wal) {
      for (const s of ['', '-wal', '-shm']) copyFileSync(this.buildPath + s, this.dbPath + s);
      this.db.close();
      for (const s of ['', '-wal', '-shm']) rmSync(this.buildPath + s, { force: true });
    } else {
      this.db.exec('PRAGMA journal_mode=DELETE');
      this.db.close();
    }
    return this.summary;
  }
}

/**
 * Writes an SQLite tracking store (see SqliteStoreWriter for the options).
 * @param {string} dbPath
 * @param {Iterable<ExportTrace> | AsyncIterable<ExportTrace>} traces
 * @param {ConstructorParameters<typeof SqliteStoreWriter>[1]} [options]
 * @returns {Promise<WriteSummary>}
 */
export async function writeSqliteStore(dbPath, traces, options) {
  const w = await new SqliteStoreWriter(dbPath, options).open();
  for await (const t of traces) w.add(t);
  return w.close();
}

// YAML 1.1, as PyYAML (MLflow's writer) speaks it: strings such as 'no' or 'on' come out quoted, as it quotes them.
const yaml = (value) => stringify(value, { sortMapEntries: true, singleQuote: true, version: '1.1' });
const pick = (obj, drop) => Object.fromEntries(Object.entries(obj).filter(([k, v]) => !drop.includes(k) && v !== undefined));

/**
 * An `mlruns/` file store written trace by trace. Options:
 * - `experiments` as for SQLite; the recorded artifact_location defaults to the experiment
 *   folder's `file://` URI, or `mlflow-artifacts:/<id>` with `artifactsBeside`;
 * - `v2`: MLflow 2.x's trace_info.yaml (request_id, timestamp_ms, execution_time_ms, status,
 *   `assessments: []`) and no assessments/ folder (then counted in `assessmentsNotStored`);
 * - `artifactsBeside`: `mlflow server`'s proxied artifacts: traces.json under `mlartifacts/`
 *   beside `mlruns/`, no `artifacts/` in the trace folder;
 * - `spanShape`: traces.json in the 3.x or the 2.x shape (default: 2.x with `v2`, else 3.x).
 */
export class FileStoreWriter {
  /** @param {string} mlrunsDir @param {{ experiments?: Experiment[], v2?: boolean, artifactsBeside?: boolean, spanShape?: '3.x'|'2.x' }} [options] */
  constructor(mlrunsDir, options = {}) {
    this.root = resolve(mlrunsDir);
    this.v2 = options.v2 ?? false;
    this.beside = options.artifactsBeside ?? false;
    this.dataText = (options.spanShape ?? (this.v2 ? '2.x' : '3.x')) === '2.x' ? traceDataTextV2 : traceDataText;
    this.artifactsDir = join(dirname(this.root), 'mlartifacts');
    this.experiments = new Map();
    for (const e of [DEFAULT_EXPERIMENT, ...(options.experiments ?? [])]) this.experiments.set(e.experiment_id, e);
    this.written = new Set();
    this.summary = { traces: 0, spans: 0, assessments: 0, artifacts: 0, assessmentsNotStored: 0 };
  }

  open() {
    mkdirSync(this.root, { recursive: true });
    for (const id of this.experiments.keys()) this.experimentMeta(id);
    return this;
  }

  artifactLocation(expId) {
    return this.experiments.get(expId)?.artifact_location ?? (this.beside ? `mlflow-artifacts:/${expId}` : pathToFileURL(join(this.root, expId)).href);
  }

  experimentMeta(expId) {
    if (this.written.has(expId)) return;
    const e = this.experiments.get(expId) ?? { experiment_id: expId, name: `experiment-${expId}` };
    this.experiments.set(expId, e);
    const t = e.creation_time ?? 1767571200000;
    writeFile(
      join(this.root, expId, 'meta.yaml'),
      yaml({ artifact_location: this.artifactLocation(expId), creation_time: t, experiment_id: expId, last_update_time: t, lifecycle_stage: 'active', name: e.name }),
    );
    this.written.add(expId);
  }

  /** @param {ExportTrace} trace */
  add(trace) {
    const id = traceIdOf(trace);
    const info = trace.info;
    const expId = experimentOf(trace);
    this.experimentMeta(expId);
    const dir = join(this.root, expId, 'traces', id);
    const infoDoc = this.v2
      ? { assessments: [], execution_time_ms: info.execution_duration_ms ?? null, experiment_id: expId, request_id: id, status: info.state, timestamp_ms: Date.parse(info.request_time) }
      : pick(info, ['trace_metadata', 'tags', 'assessments']);
    writeFile(join(dir, 'trace_info.yaml'), yaml(infoDoc));
    for (const [k, v] of entries(info.trace_metadata)) writeFile(join(dir, 'request_metadata', k), v);
    for (const [k, v] of Object.entries(storedTags(trace, this.artifactLocation(expId), false))) writeFile(join(dir, 'tags', k), v);
    for (const a of info.assessments ?? []) {
      if (this.v2) {
        this.summary.assessmentsNotStored++;
        continue;
      }
      writeFile(join(dir, 'assessments', `${a.assessment_id}.yaml`), yaml(pick(a, [])));
      this.summary.assessments++;
    }
    const artifacts = this.beside ? join(this.artifactsDir, expId, 'traces', id, 'artifacts') : join(dir, 'artifacts');
    writeFile(join(artifacts, TRACE_DATA_FILE), this.dataText(trace));
    this.summary.artifacts++;
    this.summary.spans += trace.data.spans.length;
    this.summary.traces++;
  }

  /** @returns {WriteSummary} */
  close() {
    return this.summary;
  }
}

/**
 * Writes an `mlruns/` file store (see FileStoreWriter for the options).
 * @param {string} mlrunsDir
 * @param {Iterable<ExportTrace> | AsyncIterable<ExportTrace>} traces
 * @param {ConstructorParameters<typeof FileStoreWriter>[1]} [options]
 * @returns {Promise<WriteSummary>}
 */
export async function writeFileStore(mlrunsDir, traces, options) {
  const w = new FileStoreWriter(mlrunsDir, options).open();
  for await (const t of traces) w.add(t);
  return w.close();
}

/**
 * Writes the export the same traces give: `{"traces": [...], "next_page_token": null}` as
 * `mlflow traces search --output json` prints it (json.dumps, indent 2), or with `format: 'jsonl'`
 * one trace per line. Spans given as text are kept as they are.
 * @param {string} path
 * @param {Iterable<ExportTrace> | AsyncIterable<ExportTrace>} traces
 * @param {{ format?: 'search' | 'jsonl' }} [options]
 * @returns {Promise<{ traces: number, bytes: number }>}
 */
export async function writeExport(path, traces, { format = 'search' } = {}) {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const fd = openSync(path, 'w');
  let n = 0;
  let bytes = 0;
  const put = (s) => {
    bytes += writeSync(fd, s);
  };
  try {
    if (format === 'search') put('{\n  "traces": [');
    for await (const t of traces) {
      if (format === 'search') put((n ? ',\n    ' : '\n    ') + exportTraceText(t));
      else put(exportTraceText(t, 0, 0) + '\n');
      n++;
    }
    if (format === 'search') put((n ? '\n  ' : '') + '],\n  "next_page_token": null\n}\n');
  } finally {
    closeSync(fd);
  }
  return { traces: n, bytes };
}
