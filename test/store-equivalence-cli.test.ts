import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentOf, parseExport, tracesOf, writeExport, writeFileStore, writeSqliteStore } from '../scripts/store-writer.mjs';
import { makeWorkspace, REPO_ROOT, runCliAsync } from './helpers/make-inputs.js';

// A store and the export of the same traces give the same answers (issue 13). The samples' MLflow 3
// traces (three sessions with assessments, a scorer error, error spans, a root cause; one trace
// without a session) are written with MLflow's own schema and layouts (scripts/store-writer.mjs)
// into every kind of store a user has, beside the `mlflow traces search --output json` export of
// the same traces; `analyze` and `sessions` must print the same JSON for each, byte for byte.

const SAMPLES = join(REPO_ROOT, 'samples');
const TIMEOUT = 180_000;
const ws = makeWorkspace('tracetriage-store-eq-');
afterAll(() => ws.cleanup());

function sampleTraces(): ReturnType<typeof tracesOf> {
  const read = (path: string): ReturnType<typeof tracesOf> => tracesOf(parseExport(readFileSync(path, 'utf8')));
  return [
    ...read(join(SAMPLES, 'search-sess-refund-7f3a.json')),
    ...readdirSync(join(SAMPLES, 'traces'))
      .sort()
      .flatMap((name) => read(join(SAMPLES, 'traces', name))),
    ...readFileSync(join(SAMPLES, 'otel-genai.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .flatMap((line) => tracesOf(parseExport(line))),
  ];
}

/** Each form: what to name on the command line. */
const FORMS: Record<string, string> = {};

beforeAll(async () => {
  const traces = sampleTraces();
  expect(traces).toHaveLength(11);
  const experiments = [...new Set(traces.map((t) => experimentOf(t)))];
  // The store was made on someone else's laptop: every artifact location points there.
  const foreign = experiments.map((id) => ({ experiment_id: id, name: `exp-${id}`, artifact_location: `/Users/someone/acme/mlruns/${id}` }));
  FORMS.export = ws.path('export.json');
  await writeExport(FORMS.export, traces);
  FORMS['SQLite, spans in the table'] = ws.path('table/mlflow.db');
  await writeSqliteStore(FORMS['SQLite, spans in the table'], traces, { spansIn: 'table' });
  FORMS['SQLite in WAL mode, rows only in the -wal'] = ws.path('wal/mlflow.db');
  await writeSqliteStore(FORMS['SQLite in WAL mode, rows only in the -wal'], traces, { spansIn: 'table', wal: true });
  FORMS['SQLite, spans in traces.json recorded on another machine'] = ws.path('artifacts/mlflow.db');
  await writeSqliteStore(FORMS['SQLite, spans in traces.json recorded on another machine'], traces, { spansIn: 'artifacts', experiments: foreign });
  FORMS['file store'] = ws.path('files/mlruns');
  await writeFileStore(FORMS['file store'], traces, { experiments: foreign });
  FORMS['file store behind mlflow server (mlflow-artifacts:/, mlartifacts/ beside)'] = ws.path('proxied');
  await writeFileStore(join(ws.path('proxied'), 'mlruns'), traces, { artifactsBeside: true });
}, TIMEOUT);

async function run(args: readonly string[]): Promise<{ status: number | null; stdout: string }> {
  const { status, stdout } = await runCliAsync([...args, '--no-config']);
  return { status, stdout };
}

describe('the same traces as an export and as every kind of MLflow store', () => {
  it(
    'analyze --format json prints the same findings, sessions and summary for each',
    async () => {
      const names = Object.keys(FORMS);
      const runs = await Promise.all(names.map((name) => run(['analyze', FORMS[name]!, '--format', 'json'])));
      const [exported, ...stores] = runs;
      // The export itself: the samples' root cause is there (exit 1: an error-level finding).
      expect(exported!.status).toBe(1);
      const doc = JSON.parse(exported!.stdout) as { findings: Array<{ message_id: string }>; sessions: unknown[] };
      expect(doc.findings.some((f) => f.message_id === 'rootCause')).toBe(true);
      expect(doc.sessions).toHaveLength(3);
      stores.forEach((store, i) => {
        expect({ form: names[i + 1], status: store.status }).toEqual({ form: names[i + 1], status: 1 });
        expect({ form: names[i + 1], stdout: store.stdout }).toEqual({ form: names[i + 1], stdout: exported!.stdout });
      });
    },
    TIMEOUT,
  );

  it(
    'sessions --format json lists the same sessions, turns and traces without a session for each',
    async () => {
      const names = Object.keys(FORMS);
      const runs = await Promise.all(names.map((name) => run(['sessions', FORMS[name]!, '--format', 'json'])));
      const [exported, ...stores] = runs;
      expect(exported!.status).toBe(0);
      stores.forEach((store, i) => expect({ form: names[i + 1], ...store }).toEqual({ form: names[i + 1], ...exported! }));
    },
    TIMEOUT,
  );

  it(
    'validate says where each store found what: re-rooted artifacts are a warning on each trace, WAL rows are read',
    async () => {
      const moved = await runCliAsync(['validate', FORMS['SQLite, spans in traces.json recorded on another machine']!, '--format', 'json']);
      const warnings = (JSON.parse(moved.stdout) as { warnings: Array<{ code: string; within?: string; message: string }> }).warnings;
      expect(warnings.map((w) => w.code)).toEqual(Array(11).fill('artifact-rerooted'));
      expect(warnings[0]!.message).toContain('/Users/someone/acme/mlruns/');
      const wal = await runCliAsync(['validate', FORMS['SQLite in WAL mode, rows only in the -wal']!, '--format', 'json']);
      expect(JSON.parse(wal.stdout)).toMatchObject({ records: 11, valid: 11, rejected: 0 });
      expect(readdirSync(ws.path('wal')).sort()).toEqual(['mlflow.db', 'mlflow.db-shm', 'mlflow.db-wal']);
    },
    TIMEOUT,
  );
});
