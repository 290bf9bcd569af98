/**
 * Finding a trace's `traces.json` (its spans) for a store read on a machine other than the one that
 * wrote it. Stores record artifact locations as absolute paths or URIs of the writer's machine;
 * the file is looked for where the location says, then re-rooted under the store's own folders:
 * the part from `<experiment id>/traces/<trace id>/artifacts` onward, under the store itself (a file
 * store keeps spans in the trace folder), its `mlruns/`, or an `mlartifacts/` beside it (the
 * default `--artifacts-destination` of `mlflow server`).
 */
import { statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArtifactUri, traceTailIndex } from './artifact-uri.js';

/** What to look for, and where the store says it is. */
export interface ArtifactQuery {
  /** The folder holding the store: the `mlruns` dir of a file store, or the dir of `mlflow.db`. */
  storeDir: string;
  experimentId: string;
  traceId: string;
  /** The trace's tag `mlflow.artifactLocation`, when it has one. */
  traceArtifactUri: string | undefined;
  /** The experiment's `artifact_location` (its `meta.yaml`, or the `experiments` table). */
  experimentArtifactUri: string | undefined;
}

/**
 * Where `traces.json` is. `rerooted` is null when it was found where the URI says, else a sentence:
 * what the URI said and where the file was found instead. Not found: every place looked at.
 */
export type ArtifactAnswer = { path: string; rerooted: string | null } | { path: null; tried: string[] };

const TRACE_DATA_FILE = 'traces.json';

/** Looks for a trace's `traces.json`; see {@link ArtifactQuery} and the module comment for the order. */
export async function findTracesJson(q: ArtifactQuery): Promise<ArtifactAnswer> {
  const storeDir = resolve(q.storeDir);
  const beside = dirname(storeDir);
  const traceUri = q.traceArtifactUri?.trim() === '' ? undefined : q.traceArtifactUri?.trim();
  const uri = traceUri ?? experimentTraceUri(q.experimentArtifactUri, q.traceId);
  const tried: string[] = [];
  const seen = new Set<string>();
  const look = async (path: string): Promise<boolean> => {
    if (seen.has(path)) return false;
    seen.add(path);
    const found = await isFile(path);
    if (found === true) return true;
    tried.push(found === false ? path : `${path} (${found})`);
    return false;
  };

  const tails: string[][] = [];
  const rootNames: string[] = [];
  let why: string;
  if (uri === undefined) {
    why = 'the trace has no artifact location (no mlflow.artifactLocation tag, no experiment artifact_location)';
  } else {
    const parsed = parseArtifactUri(uri);
    if (parsed.kind === 'remote') {
      tried.push(`${uri} (a remote ${parsed.scheme} location: not fetched, the store is read offline)`);
      why = `artifact location ${uri} is remote and not fetched`;
    } else {
      const at = traceTailIndex(parsed.segments, q.traceId);
      if (at >= 0) {
        tails.push(parsed.segments.slice(at));
        const rootName = parsed.segments[at - 1];
        if (rootName !== undefined) rootNames.push(rootName);
      }
      if (parsed.kind === 'proxied') {
        // The server resolves mlflow-artifacts:/X to <artifacts-destination>/X; by default
        // ./mlartifacts of the folder it ran in, which is where the store is.
        for (const base of [beside, storeDir]) {
          const path = join(base, 'mlartifacts', ...parsed.segments, TRACE_DATA_FILE);
          if (await look(path)) return { path, rerooted: null };
        }
        why = `artifact location ${uri} (the tracking server's artifact store) is not in an mlartifacts/ folder beside the store`;
      } else {
        if (parsed.localAbsolute !== null) {
          const path = join(parsed.localAbsolute, TRACE_DATA_FILE);
          if (await look(path)) return { path, rerooted: null };
        }
        why = `artifact location ${uri} is not on this machine`;
      }
    }
  }

  tails.push([q.experimentId, 'traces', q.traceId, 'artifacts']);
  const roots = [storeDir, join(storeDir, 'mlruns'), join(storeDir, 'mlartifacts'), join(beside, 'mlartifacts')];
  // A root the URI names (`/mlflow/artifacts/1/…` → artifacts/) may sit in or beside the store too.
  for (const name of rootNames) {
    if (name !== basename(storeDir)) roots.push(join(storeDir, name), join(beside, name));
  }
  for (const root of roots) {
    for (const tail of tails) {
      const path = join(root, ...tail, TRACE_DATA_FILE);
      if (await look(path)) return { path, rerooted: `${why}; traces.json read from ${path} instead` };
    }
  }
  return { path: null, tried };
}

function experimentTraceUri(experimentUri: string | undefined, traceId: string): string | undefined {
  if (experimentUri === undefined || experimentUri.trim() === '') return undefined;
  return `${experimentUri.trim().replace(/[\\/]+$/, '')}/traces/${traceId}/artifacts`;
}

/** True for a file, false for nothing there, or the error code when the place cannot be looked at. */
async function isFile(path: string): Promise<boolean | string> {
  try {
    // Synchronous: a stat of a local path is cheaper than a promise's trip through the thread pool.
    return statSync(path).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    return code ?? String(error);
  }
}
