import { dirname } from 'node:path';
import { findTracesJson } from './artifacts.js';
import { readTracesJson } from './traces-json.js';
import { checkSpanCount, isoMillis, parseJsonText, selectExperiments, type Experiment } from './common.js';
import { openSqlite, type Row, type SqliteReader, type SqlValue } from './sqlite.js';
import type { StoreEvent, StoreReadOptions, StoreTrace, StoreWarning } from './types.js';
import { plural } from '../shared/plural.js';

/**
 * Reads an MLflow SQLite tracking store (`mlflow.db`) trace by trace, in the shape
 * `mlflow traces search --output json` prints: `trace_info` joined with `trace_tags`,
 * `trace_request_metadata` (sessions and users live there), `assessments`, and the spans, from the
 * `spans` table where MLflow keeps them there, else from the trace's `traces.json` artifact. Every
 * schema MLflow has shipped since traces exist (2.13) is read by column name; one trace in memory
 * at a time. Read-only: nothing in the store or beside it is written, locked or created.
 */
export async function* readSqliteStore(dbPath: string, options: StoreReadOptions): AsyncGenerator<StoreEvent> {
  const db = await openSqlite(dbPath);
  try {
    yield* readOpened(db, dbPath, options);
  } finally {
    db.close();
  }
}

/** Thrown when the database is SQLite but not an MLflow tracking store: the input is named for what it is. */
export class NotAStoreError extends Error {}

async function* readOpened(db: SqliteReader, dbPath: string, options: StoreReadOptions): AsyncGenerator<StoreEvent> {
  const tables = new Set(db.all("SELECT name FROM sqlite_master WHERE type = 'table'").map((row) => String(row.name)));
  if (!tables.has('experiments') || !tables.has('alembic_version')) {
    const some = [...tables].slice(0, 5).join(', ');
    throw new NotAStoreError(
      `an SQLite database, but not an MLflow tracking store (no experiments and alembic_version tables; it has ${tables.size === 0 ? 'no tables' : `${some}${tables.size > 5 ? ', …' : ''}`})`,
    );
  }
  const head = db.all('SELECT version_num FROM alembic_version').map((row) => String(row.version_num));
  yield { type: 'note', message: describeSchema(head, db.engine) };
  if (!tables.has('trace_info')) {
    yield { type: 'note', message: 'this store has no trace tables (MLflow before 2.13 made none): no traces' };
    return;
  }
  const columns = (table: string): Set<string> => (tables.has(table) ? new Set(db.all(`PRAGMA table_info("${table}")`).map((row) => String(row.name))) : new Set<string>());
  const info = columns('trace_info');
  const has = {
    tags: tables.has('trace_tags'),
    metadata: tables.has('trace_request_metadata'),
    assessments: tables.has('assessments'),
    spans: tables.has('spans') && columns('spans').has('content'),
  };
  // Ids as text: 18-digit experiment ids (as MLflow makes them) are past 2^53, where a number
  // would round to another experiment; they are bound back as BigInt, which the index takes.
  const experiments = db
    .all('SELECT CAST(experiment_id AS TEXT) AS id, name, artifact_location, lifecycle_stage FROM experiments ORDER BY experiment_id')
    .map((row): Experiment & { key: SqlValue } => ({
      id: String(row.id),
      key: /^-?\d+$/.test(String(row.id)) ? BigInt(String(row.id)) : String(row.id),
      name: row.name == null ? null : String(row.name),
      artifactLocation: row.artifact_location == null ? undefined : String(row.artifact_location),
      deleted: row.lifecycle_stage === 'deleted',
    }));
  const chosen = yield* selectExperiments(experiments, options);
  const optional = ['client_request_id', 'request_preview', 'response_preview'].filter((name) => info.has(name));
  const select = `SELECT request_id, timestamp_ms, execution_time_ms, status${optional.map((c) => `, ${c}`).join('')} FROM trace_info`;
  const firstPage = `${select} WHERE experiment_id = ? ORDER BY timestamp_ms, request_id LIMIT ${PAGE}`;
  const nextPage = `${select} WHERE experiment_id = ? AND (timestamp_ms, request_id) > (?, ?) ORDER BY timestamp_ms, request_id LIMIT ${PAGE}`;
  const storeDir = dirname(dbPath);
  let traces = 0;
  for (const experiment of chosen) {
    // Pages of trace rows, keyed on the order itself: a connection runs one statement at a time
    // (better-sqlite3 refuses another while one iterates), and a page keeps memory flat.
    let after: [number, string] | null = null;
    for (;;) {
      let page: Row[];
      try {
        page = after === null ? db.all(firstPage, experiment.key) : db.all(nextPage, experiment.key, after[0], after[1]);
      } catch (error) {
        // A corrupt page under trace_info: what came before is read, the rest of this experiment
        // cannot be listed; the other experiments are still tried.
        yield { type: 'error', message: `listing the traces of experiment ${experiment.id} stopped after ${traces} trace(s): ${messageOf(error)}` };
        break;
      }
      for (const row of page) {
        traces++;
        yield await assembleGuarded(db, row, experiment, storeDir, has);
      }
      if (page.length < PAGE) break;
      const last = page[page.length - 1]!;
      after = [Number(last.timestamp_ms), String(last.request_id)];
    }
  }
  yield { type: 'note', message: `${plural(traces, 'trace')} in ${plural(chosen.length, 'experiment')} read` };
}

/** Trace rows read per query. */
const PAGE = 256;

/** What the MLflow release that wrote this schema was, from its alembic head. */
function describeSchema(heads: string[], engine: string): string {
  const head = heads[0];
  if (head === undefined) return `an MLflow SQLite store with no alembic revision (read with ${engine}, by column names)`;
  const release = KNOWN_HEADS[head];
  return release === undefined
    ? `an MLflow SQLite store at schema revision ${head}, one tracetriage does not know (newer than it?): read by column names (${engine})`
    : `an MLflow SQLite store, schema revision ${head} (MLflow ${release}; read with ${engine})`;
}

/**
 * alembic heads met in real databases, with the MLflow release that creates them
 * (shared/reference/mlflow-stores.md; MLflow's `mlflow/store/db_migrations/versions/`).
 */
const KNOWN_HEADS: Record<string, string> = {
  '867495a8f9d4': '2.13',
  '0584bdc529eb': '2.18-2.21',
  bf29a5ff90ea: '3.5-3.6',
  '1bd49d398cd23': '3.7-3.8',
  d3e4f5a6b7c8: '3.9',
  '1b5f0d9ad7c1': '3.10',
  c3d6457b6d8a: '3.11',
  '7d34483879f0': '3.12',
  da6fb0208061: '3.13',
  b7e4c1a90f23: '3.14',
  '6f8d9c3b2a1e': '3.14 or later',
};

interface Tables {
  tags: boolean;
  metadata: boolean;
  assessments: boolean;
  spans: boolean;
}

/**
 * One trace, or its rejection: a failure while assembling one trace (a corrupt page under its
 * spans, a trace too big to hold) is that trace's, and the store is read on.
 */
async function assembleGuarded(db: SqliteReader, row: Row, experiment: Experiment & { key: SqlValue }, storeDir: string, has: Tables): Promise<StoreEvent> {
  try {
    return await assemble(db, row, experiment, storeDir, has);
  } catch (error) {
    const traceId = String(row.request_id);
    return { type: 'rejected', traceId, location: `trace_info ${traceId}`, message: `the trace could not be assembled from the store: ${messageOf(error)}` };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The most span bytes one trace may add up to: past it, the trace is refused rather than held. */
export const MAX_TRACE_BYTES = 256 << 20;

/** One trace, whole: its info row joined with everything MLflow keeps about it. */
async function assemble(db: SqliteReader, row: Row, experiment: Experiment & { key: SqlValue }, storeDir: string, has: Tables): Promise<StoreEvent> {
  const traceId = String(row.request_id);
  const location = `trace_info ${traceId}`;
  const warnings: StoreWarning[] = [];
  const tags = has.tags ? keyValues(db, 'trace_tags', traceId) : {};
  const metadata = has.metadata ? keyValues(db, 'trace_request_metadata', traceId) : {};
  const info: Record<string, unknown> = {
    trace_id: traceId,
    ...(typeof row.client_request_id === 'string' ? { client_request_id: row.client_request_id } : {}),
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experiment.id } },
    request_time: isoMillis(row.timestamp_ms),
    state: row.status,
    trace_metadata: metadata,
    tags,
    // NULL columns are left out, as MLflow's proto JSON leaves out unset fields.
    ...(row.request_preview != null ? { request_preview: row.request_preview } : {}),
    ...(row.response_preview != null ? { response_preview: row.response_preview } : {}),
    ...(row.execution_time_ms != null ? { execution_duration_ms: Number(row.execution_time_ms) } : {}),
  };
  if (has.assessments) info.assessments = assessments(db, traceId, warnings);
  const spans = await spansOf(db, traceId, experiment, storeDir, tags, has, warnings);
  // No spans at all is said once, as spans-missing; a count only checks spans that are there.
  if (spans.json !== null) checkSpanCount(metadata['mlflow.trace.sizeStats'], spans.count, warnings);
  const trace: StoreTrace = {
    traceId,
    experimentId: experiment.id,
    location,
    trace: { info, data: { spans: [] } },
    warnings,
    ...(spans.json !== null ? { dataJson: spans.json } : {}),
  };
  return { type: 'trace', trace };
}

function keyValues(db: SqliteReader, table: 'trace_tags' | 'trace_request_metadata', traceId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of db.iterate(`SELECT key, value FROM ${table} WHERE request_id = ? ORDER BY key`, traceId)) {
    out[String(row.key)] = row.value == null ? '' : String(row.value);
  }
  return out;
}

/**
 * The assessments rows as `Assessment.to_dictionary` gives them: MLflow's SqlAssessments keeps the
 * value, error and metadata as JSON text, times as epoch milliseconds.
 */
function assessments(db: SqliteReader, traceId: string, warnings: StoreWarning[]): unknown[] {
  const out: unknown[] = [];
  for (const row of db.iterate('SELECT * FROM assessments WHERE trace_id = ? ORDER BY created_timestamp, assessment_id', traceId)) {
    const id = String(row.assessment_id);
    const json = (column: string): unknown => {
      const text = row[column];
      if (text == null) return undefined;
      const parsed = parseJsonText(String(text));
      if (parsed.ok) return parsed.value;
      warnings.push({
        code: 'store-value',
        message: `assessment ${id}: its ${column} column is not JSON (${parsed.error}); read as text`,
        jsonPath: `$.info.assessments[${out.length}]`,
      });
      return String(text);
    };
    const value = json('value');
    const error = json('error');
    const metadata = json('assessment_metadata');
    const type = String(row.assessment_type);
    const assessment: Record<string, unknown> = {
      assessment_id: id,
      assessment_name: row.name,
      trace_id: row.trace_id,
      ...(row.span_id != null ? { span_id: row.span_id } : {}),
      source: { source_type: row.source_type, ...(row.source_id != null ? { source_id: row.source_id } : {}) },
      create_time: isoMillis(row.created_timestamp),
      last_update_time: isoMillis(row.last_updated_timestamp),
    };
    if (type === 'expectation') assessment.expectation = expectationOf(value);
    else if (type === 'feedback') assessment.feedback = { value: value ?? null, ...(error !== undefined ? { error } : {}) };
    else {
      // A type this reader does not know (recent MLflow adds `issue`): kept, as feedback would be
      // misread; the normalizer names it.
      assessment.assessment_type = type;
      assessment.value = value;
    }
    if (row.rationale != null) assessment.rationale = row.rationale;
    if (metadata !== undefined && metadata !== null) assessment.metadata = metadata;
    if (row.overrides != null) assessment.overrides = row.overrides;
    if (row.valid != null) assessment.valid = row.valid === 1 || row.valid === 1n || row.valid === true;
    out.push(assessment);
  }
  return out;
}

/** An expectation as MLflow prints it: scalars as `value`, anything else serialized as JSON text. */
function expectationOf(value: unknown): Record<string, unknown> {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { value };
  return { serialized_value: { serialization_format: 'JSON_FORMAT', value: JSON.stringify(value ?? null) } };
}

/**
 * The trace's `data` as JSON text: the `spans` rows' content joined as they are (never parsed here:
 * the reader downstream parses the trace once), or the `traces.json` artifact. MLflow's rule
 * decides where to look (tag `mlflow.trace.spansLocation`); the other place is tried when the first
 * has nothing, and a trace with neither keeps its info with a `spans-missing` warning.
 */
async function spansOf(
  db: SqliteReader,
  traceId: string,
  experiment: Experiment,
  storeDir: string,
  tags: Record<string, string>,
  has: Tables,
  warnings: StoreWarning[],
): Promise<{ json: string | null; count: () => number }> {
  const fromTable = (): { json: string; count: () => number } | null => {
    if (!has.spans) return null;
    const contents: string[] = [];
    let bytes = 0;
    for (const row of db.iterate('SELECT content FROM spans WHERE trace_id = ? ORDER BY start_time_unix_nano, span_id', traceId)) {
      const content = String(row.content);
      bytes += content.length;
      if (bytes > MAX_TRACE_BYTES) throw new Error(`its spans add up to more than ${MAX_TRACE_BYTES >> 20} MB, more than one trace is read whole`);
      contents.push(content);
    }
    return contents.length === 0 ? null : { json: `{"spans":[${contents.join(',')}]}`, count: () => contents.length };
  };
  const inTable = tags['mlflow.trace.spansLocation'] === 'TRACKING_STORE';
  if (inTable) {
    const table = fromTable();
    if (table !== null) return table;
  }
  const artifact = await findTracesJson({
    storeDir,
    experimentId: experiment.id,
    traceId,
    traceArtifactUri: tags['mlflow.artifactLocation'],
    experimentArtifactUri: experiment.artifactLocation,
  });
  if (artifact.path !== null) {
    if (artifact.rerooted !== null) warnings.push({ code: 'artifact-rerooted', message: artifact.rerooted, jsonPath: '$.data' });
    const read = await readTracesJson(artifact.path);
    if (!('problem' in read)) return { json: read.text, count: () => read.spans };
    warnings.push({ code: 'spans-missing', message: `${read.problem}; the trace's info, metadata and assessments are still read`, jsonPath: '$.data.spans' });
    return { json: null, count: () => 0 };
  }
  if (!inTable) {
    const table = fromTable();
    if (table !== null) return table;
  }
  const where = inTable ? 'no rows in the spans table (tag mlflow.trace.spansLocation = TRACKING_STORE), and no traces.json' : 'no traces.json';
  warnings.push({
    code: 'spans-missing',
    message: `${where} found (looked at ${artifact.tried.join('; ')}): the trace's info, metadata and assessments are read, its spans are not in this copy of the store`,
    jsonPath: '$.data.spans',
  });
  return { json: null, count: () => 0 };
}
