// biome-ignore-all lint/suspicious/noExplicitAny: sample traces edited in place by each case; loose typing keeps the tables readable
// scripts/store-writer.mjs writes MLflow stores for tests and `make bench`: its SQLite schema must be
// the real one (compared with the real stores in test/stores, table by table) and
// its values where MLflow puts them (read back with plain SQL; expected values written out by hand
// from MLflow's rules, see the writer's header). The file store's paths and contents likewise.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { generateStore } from '../../bench/gen-store.mjs';
import { openDatabase } from '../../scripts/lib/sqlite-write.mjs';
import { MLFLOW_DDL, parseExport, tracesOf, writeExport, writeFileStore, writeSqliteStore, type ExportTrace } from '../../scripts/store-writer.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'store-writer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The real stores (test/stores/) and MLflow's own exports (test/fixtures/) copied into the repository. */
const STORES = fileURLToPath(new URL('../stores/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

async function query(dbPath: string, sql: string): Promise<Array<Record<string, any>>> {
  const db = await openDatabase(dbPath, { readOnly: true });
  try {
    return db.all(sql);
  } finally {
    db.close();
  }
}

async function masterByName(dbPath: string): Promise<Map<string, Record<string, any>>> {
  const rows = await query(dbPath, 'SELECT type, name, tbl_name, sql FROM sqlite_master');
  return new Map(rows.map((r) => [r.name as string, r]));
}

// Span texts as MLflow exports them; 19-digit times beyond 2^53 must reach the columns exactly.
const ROOT_SPAN =
  '{"trace_id": "X+qRRDvIvaef8VpauQ//lA==", "span_id": "obLD1OX2Bxg=", "parent_span_id": null, "name": "chat", ' +
  '"start_time_unix_nano": 1767607200250123456, "end_time_unix_nano": 1767607203250987654, "events": [], ' +
  '"status": {"code": "STATUS_CODE_OK", "message": ""}, "attributes": {"mlflow.spanType": "\\"AGENT\\"", "mlflow.spanInputs": "{\\"q\\": \\"h\\u00e9\\"}"}}';
const CHILD_SPAN =
  '{"trace_id": "X+qRRDvIvaef8VpauQ//lA==", "span_id": "Dx4tPEtaaXg=", "parent_span_id": "obLD1OX2Bxg=", "name": "llm", ' +
  '"start_time_unix_nano": 1767607200300000001, "end_time_unix_nano": 1767607203000000002, "events": [{"name": "exception", ' +
  '"time_unix_nano": 1767607202999999999, "attributes": {"exception.type": "ValueError"}}], ' +
  '"status": {"code": "STATUS_CODE_ERROR", "message": "boom"}, "attributes": {"mlflow.spanType": "\\"CHAT_MODEL\\""}}';

const T1 = 'tr-5fea91443bc8bda79ff15a5ab90fff94';
const T2 = 'tr-00000000000000000000000000000002';
const T3 = 'tr-00000000000000000000000000000003';
const FOREIGN = '/Users/someone/proj/mlruns/7';

function traces(): ExportTrace[] {
  const info = (id: string, exp: string, extra: Record<string, unknown>) => ({
    trace_id: id,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
    ...extra,
  });
  return [
    {
      info: info(T1, '7', {
        client_request_id: 'req-1',
        request_time: '2026-01-05T10:00:00.250Z',
        state: 'OK',
        request_preview: '{"q": "hé"}',
        response_preview: 'fine',
        execution_duration_ms: 3000,
        trace_metadata: {
          'mlflow.trace.session': 's-1',
          'mlflow.trace.user': 'émile',
          'mlflow.traceOutputs': '',
          'mlflow.trace.tokenUsage': '{"input_tokens": 10, "output_tokens": 5, "total_tokens": 15}',
        },
        tags: { 'mlflow.traceName': 'chat', 'mlflow.artifactLocation': 'file:///elsewhere', 'mlflow.trace.spansLocation': 'TRACKING_STORE' },
        assessments: [
          {
            assessment_id: 'a-1',
            assessment_name: 'relevance',
            trace_id: T1,
            source: { source_type: 'LLM_JUDGE', source_id: 'gpt' },
            create_time: '2026-01-05T10:00:03Z',
            last_update_time: '2026-01-05T10:00:04.500Z',
            feedback: { value: 'yes' },
            rationale: 'ok',
            metadata: { 'mlflow.assessment.judgeCost': '0.001' },
            valid: false,
          },
          {
            assessment_id: 'a-2',
            assessment_name: 'relevance',
            trace_id: T1,
            source: { source_type: 'HUMAN', source_id: 'ana' },
            create_time: '2026-01-05T10:05:00Z',
            last_update_time: '2026-01-05T10:05:00Z',
            feedback: { value: false },
            overrides: 'a-1',
            valid: true,
            span_id: 'a1b2c3d4e5f60718',
          },
          {
            assessment_id: 'a-3',
            assessment_name: 'safety',
            trace_id: T1,
            source: { source_type: 'LLM_JUDGE', source_id: 'gpt' },
            create_time: '2026-01-05T10:05:00Z',
            last_update_time: '2026-01-05T10:05:00Z',
            feedback: { value: null, error: { error_code: 'RATE_LIMIT', error_message: 'slow down' } },
          },
          {
            assessment_id: 'a-4',
            assessment_name: 'expected_facts',
            trace_id: T1,
            source: { source_type: 'HUMAN', source_id: 'ana' },
            create_time: '2026-01-05T10:05:00Z',
            last_update_time: '2026-01-05T10:05:00Z',
            expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: '["a","b"]' } },
          },
        ],
      }),
      data: { spans: [ROOT_SPAN, CHILD_SPAN] },
    },
    {
      info: info(T2, '7', { request_time: '2026-01-05T10:05:00Z', state: 'ERROR', execution_duration_ms: 12, trace_metadata: {}, tags: {} }),
      data: {
        spans: [
          {
            trace_id: 'AA==',
            span_id: 'ESIzRFVmd4g=',
            parent_span_id: null,
            name: 'solo',
            start_time_unix_nano: 1767607500000000000n,
            end_time_unix_nano: 1767607500012000000n,
            events: [],
            status: { code: 'STATUS_CODE_UNSET', message: '' },
            attributes: {},
          },
        ],
      },
    },
    { info: info(T3, '9', { request_time: '2026-01-05T11:00:00.999Z', state: 'IN_PROGRESS', trace_metadata: { k: 'v' }, tags: {} }), data: { spans: [] } },
  ];
}
const EXPERIMENTS = [{ experiment_id: '7', name: 'chat-app', artifact_location: FOREIGN }];

describe("the SQLite schema is MLflow's own", () => {
  for (const [generation, fixture] of [
    ['3.9', 'sqlite_3.9__dric2018_chat-app'],
    ['3.8', 'sqlite_3.8.1__Qredence_skill-fleet'],
  ] as const) {
    it(`schema ${generation} equals the real store's sqlite_master, table by table`, async () => {
      const db = join(tmp, `schema-${generation}`, 'mlflow.db');
      await writeSqliteStore(db, [], { schema: generation });
      const real = await masterByName(join(STORES, fixture, 'mlflow.db'));
      const written = await masterByName(db);
      expect([...written.keys()].sort()).toEqual([...real.keys()].sort());
      for (const [name, entry] of real) expect(written.get(name), name).toEqual(entry);
      const realHead = await query(join(STORES, fixture, 'mlflow.db'), 'SELECT version_num FROM alembic_version');
      expect(await query(db, 'SELECT version_num FROM alembic_version')).toEqual(realHead);
    });
  }

  it('schema 2.21 (head 0584bdc529eb) has a 5-column trace_info and neither assessments nor spans', async () => {
    const db = join(tmp, 'schema-2.21', 'mlflow.db');
    await writeSqliteStore(db, [], { schema: '2.21' });
    const tables = (await query(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name);
    expect(tables).toEqual([
      'alembic_version',
      'datasets',
      'experiment_tags',
      'experiments',
      'input_tags',
      'inputs',
      'latest_metrics',
      'metrics',
      'model_version_tags',
      'model_versions',
      'params',
      'registered_model_aliases',
      'registered_model_tags',
      'registered_models',
      'runs',
      'tags',
      'trace_info',
      'trace_request_metadata',
      'trace_tags',
    ]);
    expect((await query(db, 'PRAGMA table_info(trace_info)')).map((r) => r.name)).toEqual(['request_id', 'experiment_id', 'timestamp_ms', 'execution_time_ms', 'status']);
    expect((await query(db, 'PRAGMA table_info(inputs)')).map((r) => r.name)).toEqual(['input_uuid', 'source_type', 'source_id', 'destination_type', 'destination_id']);
    expect(await query(db, 'SELECT version_num FROM alembic_version')).toEqual([{ version_num: '0584bdc529eb' }]);
    expect(MLFLOW_DDL.schemas['2.21']?.alembic_head).toBe('0584bdc529eb');
  });
});

describe('values go where MLflow puts them (read back with plain SQL)', () => {
  const db = join(tmp, 'table', 'mlflow.db');
  it('spans in the table', async () => {
    expect(await writeSqliteStore(db, traces(), { experiments: EXPERIMENTS })).toEqual({ traces: 3, spans: 3, assessments: 4, artifacts: 0, assessmentsNotStored: 0 });
    expect(await query(db, 'SELECT experiment_id, name, artifact_location, lifecycle_stage FROM experiments ORDER BY experiment_id')).toEqual([
      { experiment_id: 0, name: 'Default', artifact_location: join(tmp, 'table', 'mlruns', '0'), lifecycle_stage: 'active' },
      { experiment_id: 7, name: 'chat-app', artifact_location: FOREIGN, lifecycle_stage: 'active' },
      { experiment_id: 9, name: 'experiment-9', artifact_location: join(tmp, 'table', 'mlruns', '9'), lifecycle_stage: 'active' },
    ]);
    expect(await query(db, 'SELECT * FROM trace_info ORDER BY timestamp_ms')).toEqual([
      { request_id: T1, experiment_id: 7, timestamp_ms: 1767607200250, execution_time_ms: 3000, status: 'OK', client_request_id: 'req-1', request_preview: '{"q": "hé"}', response_preview: 'fine' },
      { request_id: T2, experiment_id: 7, timestamp_ms: 1767607500000, execution_time_ms: 12, status: 'ERROR', client_request_id: null, request_preview: null, response_preview: null },
      { request_id: T3, experiment_id: 9, timestamp_ms: 1767610800999, execution_time_ms: null, status: 'IN_PROGRESS', client_request_id: null, request_preview: null, response_preview: null },
    ]);
    expect(await query(db, `SELECT "key", value FROM trace_tags WHERE request_id = '${T1}' ORDER BY "key"`)).toEqual([
      { key: 'mlflow.artifactLocation', value: `${FOREIGN}/traces/${T1}/artifacts` },
      { key: 'mlflow.trace.spansLocation', value: 'TRACKING_STORE' },
      { key: 'mlflow.traceName', value: 'chat' },
    ]);
    expect(await query(db, `SELECT "key", value FROM trace_request_metadata WHERE request_id = '${T1}' ORDER BY "key"`)).toEqual([
      { key: 'mlflow.trace.session', value: 's-1' },
      { key: 'mlflow.trace.tokenUsage', value: '{"input_tokens": 10, "output_tokens": 5, "total_tokens": 15}' },
      { key: 'mlflow.trace.user', value: 'émile' },
      { key: 'mlflow.traceOutputs', value: '' },
    ]);
    expect(await query(db, 'SELECT request_id, "key", value FROM trace_metrics ORDER BY "key"')).toEqual([
      { request_id: T1, key: 'input_tokens', value: 10 },
      { request_id: T1, key: 'output_tokens', value: 5 },
      { request_id: T1, key: 'total_tokens', value: 15 },
    ]);
    const spans = await query(
      db,
      'SELECT trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, ' + 'end_time_unix_nano, duration_ns, content FROM spans ORDER BY start_time_unix_nano',
    );
    expect(spans).toEqual([
      {
        trace_id: T1,
        experiment_id: 7,
        span_id: 'a1b2c3d4e5f60718',
        parent_span_id: null,
        name: 'chat',
        type: 'AGENT',
        status: 'OK',
        start_time_unix_nano: 1767607200250123456n,
        end_time_unix_nano: 1767607203250987654n,
        duration_ns: 3000864198,
        content: ROOT_SPAN,
      },
      {
        trace_id: T1,
        experiment_id: 7,
        span_id: '0f1e2d3c4b5a6978',
        parent_span_id: 'a1b2c3d4e5f60718',
        name: 'llm',
        type: 'CHAT_MODEL',
        status: 'ERROR',
        start_time_unix_nano: 1767607200300000001n,
        end_time_unix_nano: 1767607203000000002n,
        duration_ns: 2700000001,
        content: CHILD_SPAN,
      },
      {
        trace_id: T2,
        experiment_id: 7,
        span_id: '1122334455667788',
        parent_span_id: null,
        name: 'solo',
        type: null,
        status: 'UNSET',
        start_time_unix_nano: 1767607500000000000n,
        end_time_unix_nano: 1767607500012000000n,
        duration_ns: 12000000,
        content:
          '{"trace_id": "AA==", "span_id": "ESIzRFVmd4g=", "parent_span_id": null, "name": "solo", "start_time_unix_nano": ' +
          '1767607500000000000, "end_time_unix_nano": 1767607500012000000, "events": [], "status": {"code": "STATUS_CODE_UNSET", ' +
          '"message": ""}, "attributes": {}}',
      },
    ]);
    expect(await query(db, 'SELECT * FROM assessments ORDER BY assessment_id')).toEqual([
      {
        assessment_id: 'a-1',
        trace_id: T1,
        name: 'relevance',
        assessment_type: 'feedback',
        value: '"yes"',
        error: null,
        created_timestamp: 1767607203000,
        last_updated_timestamp: 1767607204500,
        source_type: 'LLM_JUDGE',
        source_id: 'gpt',
        run_id: null,
        span_id: null,
        rationale: 'ok',
        overrides: null,
        valid: 0,
        assessment_metadata: '{"mlflow.assessment.judgeCost": "0.001"}',
      },
      {
        assessment_id: 'a-2',
        trace_id: T1,
        name: 'relevance',
        assessment_type: 'feedback',
        value: 'false',
        error: null,
        created_timestamp: 1767607500000,
        last_updated_timestamp: 1767607500000,
        source_type: 'HUMAN',
        source_id: 'ana',
        run_id: null,
        span_id: 'a1b2c3d4e5f60718',
        rationale: null,
        overrides: 'a-1',
        valid: 1,
        assessment_metadata: null,
      },
      {
        assessment_id: 'a-3',
        trace_id: T1,
        name: 'safety',
        assessment_type: 'feedback',
        value: 'null',
        error: '{"error_code": "RATE_LIMIT", "error_message": "slow down"}',
        created_timestamp: 1767607500000,
        last_updated_timestamp: 1767607500000,
        source_type: 'LLM_JUDGE',
        source_id: 'gpt',
        run_id: null,
        span_id: null,
        rationale: null,
        overrides: null,
        valid: 1,
        assessment_metadata: null,
      },
      {
        assessment_id: 'a-4',
        trace_id: T1,
        name: 'expected_facts',
        assessment_type: 'expectation',
        value: '["a", "b"]',
        error: null,
        created_timestamp: 1767607500000,
        last_updated_timestamp: 1767607500000,
        source_type: 'HUMAN',
        source_id: 'ana',
        run_id: null,
        span_id: null,
        rationale: null,
        overrides: null,
        valid: 1,
        assessment_metadata: null,
      },
    ]);
    expect(readFileSync(db).subarray(18, 20)).toEqual(Buffer.from([1, 1]));
    expect(existsSync(`${db}-wal`)).toBe(false);
  });

  it('spans in artifacts, in WAL mode with the -wal not checkpointed', async () => {
    const dir = join(tmp, 'wal');
    const wal = join(dir, 'mlflow.db');
    const root = join(dir, 'artifacts-here');
    expect(await writeSqliteStore(wal, traces(), { spansIn: 'artifacts', wal: true, artifactRoot: root, experiments: EXPERIMENTS })).toEqual({
      traces: 3,
      spans: 3,
      assessments: 4,
      artifacts: 3,
      assessmentsNotStored: 0,
    });
    expect(readFileSync(wal).subarray(18, 20)).toEqual(Buffer.from([2, 2]));
    expect(statSync(`${wal}-wal`).size).toBeGreaterThan(0);
    expect(existsSync(`${wal}-shm`)).toBe(true);
    // The database file alone holds nothing yet: every row is in the -wal.
    copyFileSync(wal, join(tmp, 'alone.db'));
    expect(await query(join(tmp, 'alone.db'), 'SELECT count(*) AS n FROM sqlite_master')).toEqual([{ n: 0 }]);
    expect(await query(wal, 'SELECT count(*) AS n FROM spans')).toEqual([{ n: 0 }]);
    expect(await query(wal, `SELECT "key", value FROM trace_tags WHERE request_id = '${T1}' ORDER BY "key"`)).toEqual([
      { key: 'mlflow.artifactLocation', value: `${FOREIGN}/traces/${T1}/artifacts` },
      { key: 'mlflow.traceName', value: 'chat' },
    ]);
    expect(await query(wal, `SELECT value FROM trace_tags WHERE request_id = '${T3}'`)).toEqual([{ value: `${join(root, '9')}/traces/${T3}/artifacts` }]);
    expect(readFileSync(join(root, '7', 'traces', T1, 'artifacts', 'traces.json'), 'utf8')).toBe(`{"spans": [${ROOT_SPAN}, ${CHILD_SPAN}]}`);
    expect(readFileSync(join(root, '9', 'traces', T3, 'artifacts', 'traces.json'), 'utf8')).toBe('{"spans": []}');
  });

  it('a 2.21 store: five trace_info columns, spans in artifacts, assessments counted as not stored', async () => {
    const db = join(tmp, 'v2', 'mlflow.db');
    expect(await writeSqliteStore(db, traces(), { schema: '2.21' })).toEqual({ traces: 3, spans: 3, assessments: 0, artifacts: 3, assessmentsNotStored: 4 });
    expect(await query(db, 'SELECT * FROM trace_info ORDER BY timestamp_ms LIMIT 1')).toEqual([
      { request_id: T1, experiment_id: 7, timestamp_ms: 1767607200250, execution_time_ms: 3000, status: 'OK' },
    ]);
    // traces.json as 2.x wrote it: V2 spans (hex ids, parent_id, status_code, events with timestamp), request/response.
    expect(readFileSync(join(tmp, 'v2', 'mlruns', '7', 'traces', T1, 'artifacts', 'traces.json'), 'utf8')).toBe(
      `{"spans": [` +
        `{"name": "chat", "context": {"span_id": "a1b2c3d4e5f60718", "trace_id": "5fea91443bc8bda79ff15a5ab90fff94"}, "parent_id": null, ` +
        `"start_time": 1767607200250123456, "end_time": 1767607203250987654, "status_code": "OK", "status_message": "", ` +
        String.raw`"attributes": {"mlflow.spanType": "\"AGENT\"", "mlflow.spanInputs": "{\"q\": \"h\u00e9\"}"}, "events": []}, ` +
        `{"name": "llm", "context": {"span_id": "0f1e2d3c4b5a6978", "trace_id": "5fea91443bc8bda79ff15a5ab90fff94"}, ` +
        `"parent_id": "a1b2c3d4e5f60718", "start_time": 1767607200300000001, "end_time": 1767607203000000002, "status_code": "ERROR", ` +
        String.raw`"status_message": "boom", "attributes": {"mlflow.spanType": "\"CHAT_MODEL\""}, "events": [{"name": "exception", ` +
        `"timestamp": 1767607202999999999, "attributes": {"exception.type": "ValueError"}}]}], ` +
        String.raw`"request": "{\"q\": \"h\u00e9\"}", "response": null}`,
    );
    expect(existsSync(join(tmp, 'v2', 'mlruns', '7', 'traces', T2, 'artifacts', 'traces.json'))).toBe(true);
    await expect(writeSqliteStore(join(tmp, 'v2b', 'mlflow.db'), [], { schema: '2.21', spansIn: 'table' })).rejects.toThrow(/no spans table/);
  });
});

function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

describe('the file store layout', () => {
  it('3.x: trace_info.yaml, request_metadata/, tags/, assessments/, artifacts/traces.json, meta.yaml', async () => {
    const mlruns = join(tmp, 'fs3', 'mlruns');
    expect(await writeFileStore(mlruns, traces(), { experiments: EXPERIMENTS })).toEqual({ traces: 3, spans: 3, assessments: 4, artifacts: 3, assessmentsNotStored: 0 });
    const t1 = `7/traces/${T1}`;
    expect(tree(mlruns)).toEqual(
      [
        '0/meta.yaml',
        '7/meta.yaml',
        `7/traces/${T1}/artifacts/traces.json`,
        ...['a-1', 'a-2', 'a-3', 'a-4'].map((a) => `${t1}/assessments/${a}.yaml`),
        `${t1}/request_metadata/mlflow.trace.session`,
        `${t1}/request_metadata/mlflow.trace.tokenUsage`,
        `${t1}/request_metadata/mlflow.trace.user`,
        `${t1}/request_metadata/mlflow.traceOutputs`,
        `${t1}/tags/mlflow.artifactLocation`,
        `${t1}/tags/mlflow.traceName`,
        `${t1}/trace_info.yaml`,
        `7/traces/${T2}/artifacts/traces.json`,
        `7/traces/${T2}/tags/mlflow.artifactLocation`,
        `7/traces/${T2}/trace_info.yaml`,
        '9/meta.yaml',
        `9/traces/${T3}/artifacts/traces.json`,
        `9/traces/${T3}/request_metadata/k`,
        `9/traces/${T3}/tags/mlflow.artifactLocation`,
        `9/traces/${T3}/trace_info.yaml`,
      ].sort(),
    );
    const read = (p: string) => readFileSync(join(mlruns, p), 'utf8');
    expect(parseYaml(read(`${t1}/trace_info.yaml`))).toEqual({
      trace_id: T1,
      client_request_id: 'req-1',
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '7' } },
      request_time: '2026-01-05T10:00:00.250Z',
      state: 'OK',
      request_preview: '{"q": "hé"}',
      response_preview: 'fine',
      execution_duration_ms: 3000,
    });
    // MLflow writes YAML with sorted keys.
    expect(
      read(`${t1}/trace_info.yaml`)
        .split('\n')
        .filter((l) => /^\w/.test(l))
        .map((l) => l.split(':')[0]),
    ).toEqual(['client_request_id', 'execution_duration_ms', 'request_preview', 'request_time', 'response_preview', 'state', 'trace_id', 'trace_location']);
    expect(read(`${t1}/request_metadata/mlflow.trace.user`)).toBe('émile');
    expect(read(`${t1}/request_metadata/mlflow.traceOutputs`)).toBe('');
    expect(read(`${t1}/tags/mlflow.artifactLocation`)).toBe(`${FOREIGN}/traces/${T1}/artifacts`);
    expect(read(`9/traces/${T3}/tags/mlflow.artifactLocation`)).toBe(`file://${mlruns}/9/traces/${T3}/artifacts`);
    expect(parseYaml(read(`${t1}/assessments/a-3.yaml`))).toEqual({
      assessment_id: 'a-3',
      assessment_name: 'safety',
      trace_id: T1,
      source: { source_type: 'LLM_JUDGE', source_id: 'gpt' },
      create_time: '2026-01-05T10:05:00Z',
      last_update_time: '2026-01-05T10:05:00Z',
      feedback: { value: null, error: { error_code: 'RATE_LIMIT', error_message: 'slow down' } },
    });
    expect(parseYaml(read('7/meta.yaml'))).toEqual({
      artifact_location: FOREIGN,
      creation_time: 1767571200000,
      experiment_id: '7',
      last_update_time: 1767571200000,
      lifecycle_stage: 'active',
      name: 'chat-app',
    });
    expect(read(`7/traces/${T1}/artifacts/traces.json`)).toBe(`{"spans": [${ROOT_SPAN}, ${CHILD_SPAN}]}`);
  });

  it("2.x with mlflow server's artifacts beside: V2 trace_info.yaml, mlflow-artifacts:/ URIs, traces.json under mlartifacts/", async () => {
    const mlruns = join(tmp, 'fs2', 'mlruns');
    expect(await writeFileStore(mlruns, traces().slice(0, 2), { v2: true, artifactsBeside: true })).toEqual({ traces: 2, spans: 3, assessments: 0, artifacts: 2, assessmentsNotStored: 4 });
    expect(tree(join(tmp, 'fs2', 'mlartifacts'))).toEqual([`7/traces/${T2}/artifacts/traces.json`, `7/traces/${T1}/artifacts/traces.json`]);
    expect(existsSync(join(mlruns, '7', 'traces', T1, 'artifacts'))).toBe(false);
    expect(existsSync(join(mlruns, '7', 'traces', T1, 'assessments'))).toBe(false);
    expect(readFileSync(join(mlruns, '7', 'traces', T2, 'trace_info.yaml'), 'utf8')).toBe(
      `assessments: []\nexecution_time_ms: 12\nexperiment_id: '7'\nrequest_id: ${T2}\nstatus: ERROR\ntimestamp_ms: 1767607500000\n`,
    );
    expect(readFileSync(join(mlruns, '7', 'traces', T1, 'tags', 'mlflow.artifactLocation'), 'utf8')).toBe(`mlflow-artifacts:/7/traces/${T1}/artifacts`);
    expect(parseYaml(readFileSync(join(mlruns, '7', 'meta.yaml'), 'utf8')).artifact_location).toBe('mlflow-artifacts:/7');
  });
});

describe('the export of the same traces', () => {
  it("gives back `mlflow traces search --output json`'s own bytes", async () => {
    for (const name of ['v3.6_cli_traces_search_output_json.json', 'v3.4_cli_traces_search_output_json.json']) {
      const text = readFileSync(join(FIXTURES, name), 'utf8');
      const out = join(tmp, name);
      await writeExport(out, tracesOf(parseExport(text)));
      expect(readFileSync(out, 'utf8')).toBe(text);
    }
  });

  it('writes JSON Lines and an empty search document', async () => {
    const out = join(tmp, 'e.jsonl');
    expect(await writeExport(out, traces(), { format: 'jsonl' })).toEqual({ traces: 3, bytes: statSync(out).size });
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines.length).toBe(4);
    expect(lines[3]).toBe('');
    expect(JSON.parse(lines[2] ?? '')).toEqual({ info: traces()[2]?.info, data: { spans: [] } });
    expect(lines[0]).toContain(`"spans": [${ROOT_SPAN}, ${CHILD_SPAN}]`);
    await writeExport(join(tmp, 'empty.json'), []);
    expect(readFileSync(join(tmp, 'empty.json'), 'utf8')).toBe('{\n  "traces": [],\n  "next_page_token": null\n}\n');
  });
});

describe('bench/gen-store.mjs', () => {
  it('writes one stream of traces three ways: the export, spans in the table, spans in artifacts', async () => {
    const dir = join(tmp, 'gen');
    const summary = await generateStore({ dir, bytes: 2e6, seed: 7 });
    const lines = readFileSync(summary.forms.export.path, 'utf8').split('\n').filter(Boolean);
    expect(summary.traces).toBe(lines.length);
    expect(summary.forms.export.bytes).toBeGreaterThanOrEqual(2e6);
    const table = summary.forms.table.path;
    const art = summary.forms.artifacts.path;
    expect(await query(table, 'SELECT count(*) AS n FROM trace_info')).toEqual([{ n: lines.length }]);
    expect(await query(art, 'SELECT count(*) AS n FROM trace_info')).toEqual([{ n: lines.length }]);
    expect(await query(art, 'SELECT count(*) AS n FROM spans')).toEqual([{ n: 0 }]);
    let spans = 0;
    for (const line of lines) {
      // Each export line's spans are the table's content column and the artifact's spans, text for text.
      const spansText = /"data": \{"spans": \[(.*)\]\}\}$/.exec(line)?.[1] ?? '';
      const { info } = JSON.parse(line) as ExportTrace;
      const rows = await query(table, `SELECT content FROM spans WHERE trace_id = '${info.trace_id}' ORDER BY rowid`);
      expect(rows.map((r) => r.content).join(', ')).toBe(spansText);
      const exp = info.trace_location.mlflow_experiment.experiment_id;
      expect(readFileSync(join(dir, 'store-artifacts', 'mlruns', exp, 'traces', info.trace_id, 'artifacts', 'traces.json'), 'utf8')).toBe(`{"spans": [${spansText}]}`);
      expect(info.tags['mlflow.artifactLocation']).toBe(`${join(dir, 'store-table', 'mlruns', exp)}/traces/${info.trace_id}/artifacts`);
      spans += rows.length;
    }
    expect(summary.spans).toBe(spans);
  });
});
