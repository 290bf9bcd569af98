import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentOf, parseExport, tracesOf, writeExport, writeFileStore, writeSqliteStore } from '../../scripts/store-writer.mjs';
import { makeWorkspace, REPO_ROOT, runCliAsync } from '../helpers/make-inputs.js';

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

/** Runs one command on every form; expects the export's status, and every store's output to be the export's, byte for byte. */
async function sameOnEveryForm(args: readonly string[], status: number): Promise<string> {
  const names = Object.keys(FORMS);
  const runs = await Promise.all(names.map((name) => runCliAsync([args[0]!, FORMS[name]!, ...args.slice(1), '--no-config'])));
  const [exported, ...stores] = runs.map((r, i) => ({ form: names[i], status: r.status, stdout: r.stdout }));
  expect(exported!.status).toBe(status);
  for (const store of stores) expect(store).toEqual({ ...exported!, form: store.form });
  return exported!.stdout;
}

describe('the same traces as an export and as every kind of MLflow store', () => {
  it(
    'analyze --format json prints the same findings, sessions and summary for each',
    async () => {
      // The export itself: the samples' root cause is there (exit 1: an error-level finding).
      const doc = JSON.parse(await sameOnEveryForm(['analyze', '--format', 'json'], 1)) as { findings: Array<{ message_id: string }>; sessions: unknown[] };
      expect(doc.findings.some((f) => f.message_id === 'rootCause')).toBe(true);
      expect(doc.sessions).toHaveLength(3);
    },
    TIMEOUT,
  );

  it(
    'sessions --format json lists the same sessions, turns and traces without a session for each',
    async () => {
      const doc = JSON.parse(await sameOnEveryForm(['sessions', '--format', 'json'], 0)) as { sessions: unknown[]; traces_without_session: { count: number } };
      expect([doc.sessions.length, doc.traces_without_session.count]).toEqual([3, 1]);
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
