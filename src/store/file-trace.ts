/**
 * One trace folder of a file store (`<exp>/traces/<trace id>/`) assembled into the trace that
 * `mlflow traces search --output json` prints: `trace_info.yaml` joined with `request_metadata/`,
 * `tags/`, `assessments/` and the spans of `traces.json`, wherever that file is.
 */
import { join } from 'node:path';
import { findTracesJson } from './artifacts.js';
import { checkSpanCount } from './common.js';
import { readTracesJson } from './traces-json.js';
import { listFolder, parseYaml, readText, readValueFolder } from './store-files.js';
import { assembleInfo, coreInfoFromYaml, orderAssessment, parseRfc3339Ms, protoTimestamp, type CoreInfo } from './trace-info.js';
import type { StoreEvent, StoreWarning } from './types.js';

/** The experiment a trace folder belongs to, as the store reader found it. */
export interface ExperimentFolder {
  id: string;
  /** Absolute path of the experiment folder. */
  dir: string;
  /** The folder relative to the store root: `1`, or `.trash/1` for a deleted experiment. */
  relDir: string;
  /** `artifact_location` of its `meta.yaml`. */
  artifactLocation: string | undefined;
}

/** `trace_info.yaml` read and understood, or why not (the trace is then rejected). */
export async function readTraceInfo(
  traceDir: string,
  experimentId: string,
): Promise<{ info: CoreInfo; warnings: string[] } | { message: string; jsonPath?: string; expected?: string; found?: string }> {
  const read = await readText(join(traceDir, 'trace_info.yaml'));
  if ('error' in read) {
    return read.missing ? { message: 'no trace_info.yaml in the trace folder (MLflow writes one for every trace)', expected: 'trace_info.yaml' } : { message: `trace_info.yaml ${read.error}` };
  }
  const parsed = parseYaml(read.text);
  if ('error' in parsed) return { message: `trace_info.yaml: ${parsed.error}` };
  const result = coreInfoFromYaml(parsed.value, experimentId);
  if ('problem' in result) {
    const { message, jsonPath, expected, found } = result.problem;
    return found === undefined ? { message, jsonPath, expected } : { message, jsonPath, expected, found };
  }
  return result;
}

/** Reads one trace folder into a `trace` event, or a `rejected` one when its trace info is unusable. */
export async function readTraceFolder(storeRoot: string, experiment: ExperimentFolder, folderName: string): Promise<StoreEvent> {
  const location = `${experiment.relDir}/traces/${folderName}`;
  const traceDir = join(experiment.dir, 'traces', folderName);
  const infoRead = await readTraceInfo(traceDir, experiment.id);
  if (!('info' in infoRead)) return { type: 'rejected', traceId: folderName, location, ...infoRead };
  const core = infoRead.info;
  const warnings: StoreWarning[] = infoRead.warnings.map((message) => ({ code: 'store-value', message, jsonPath: '$.info' }));
  if (core.traceId !== folderName) {
    warnings.push({ code: 'store-value', message: `trace_info.yaml names trace ${core.traceId} but its folder is ${folderName}; read as ${core.traceId}`, jsonPath: '$.info.trace_id' });
  }

  const metadata = await readValueFolder(join(traceDir, 'request_metadata'));
  const tags = await readValueFolder(join(traceDir, 'tags'));
  for (const [folder, found, path] of [
    ['request_metadata', metadata, 'trace_metadata'],
    ['tags', tags, 'tags'],
  ] as const) {
    for (const { key, problem } of found.problems) {
      warnings.push({ code: 'store-value', message: `${folder}/${key} ${problem}; that value is left out`, jsonPath: `$.info.${path}[${quote(key)}]` });
    }
  }
  const assessments = await readAssessments(traceDir, core, warnings);

  const spans = await readSpans(storeRoot, experiment, folderName, tags.values['mlflow.artifactLocation'], warnings);
  if (spans !== null) checkSpanCount(metadata.values['mlflow.trace.sizeStats'], () => spans.spans, warnings);

  const info = assembleInfo(core, metadata.values, tags.values, assessments);
  return {
    type: 'trace',
    trace: {
      traceId: core.traceId,
      experimentId: core.experimentId,
      location,
      trace: { info, data: { spans: [] } },
      // traces.json as it is on disk: parsed once, downstream, like an export's record.
      ...(spans !== null ? { dataJson: spans.text } : {}),
      warnings,
    },
  };
}

/** RFC 9535 name selector for a key: `'mlflow.trace.session'`. */
const quote = (key: string): string => `'${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** `assessments/<id>.yaml` (3.2+), each as `Assessment.to_dictionary` wrote it, plus V2's inline list. */
async function readAssessments(traceDir: string, core: CoreInfo, warnings: StoreWarning[]): Promise<unknown[]> {
  const out: unknown[] = [];
  core.inlineAssessments.forEach((item, i) => {
    if (isMapping(item)) out.push(orderAssessment(withProtoTimes(item)));
    else warnings.push({ code: 'store-value', message: `trace_info.yaml assessments[${i}] is not a mapping; left out`, jsonPath: '$.info.assessments' });
  });
  const dir = join(traceDir, 'assessments');
  const listed = await listFolder(dir);
  if (listed === null) return out;
  if (typeof listed === 'string') {
    warnings.push({ code: 'store-value', message: `assessments/ cannot be listed (${listed}); the trace's assessments are left out`, jsonPath: '$.info.assessments' });
    return out;
  }
  const fromFiles: Array<Record<string, unknown>> = [];
  for (const { name, isDir } of listed) {
    if (isDir || !name.endsWith('.yaml')) {
      warnings.push({ code: 'store-value', message: `assessments/${name} is not an assessment file (<assessment id>.yaml); not read`, jsonPath: '$.info.assessments' });
      continue;
    }
    const read = await readText(join(dir, name));
    const parsed = 'text' in read ? parseYaml(read.text) : { error: read.error };
    if ('error' in parsed) {
      warnings.push({ code: 'store-value', message: `assessments/${name}: ${parsed.error}; that assessment is left out`, jsonPath: '$.info.assessments' });
    } else if (!isMapping(parsed.value)) {
      warnings.push({ code: 'store-value', message: `assessments/${name} is not a YAML mapping; that assessment is left out`, jsonPath: '$.info.assessments' });
    } else {
      fromFiles.push(orderAssessment(withProtoTimes(parsed.value)));
    }
  }
  // In the order they were made (then by id), as the SQLite store and its exports list them: a
  // folder listing has no order of its own.
  const made = (a: Record<string, unknown>): number => (typeof a.create_time === 'string' ? (parseRfc3339Ms(a.create_time) ?? Infinity) : Infinity);
  fromFiles.sort((a, b) => made(a) - made(b) || compareText(String(a.assessment_id ?? ''), String(b.assessment_id ?? '')));
  return [...out, ...fromFiles];
}

/** Code-unit order: the same on every machine and locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** A YAML timestamp left unquoted by hand arrives as a Date: printed back as MLflow prints times. */
function withProtoTimes(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = item instanceof Date ? protoTimestamp(item.getTime()) : isMapping(item) ? withProtoTimes(item) : item;
  }
  return out;
}

/** `traces.json` as text with its span count, or null (with a `spans-missing` warning) when there are none to read. */
async function readSpans(storeRoot: string, experiment: ExperimentFolder, folderName: string, traceUri: string | undefined, warnings: StoreWarning[]): Promise<{ text: string; spans: number } | null> {
  const answer = await findTracesJson({ storeDir: storeRoot, experimentId: experiment.id, traceId: folderName, traceArtifactUri: traceUri, experimentArtifactUri: experiment.artifactLocation });
  const stillRead = "the trace's info, metadata, tags and assessments are still read";
  if (answer.path === null) {
    warnings.push({ code: 'spans-missing', message: `no traces.json found (looked at ${answer.tried.join(', ')}); the trace has no spans here, ${stillRead}`, jsonPath: '$.data.spans' });
    return null;
  }
  if (answer.rerooted !== null) warnings.push({ code: 'artifact-rerooted', message: answer.rerooted, jsonPath: '$.data.spans' });
  const read = await readTracesJson(answer.path);
  if ('problem' in read) {
    warnings.push({ code: 'spans-missing', message: `${read.problem}; ${stillRead}`, jsonPath: '$.data.spans' });
    return null;
  }
  return read;
}
