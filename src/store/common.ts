import { stat } from 'node:fs/promises';
import { isoTime } from '../shared/time.js';
import type { StoreReadOptions, StoreWarning } from './types.js';

/** An experiment of a store, as both store layouts describe it. */
export interface Experiment {
  id: string;
  name: string;
  artifactLocation: string | undefined;
  deleted: boolean;
}

/**
 * The experiments to read: all active ones, or those named by id or name (either matches, as
 * MLflow's CLI takes `--experiment-id` and `--experiment-name`). A deleted experiment is read only
 * when asked for by id or name. Notes say what was left out and what was asked for but is not there.
 */
export function selectExperiments<T extends Experiment>(all: readonly T[], options: StoreReadOptions): { chosen: T[]; notes: string[] } {
  const ids = options.experimentIds ?? [];
  const names = options.experimentNames ?? [];
  const notes: string[] = [];
  const asked = ids.length > 0 || names.length > 0;
  const chosen = all.filter((e) => (asked ? ids.includes(e.id) || names.includes(e.name) : !e.deleted));
  for (const id of ids) if (!all.some((e) => e.id === id)) notes.push(`no experiment with id ${id} in this store`);
  for (const name of names) if (!all.some((e) => e.name === name)) notes.push(`no experiment named ${JSON.stringify(name)} in this store`);
  const deleted = all.filter((e) => e.deleted && !chosen.includes(e));
  if (deleted.length > 0) {
    notes.push(`${deleted.length} deleted experiment(s) not read (${deleted.map((e) => e.id).join(', ')}); select one with --experiment-id to read it`);
  }
  return { chosen, notes };
}

/** Epoch milliseconds as MLflow prints a time (`2026-11-24T04:26:59.945Z`); anything else is kept as it is, for the normalizer to judge. */
export function isoMillis(value: unknown): unknown {
  const ms = typeof value === 'bigint' ? Number(value) : value;
  if (typeof ms !== 'number') return value;
  return isoTime(ms) ?? ms;
}

/** JSON.parse without throwing: the store reader says which value was not JSON. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A `spans-partial` warning when the trace's `mlflow.trace.sizeStats` metadata counts more spans
 * than the store holds (MLflow logs spans one by one and checks this count before calling a trace
 * complete). The count is taken only when there is a number to compare it with.
 */
export function spansSizeWarning(metadata: Record<string, string>, count: () => number): StoreWarning | null {
  const stats = metadata['mlflow.trace.sizeStats'];
  if (stats === undefined) return null;
  const parsed = parseJsonText(stats);
  const expected = parsed.ok && parsed.value !== null && typeof parsed.value === 'object' ? (parsed.value as { num_spans?: unknown }).num_spans : undefined;
  if (typeof expected !== 'number') return null;
  const found = count();
  if (found >= expected) return null;
  return {
    code: 'spans-partial',
    message: `the store holds ${found} of the ${expected} spans the trace's mlflow.trace.sizeStats counts: the trace is incomplete in this copy`,
    jsonPath: '$.data.spans',
  };
}

/**
 * The bytes a store counts as read: an SQLite database's file size (what `stats` shows as MB);
 * 0 for a file store's folder, whose files are read a trace at a time. 0 when it cannot be told:
 * only a figure in `stats`, never a reason to stop.
 */
export async function storeBytes(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  return info !== null && info.isFile() ? info.size : 0;
}
