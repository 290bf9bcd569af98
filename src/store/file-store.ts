/**
 * MLflow's file store (`mlruns/`) read trace by trace: experiments from `<id>/meta.yaml` (deleted
 * ones under `.trash/`), each experiment's `traces/<trace id>/` folders in request-time order, each
 * assembled whole by `file-trace.ts`. One trace's files are in memory at a time.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readTraceFolder, readTraceInfo, type ExperimentFolder } from './file-trace.js';
import { listFolder, parseYaml, plainScalarText, readText } from './store-files.js';
import { experimentLabel, selectExperiments, type Experiment as StoreExperiment } from './common.js';
import type { StoreEvent, StoreReadOptions } from './types.js';
import { plural } from '../shared/plural.js';

const EXPERIMENT_ID = /^\d+$/;

/**
 * True when `dir` is the root of a file store: a child that is an experiment id (digits), here or
 * under `.trash/`, holding `meta.yaml`. A folder named mlruns holding only `mlflow.db` is not one.
 */
export async function isFileStore(dir: string): Promise<boolean> {
  for (const parent of [dir, join(dir, '.trash')]) {
    const listed = await listFolder(parent);
    if (!Array.isArray(listed)) continue;
    for (const { name, isDir } of listed) {
      if (isDir && EXPERIMENT_ID.test(name) && (await isFile(join(parent, name, 'meta.yaml')))) return true;
    }
  }
  return false;
}

interface Experiment extends ExperimentFolder, StoreExperiment {}

/**
 * Reads every trace of the store as StoreEvents: experiments in id order, traces in request-time
 * order then id; notes say what was read, selected and skipped, and what is there but not a trace.
 */
export async function* readFileStore(root: string, options: StoreReadOptions): AsyncGenerator<StoreEvent> {
  const storeRoot = resolve(root);
  const found = yield* findExperiments(storeRoot);
  const selected = yield* selectExperiments(found, options);
  let traces = 0;
  let rejected = 0;
  for (const experiment of selected) {
    const listed = await listFolder(join(experiment.dir, 'traces'));
    if (listed === null) continue;
    if (typeof listed === 'string') {
      yield { type: 'note', message: `${experiment.relDir}/traces cannot be listed (${listed}): experiment ${label(experiment)} is not read` };
      continue;
    }
    const notTraces = listed.filter((entry) => !entry.isDir).map((entry) => entry.name);
    if (notTraces.length > 0) {
      yield {
        type: 'note',
        message: `${experiment.relDir}/traces holds ${notTraces.length === 1 ? 'a file' : 'files'} that ${notTraces.length === 1 ? 'is' : 'are'} not a trace folder, not read: ${notTraces.join(', ')}`,
      };
    }
    // Request times first (a second small read of each trace_info.yaml), so the traces stream in
    // order while only their names and times are held.
    const order: { name: string; time: number | null }[] = [];
    for (const { name, isDir } of listed) {
      if (!isDir) continue;
      const info = await readTraceInfo(join(experiment.dir, 'traces', name), experiment.id);
      order.push({ name, time: 'info' in info ? info.info.requestTimeMs : null });
    }
    order.sort((a, b) => (a.time ?? Infinity) - (b.time ?? Infinity) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { name } of order) {
      const event = await readTraceFolder(storeRoot, experiment, name);
      if (event.type === 'trace') traces++;
      else rejected++;
      yield event;
    }
  }
  const experiments = plural(selected.length, 'experiment');
  yield {
    type: 'note',
    message: `file store ${storeRoot}: read ${plural(traces, 'trace')}${rejected > 0 ? ` and rejected ${rejected}` : ''} from ${experiments}${selected.length > 0 ? ` (${selected.map(label).join(', ')})` : ''}`,
  };
}

const label = experimentLabel;

/** Experiment ids in numeric order (18-digit ids exceed 2^53: compared as digit strings). */
const byId = (a: Experiment, b: Experiment): number => a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || Number(a.deleted) - Number(b.deleted);

async function* findExperiments(storeRoot: string): AsyncGenerator<StoreEvent, Experiment[]> {
  const experiments: Experiment[] = [];
  const others: string[] = [];
  for (const [relParent, deleted] of [
    ['', false],
    ['.trash', true],
  ] as const) {
    const listed = await listFolder(join(storeRoot, relParent));
    if (listed === null && deleted) continue;
    if (!Array.isArray(listed)) {
      yield { type: 'note', message: `${relParent === '' ? storeRoot : join(storeRoot, relParent)} cannot be listed (${listed ?? 'no such folder'})` };
      continue;
    }
    for (const { name, isDir } of listed) {
      if (!isDir || !EXPERIMENT_ID.test(name)) {
        // .trash is read above; models/ is the model registry's, beside the experiments.
        if (!(relParent === '' && (name === '.trash' || name === 'models'))) others.push(relParent === '' ? name : `${relParent}/${name}`);
        continue;
      }
      const relDir = relParent === '' ? name : `${relParent}/${name}`;
      const experiment = yield* readExperiment(storeRoot, relDir, name, deleted);
      experiments.push(experiment);
    }
  }
  if (others.length > 0) yield { type: 'note', message: `not experiments, not read: ${others.join(', ')}` };
  experiments.sort(byId);
  // MLflow moves a deleted experiment to .trash/; both copies present is a store edited by hand.
  const unique = experiments.filter((e, i) => {
    const first = experiments.findIndex((other) => other.id === e.id);
    return first === i;
  });
  for (const e of experiments) {
    if (!unique.includes(e)) yield { type: 'note', message: `experiment ${e.id} is also in ${e.relDir}; that copy is not read` };
  }
  return unique;
}

async function* readExperiment(storeRoot: string, relDir: string, id: string, inTrash: boolean): AsyncGenerator<StoreEvent, Experiment> {
  const dir = join(storeRoot, relDir);
  const experiment: Experiment = { id, dir, relDir, artifactLocation: undefined, name: null, deleted: inTrash, ...(inTrash ? { deletedHow: 'in .trash/' } : {}) };
  const read = await readText(join(dir, 'meta.yaml'));
  const parsed = 'text' in read ? parseYaml(read.text) : { error: read.error };
  if ('error' in parsed || !('text' in read) || typeof parsed.value !== 'object' || parsed.value === null) {
    const why = 'error' in parsed ? parsed.error : 'is not a mapping';
    yield { type: 'note', message: `${relDir}/meta.yaml ${why}: experiment ${id} has no name here (it cannot be selected by name); its traces are still read` };
    return experiment;
  }
  const meta = parsed.value as Record<string, unknown>;
  // PyYAML keeps a name like 1e5 as text; a YAML 1.1 reader would make it a number.
  const name = typeof meta.name === 'string' ? meta.name : meta.name === undefined || meta.name === null ? undefined : plainScalarText(read.text, 'name');
  if (name !== undefined) experiment.name = name;
  if (typeof meta.artifact_location === 'string') experiment.artifactLocation = meta.artifact_location;
  if (meta.lifecycle_stage === 'deleted') experiment.deleted = true;
  if (typeof meta.experiment_id === 'string' && meta.experiment_id !== id) {
    yield { type: 'note', message: `${relDir}/meta.yaml says experiment_id ${meta.experiment_id}; the folder name ${id} is used, as MLflow finds experiments by folder` };
  }
  return experiment;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw error;
  }
}
