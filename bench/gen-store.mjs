#!/usr/bin/env node
/**
 * One seeded stream of synthetic chat sessions (bench/lib/traces.mjs, the generator of
 * bench/gen-export.mjs) written in three forms side by side, for `node bench/run.mjs --scenario store`:
 *
 *   <dir>/store-table/mlflow.db          MLflow 3.9 SQLite store, spans in the `spans` table
 *   <dir>/store-artifacts/mlflow.db      the same traces, spans in traces.json artifacts under
 *   <dir>/store-artifacts/mlruns/…       store-artifacts/mlruns/<exp>/traces/<id>/artifacts/
 *   <dir>/store-export.jsonl             the export of the table store (one trace per line, the
 *                                        form `make bench`'s baseline reads)
 *
 *   node bench/gen-store.mjs --dir <dir> [--bytes 1e9] [--seed 42] [--quiet]
 *
 * --bytes is the size of the export; each store holds the same traces (the sizes on disk are in the
 * summary). One trace is in memory at a time. Prints one JSON summary line on stdout; progress on
 * stderr.
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { parseBytes } from './gen-export.mjs';
import { Rng } from './lib/prng.mjs';
import { setSizeMetadata } from './lib/trace-info.mjs';
import { ExportModel } from './lib/traces.mjs';
import { APPS } from './lib/vocab.mjs';
import { dumps, ensureAscii, Raw } from '../scripts/lib/pyjson.mjs';
import { SqliteStoreWriter, storedTags } from '../scripts/store-writer.mjs';

/** Bytes a path takes: a file's size, or a folder's files added up. */
export function sizeOnDisk(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const e of readdirSync(path, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  }
  return n;
}

/** Writes the three forms; resolves to the summary. */
export async function generateStore({ dir, bytes, seed = 42, onProgress }) {
  const t0 = performance.now();
  const table = join(dir, 'store-table');
  const art = join(dir, 'store-artifacts');
  const exportPath = join(dir, 'store-export.jsonl');
  for (const p of [table, art, exportPath]) rmSync(p, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const model = new ExportModel(new Rng(seed).fork());
  const experiments = model.experiments.map((id, i) => ({ experiment_id: id, name: APPS[i].name }));
  const tableStore = await new SqliteStoreWriter(join(table, 'mlflow.db'), { experiments }).open();
  const artStore = await new SqliteStoreWriter(join(art, 'mlflow.db'), { experiments, spansIn: 'artifacts' }).open();
  const fd = openSync(exportPath, 'w');
  let written = 0;
  let traces = 0;
  let spans = 0;
  let nextReport = bytes / 10;
  let batch = '';
  try {
    while (written < bytes) {
      const { info, spans: spanDicts } = model.next();
      // json.dumps as MLflow writes a span (ensure_ascii), once; both stores and the export share it.
      const spanTexts = spanDicts.map((s) => ensureAscii(dumps(s)));
      setSizeMetadata(
        info,
        spanTexts.map((s) => s.length),
      );
      const expId = info.trace_location.mlflow_experiment.experiment_id;
      // The export is what `mlflow traces search` prints for the table store: its tags included.
      const stored = { ...info, tags: storedTags({ info, data: { spans: [] } }, tableStore.artifactLocation(expId), true) };
      const trace = { info: stored, data: { spans: spanTexts } };
      tableStore.add(trace);
      artStore.add(trace);
      const line = ensureAscii(dumps({ info: stored, data: { spans: spanTexts.map((s) => new Raw(s)) } })) + '\n';
      batch += line;
      written += line.length;
      if (batch.length >= 1 << 20) {
        writeSync(fd, batch);
        batch = '';
      }
      traces++;
      spans += spanTexts.length;
      if (onProgress && written >= nextReport) {
        onProgress(written / bytes);
        nextReport += bytes / 10;
      }
    }
    writeSync(fd, batch);
  } finally {
    closeSync(fd);
  }
  tableStore.close();
  artStore.close();
  const seconds = (performance.now() - t0) / 1000;
  return {
    dir,
    seed,
    target_bytes: bytes,
    traces,
    spans,
    seconds: Math.round(seconds * 10) / 10,
    forms: {
      export: { path: exportPath, bytes: sizeOnDisk(exportPath) },
      table: { path: join(table, 'mlflow.db'), bytes: sizeOnDisk(join(table, 'mlflow.db')) },
      artifacts: { path: join(art, 'mlflow.db'), bytes: sizeOnDisk(join(art, 'mlflow.db')), artifact_bytes: sizeOnDisk(join(art, 'mlruns')) },
    },
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      bytes: { type: 'string', default: '1e9' },
      seed: { type: 'string', default: '42' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.dir) {
    process.stderr.write('usage: node bench/gen-store.mjs --dir <dir> [--bytes 1e9] [--seed 42] [--quiet]\n');
    process.exit(values.help ? 0 : 2);
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const summary = await generateStore({
    dir: values.dir,
    bytes: parseBytes(values.bytes),
    seed,
    onProgress: values.quiet ? undefined : (f) => process.stderr.write(`gen-store: ${Math.round(f * 100)}%\n`),
  });
  process.stdout.write(JSON.stringify(summary) + '\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    process.stderr.write(`gen-store: ${err.stack}\n`);
    process.exit(1);
  });
}
