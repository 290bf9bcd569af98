import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../scripts/lib/sqlite-write.mjs';
import { MLFLOW_DDL, parseExport, tracesOf, writeSqliteStore } from '../../scripts/store-writer.mjs';
import { makeWorkspace, REPO_ROOT, runCliAsync } from '../helpers/make-inputs.js';

// MLflow SQLite tracking stores read as inputs of every command (issue 13), over the two real
// stores of test/fixtures/mlflow-stores. Expected values were counted independently of
// tracetriage, with Python's sqlite3 on the fixture files:
//   SELECT request_id, experiment_id, timestamp_ms, execution_time_ms, status FROM trace_info
//     ORDER BY timestamp_ms, request_id;
//   SELECT count(*), group_concat(name) FROM spans WHERE trace_id = ?;
// and agree with test/fixtures/mlflow-stores/SOURCES.md.

const STORES = join(REPO_ROOT, 'test', 'stores');
const SKILL_FLEET = join(STORES, 'sqlite_3.8.1__Qredence_skill-fleet', 'mlflow.db');
const CHAT_APP = join(STORES, 'sqlite_3.9__dric2018_chat-app', 'mlflow.db');
const TIMEOUT = 120_000;

const ws = makeWorkspace('tracetriage-store-sqlite-');
afterAll(() => ws.cleanup());

interface ExportedTrace {
  info: { trace_id: string; state: string; request_time: string; execution_duration_ms?: number; trace_location: { mlflow_experiment: { experiment_id: string } }; tags: Record<string, string> };
  data: { spans: Array<{ name: string }> };
}

async function searchJson(args: readonly string[]): Promise<{ traces: ExportedTrace[]; status: number | null; stderr: string }> {
  const run = await runCliAsync(['search', ...args, '--order-by', 'timestamp_ms ASC', '--output', 'json']);
  const out = JSON.parse(run.stdout) as { traces: ExportedTrace[] };
  return { traces: out.traces, status: run.status, stderr: run.stderr };
}

const CHAT_APP_TRACES: Array<[string, number, number, string]> = [
  // trace id, timestamp_ms, execution_time_ms, status
  ['tr-89773fb3ea11e37bc978780abeece6e3', 1770990942826, 284, 'ERROR'],
  ['tr-3ec54a2293d019d393c5eacc0b179e55', 1771004399085, 25, 'ERROR'],
  ['tr-f2424992d424534c5bf6c9200f7a534a', 1771004750570, 26, 'ERROR'],
  ['tr-cafc5d5455a51e69dfb2156b3aee0a52', 1771005840684, 37300, 'OK'],
  ['tr-a319333328629bc3a62fc2d91b7111f8', 1771005900449, 37575, 'OK'],
];

describe('a real MLflow 3.9 store (chat-app): every trace, as an export would give it', () => {
  it(
    'search prints the store trace by trace: ids, states, request times, durations, experiment, one ChatOpenAI span each',
    async () => {
      const { traces, status } = await searchJson([CHAT_APP]);
      expect(status).toBe(0);
      expect(traces.map((t) => [t.info.trace_id, Date.parse(t.info.request_time), t.info.execution_duration_ms, t.info.state])).toEqual(CHAT_APP_TRACES);
      for (const t of traces) {
        expect(t.info.trace_location.mlflow_experiment.experiment_id).toBe('1');
        expect(t.data.spans.map((s) => s.name)).toEqual(['ChatOpenAI']);
        expect(t.info.tags['mlflow.trace.spansLocation']).toBe('TRACKING_STORE');
      }
    },
    TIMEOUT,
  );

  it(
    'stats counts 5 traces, 5 spans, 3 error traces, no session, no assessment; the store is named with its schema',
    async () => {
      const run = await runCliAsync(['stats', CHAT_APP, '--format', 'json']);
      expect(run.status).toBe(0);
      const stats = JSON.parse(run.stdout) as { total: Record<string, unknown>; notes: Array<{ kind: string; message: string }> };
      expect(stats.total).toMatchObject({ records: 5, traces: 5, spans: 5, error_traces: 3, error_spans: 3, sessions: 0, rejected: 0, bytes: 626688 });
      expect(stats.total.assessments).toMatchObject({ total: 0 });
      expect(stats.notes.filter((n) => n.kind === 'store').map((n) => n.message)).toEqual([
        expect.stringMatching(/^an MLflow SQLite store, schema revision d3e4f5a6b7c8 \(MLflow 3\.9; read with (node:sqlite|better-sqlite3)\)$/),
        '5 traces in 2 experiments read',
      ]);
    },
    TIMEOUT,
  );

  it(
    'validate names a trace of the store by its place in it, and the counts reconcile',
    async () => {
      const run = await runCliAsync(['validate', CHAT_APP, '--format', 'json']);
      expect(run.status).toBe(0);
      const out = JSON.parse(run.stdout) as { records: number; valid: number; rejected: number };
      expect(out).toMatchObject({ records: 5, valid: 5, rejected: 0 });
    },
    TIMEOUT,
  );

  it(
    '--experiment-name and --experiment-id select as MLflow names them; an unknown one is said',
    async () => {
      const byName = await searchJson([CHAT_APP, '--experiment-name', 'chat-app']);
      expect(byName.traces).toHaveLength(5);
      const byId = await searchJson([CHAT_APP, '--experiment-id', '0']);
      expect(byId.traces).toHaveLength(0);
      const unknown = await runCliAsync(['stats', CHAT_APP, '--experiment-id', '42', '--format', 'json']);
      const notes = (JSON.parse(unknown.stdout) as { notes: Array<{ kind: string; message: string }> }).notes;
      expect(notes.map((n) => n.message)).toContain('no experiment with id 42 in this store');
      expect(notes.map((n) => n.kind)).toContain('no-traces');
    },
    TIMEOUT,
  );
});

describe('a real MLflow 3.8.1 store (skill-fleet), named as MLflow spells its URI', () => {
  it(
    'sqlite:///<path> reads the one DSPy trace with its five spans',
    async () => {
      const { traces, status } = await searchJson([`sqlite:///${SKILL_FLEET}`]);
      expect(status).toBe(0);
      expect(traces.map((t) => [t.info.trace_id, t.info.state, Date.parse(t.info.request_time), t.info.execution_duration_ms])).toEqual([
        ['tr-27d8b87f6b0833fb13eb9b7d83854e00', 'OK', 1769167852998, 1196],
      ]);
      expect(traces[0]!.data.spans.map((s) => s.name).sort()).toEqual(['ChatAdapter.format', 'ChatAdapter.parse', 'LM.__call__', 'Predict.forward', 'SimpleProgram.forward'].sort());
    },
    TIMEOUT,
  );
});

describe('experiment ids as MLflow makes them', () => {
  it(
    'an 18-digit experiment id (past 2^53) reads its own traces and selects by --experiment-id exactly',
    async () => {
      // One of the samples' traces, moved to experiment 195861386801629996: as a double that id
      // rounds to 195861386801629984, another experiment.
      const id = '195861386801629996';
      const trace = smokeTrace();
      (trace.info as { trace_location: { mlflow_experiment: { experiment_id: string } } }).trace_location.mlflow_experiment.experiment_id = id;
      const db = join(ws.dir, 'big-ids', 'mlflow.db');
      await writeSqliteStore(db, [trace], { experiments: [{ experiment_id: id, name: 'big' }] });
      const all = await searchJson([db]);
      expect(all.traces.map((t) => t.info.trace_location.mlflow_experiment.experiment_id)).toEqual([id]);
      expect((await searchJson([db, '--experiment-id', id])).traces).toHaveLength(1);
      expect((await searchJson([db, '--experiment-id', '195861386801629984'])).traces).toHaveLength(0);
    },
    TIMEOUT,
  );
});

/** The samples' trace without a session, as an export-shape object. */
function smokeTrace(): ReturnType<typeof tracesOf>[number] {
  return tracesOf(parseExport(readFileSync(join(REPO_ROOT, 'samples', 'traces', 'no-session-smoke-test.json'), 'utf8')))[0]!;
}

describe('stores that are partial, old or newer than this reader', () => {
  it(
    'a store of MLflow before traces existed (experiments, no trace tables): said, a no-traces note, exit 0',
    async () => {
      const path = join(ws.dir, 'old', 'mlflow.db');
      mkdirSync(join(ws.dir, 'old'), { recursive: true });
      const db = await openDatabase(path);
      // The 2.21 schema's experiments table and alembic_version, at a head from before 2.13.
      for (const entry of MLFLOW_DDL.schemas['2.21']!.entries) if (entry.sql && (entry.tbl_name === 'experiments' || entry.tbl_name === 'alembic_version')) db.exec(entry.sql);
      db.run('INSERT INTO alembic_version (version_num) VALUES (?)', '451aebb31d03');
      db.run("INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage) VALUES (0, 'Default', './mlruns/0', 'active')");
      db.close();
      const run = await runCliAsync(['stats', path, '--format', 'json']);
      expect(run.status).toBe(0);
      const notes = (JSON.parse(run.stdout) as { notes: Array<{ kind: string; message: string }> }).notes;
      expect(notes.map((n) => [n.kind, n.message])).toEqual([
        ['store', expect.stringMatching(/^an MLflow SQLite store at schema revision 451aebb31d03, one tracetriage does not know/)],
        ['store', 'this store has no trace tables (MLflow before 2.13 made none): no traces'],
        ['no-traces', 'the store holds no trace (in the experiments read)'],
      ]);
    },
    TIMEOUT,
  );

  it(
    'a schema revision newer than this reader: named, and the store read by column names',
    async () => {
      const path = join(ws.dir, 'newer', 'mlflow.db');
      await writeSqliteStore(path, [smokeTrace()], {});
      const db = await openDatabase(path);
      db.run('UPDATE alembic_version SET version_num = ?', 'ffff00001111');
      db.close();
      const run = await runCliAsync(['stats', path, '--format', 'json']);
      const out = JSON.parse(run.stdout) as { total: { traces: number }; notes: Array<{ message: string }> };
      expect([run.status, out.total.traces]).toEqual([0, 1]);
      expect(out.notes[0]!.message).toMatch(/^an MLflow SQLite store at schema revision ffff00001111, one tracetriage does not know \(newer than it\?\): read by column names/);
    },
    TIMEOUT,
  );

  it(
    'an MLflow 2.x store (head 0584bdc529eb: 5-column trace_info, spans only in traces.json in the 2.x span shape) reads as the export does, but for assessments it cannot hold',
    async () => {
      const traces = tracesOf(parseExport(readFileSync(join(REPO_ROOT, 'samples', 'search-sess-refund-7f3a.json'), 'utf8')));
      const path = join(ws.dir, 'v2', 'mlflow.db');
      await writeSqliteStore(path, traces, { schema: '2.21' });
      const [store, exported] = await Promise.all([
        runCliAsync(['sessions', path, '--format', 'json']),
        runCliAsync(['sessions', join(REPO_ROOT, 'samples', 'search-sess-refund-7f3a.json'), '--format', 'json']),
      ]);
      type Sessions = { sessions: Array<{ session_id: string; turns: number; turns_with_errors: number; trace_ids: string[]; failing_assessments: number }> };
      const pick = (doc: Sessions) => doc.sessions.map((s) => [s.session_id, s.turns, s.turns_with_errors, s.trace_ids]);
      expect(pick(JSON.parse(store.stdout) as Sessions)).toEqual(pick(JSON.parse(exported.stdout) as Sessions));
      expect((JSON.parse(store.stdout) as Sessions).sessions[0]!.failing_assessments).toBe(0);
      const stats = JSON.parse((await runCliAsync(['stats', path, '--format', 'json'])).stdout) as { notes: Array<{ message: string }> };
      expect(stats.notes[0]!.message).toMatch(/^an MLflow SQLite store, schema revision 0584bdc529eb \(MLflow 2\.18-2\.21;/);
    },
    TIMEOUT,
  );

  it(
    'a trace whose traces.json is not in this copy of the store: read with its info, a spans-missing warning naming where it looked',
    async () => {
      const [trace] = [smokeTrace()];
      const path = join(ws.dir, 'noart', 'mlflow.db');
      await writeSqliteStore(path, [trace!], { spansIn: 'artifacts' });
      rmSync(join(ws.dir, 'noart', 'mlruns'), { recursive: true });
      const run = await runCliAsync(['validate', path, '--format', 'json']);
      const out = JSON.parse(run.stdout) as { records: number; valid: number; warnings: Array<{ code: string; message: string; within?: string }> };
      expect([run.status, out.records, out.valid]).toEqual([0, 1, 1]);
      expect(out.warnings.map((w) => w.code)).toEqual(['spans-missing']);
      expect(out.warnings[0]!.message).toMatch(/^no traces\.json found \(looked at .*\): the trace's info, metadata and assessments are read, its spans are not in this copy of the store$/);
      expect(out.warnings[0]!.within).toBe(`trace_info ${(trace!.info as { trace_id: string }).trace_id}`);
    },
    TIMEOUT,
  );
});

describe('a store in a directory is read as a store, and what is not one is named once', () => {
  it(
    'a folder holding mlflow.db (a folder named mlruns that holds only the database) is read as the store',
    async () => {
      const dir = join(ws.dir, 'project', 'mlruns');
      mkdirSync(dir, { recursive: true });
      copyFileSync(CHAT_APP, join(dir, 'mlflow.db'));
      const run = await runCliAsync(['sessions', join(ws.dir, 'project'), '--format', 'json']);
      expect(run.status).toBe(0);
      const out = JSON.parse(run.stdout) as { traces_without_session: { count: number; trace_ids: string[] } };
      expect(out.traces_without_session.trace_ids).toEqual(CHAT_APP_TRACES.map(([id]) => id));
    },
    TIMEOUT,
  );

  it(
    "an SQLite database that is not MLflow's: named on the command line, exit 2 with what it is; found in a folder, skipped",
    async () => {
      const other = join(ws.dir, 'other');
      mkdirSync(other, { recursive: true });
      const db = readFileSync(CHAT_APP);
      // A real SQLite database that is not MLflow's: the fixture with two table names changed
      // everywhere they occur (same length, so every page stays valid): no MLflow table is left.
      const renamed = Buffer.from(db.toString('latin1').replaceAll('experiments', 'experimentz').replaceAll('alembic_version', 'alembic_versioz'), 'latin1');
      writeFileSync(join(other, 'app.db'), renamed);
      const named = await runCliAsync(['stats', join(other, 'app.db')]);
      expect(named.status).toBe(2);
      expect(named.stderr).toContain('an SQLite database, but not an MLflow tracking store');
      const found = await runCliAsync(['stats', other, '--format', 'json']);
      const notes = (JSON.parse(found.stdout) as { notes: Array<{ kind: string; source: string }> }).notes;
      expect(notes).toContainEqual(expect.objectContaining({ kind: 'skipped', source: join(other, 'app.db') }));
    },
    TIMEOUT,
  );

  it(
    'a database whose bytes were re-encoded as text (a committed mlflow.db gone through a text filter): one clear line, exit 2',
    async () => {
      const db = readFileSync(CHAT_APP);
      const mangled = Buffer.concat([db.subarray(0, 16), Buffer.from(db.subarray(16).toString('utf8'), 'utf8')]);
      const path = join(ws.dir, 'mangled.db');
      writeFileSync(path, mangled);
      const run = await runCliAsync(['analyze', path]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/mangled\.db: not readable as an SQLite database: /);
      expect(run.stdout).toContain('→ exit 2 (no trace could be read from the inputs: 1 input unreadable)');
    },
    TIMEOUT,
  );

  it(
    "a corrupt page under one trace's spans: that trace is one rejected record named by its place, the other four are read",
    async () => {
      // Page 141 holds the spans row of the first trace (found with SQLite's dbstat table:
      // SELECT pageno FROM dbstat WHERE name = 'spans'); overwritten, SQLite finds it malformed.
      const db = Buffer.from(readFileSync(CHAT_APP));
      db.fill(0x5a, 140 * 4096, 141 * 4096);
      const path = join(ws.dir, 'badpage.db');
      writeFileSync(path, db);
      const run = await runCliAsync(['validate', path, '--format', 'json']);
      expect(run.status).toBe(1);
      const out = JSON.parse(run.stdout) as { records: number; valid: number; rejected: number; rejections: Array<{ code: string; message: string; within?: string }> };
      expect([out.records, out.valid, out.rejected]).toEqual([5, 4, 1]);
      expect(out.rejections[0]).toMatchObject({
        code: 'store',
        message: 'the trace could not be assembled from the store: database disk image is malformed',
        within: 'trace_info tr-89773fb3ea11e37bc978780abeece6e3',
      });
    },
    TIMEOUT,
  );

  it(
    'reading a store creates nothing beside it (no lock file, no journal)',
    async () => {
      const dir = join(ws.dir, 'untouched');
      mkdirSync(dir, { recursive: true });
      copyFileSync(CHAT_APP, join(dir, 'mlflow.db'));
      const run = await runCliAsync(['analyze', join(dir, 'mlflow.db'), '--format', 'json']);
      // Exit 1: its 3 failed traces without a session are error findings (error-propagation/traceFailed).
      expect(run.status).toBe(1);
      expect(readdirSync(dir)).toEqual(['mlflow.db']);
      expect(readFileSync(join(dir, 'mlflow.db')).equals(readFileSync(CHAT_APP))).toBe(true);
    },
    TIMEOUT,
  );
});
