import { stat } from 'node:fs/promises';
import { isoTime } from '../shared/time.js';
import { protoTimestamp } from './trace-info.js';
import type { StoreEvent, StoreReadOptions, StoreWarning } from './types.js';
import { plural } from '../shared/plural.js';

/** An experiment of a store, as both store layouts describe it. */
export interface Experiment {
  id: string;
  /** Null when the store does not say (a file store's unreadable meta.yaml). */
  name: string | null;
  deleted: boolean;
  /** How the store marks it deleted, for the note (`in .trash/`, `lifecycle_stage: deleted`). */
  deletedHow?: string;
  /** Where its artifacts were recorded (often another machine's path). */
  artifactLocation: string | undefined;
}

/** `1 'support-bot'`, or the id alone when the experiment has no name. */
export const experimentLabel = (e: Experiment): string => (e.name === null ? e.id : `${e.id} '${e.name}'`);

/**
 * The experiments to read, as store notes say: every active one, or those named by id or name
 * (either matches, as MLflow's CLI takes `--experiment-id` and `--experiment-name`). A deleted
 * experiment is read only when selected by id. Notes say what was left out, what was asked for and
 * is not there, and what a selection chose.
 */
export function* selectExperiments<T extends Experiment>(experiments: readonly T[], options: StoreReadOptions): Generator<StoreEvent, T[]> {
  const ids = options.experimentIds ?? [];
  const names = options.experimentNames ?? [];
  const filtering = ids.length > 0 || names.length > 0;
  const out: T[] = [];
  for (const e of experiments) {
    const byId = ids.includes(e.id);
    if (filtering && !byId && !(e.name !== null && names.includes(e.name))) continue;
    if (e.deleted && !byId) {
      yield { type: 'note', message: `experiment ${experimentLabel(e)} is deleted (${e.deletedHow ?? 'lifecycle_stage: deleted'}): skipped; select it by id (${e.id}) to read it` };
      continue;
    }
    if (e.deleted) yield { type: 'note', message: `experiment ${experimentLabel(e)} is deleted; read because it was selected by id` };
    out.push(e);
  }
  if (filtering) {
    for (const id of ids) if (!experiments.some((e) => e.id === id)) yield { type: 'note', message: `no experiment with id ${id} in this store` };
    for (const name of names) if (!experiments.some((e) => e.name === name)) yield { type: 'note', message: `no experiment named '${name}' in this store` };
    const left = experiments.filter((e) => !out.includes(e)).length;
    yield { type: 'note', message: `experiments selected: ${out.length === 0 ? 'none' : out.map(experimentLabel).join(', ')}${left > 0 ? `; ${plural(left, 'other')} not read` : ''}` };
  }
  return out;
}

/**
 * Epoch milliseconds as MLflow prints a time (protobuf's Timestamp JSON, as the file store's
 * times: {@link protoTimestamp}); a value no Date can hold is kept as it is, for the normalizer to judge.
 */
export function isoMillis(value: unknown): unknown {
  const ms = typeof value === 'bigint' ? Number(value) : value;
  if (typeof ms !== 'number') return value;
  return isoTime(ms) === null ? ms : protoTimestamp(ms);
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
 * MLflow counts a trace complete when the store holds the `num_spans` of its
 * `mlflow.trace.sizeStats` metadata (spans are logged one by one): fewer is a `spans-partial`
 * warning. The spans are counted only when there is a number to compare with.
 */
export function checkSpanCount(sizeStats: string | undefined, held: () => number, warnings: StoreWarning[]): void {
  if (sizeStats === undefined) return;
  const parsed = parseJsonText(sizeStats);
  if (!parsed.ok) {
    warnings.push({
      code: 'store-value',
      message: `the metadata mlflow.trace.sizeStats is not JSON (${parsed.error}); the span count is not checked`,
      jsonPath: "$.info.trace_metadata['mlflow.trace.sizeStats']",
    });
    return;
  }
  const expected = parsed.value !== null && typeof parsed.value === 'object' ? (parsed.value as { num_spans?: unknown }).num_spans : undefined;
  if (typeof expected !== 'number') return;
  const found = held();
  if (found < expected) {
    warnings.push({ code: 'spans-partial', message: `mlflow.trace.sizeStats says ${expected} spans, the store holds ${found}: the trace is incomplete`, jsonPath: '$.data.spans' });
  }
}

/**
 * The bytes a store counts as read: an SQLite database's file size (what `stats` shows as MB);
 * 0 for a file store's folder, whose files are read a trace at a time. 0 when it cannot be told:
 * only a figure in `stats`, never a reason to stop.
 */
export async function storeBytes(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  return info?.isFile() ? info.size : 0;
}
