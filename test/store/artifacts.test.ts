import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArtifactUri, percentDecode } from '../../src/store/artifact-uri.js';
import { findTracesJson, type ArtifactQuery } from '../../src/store/artifacts.js';
import { coreInfoFromYaml, parseRfc3339Ms, protoTimestamp } from '../../src/store/trace-info.js';
import { put } from '../helpers/mlruns-writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'tracetriage-artifacts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SPANS = '{"spans": []}';
const query = (storeDir: string, uri: string | undefined, experimentUri?: string): ArtifactQuery => ({
  storeDir,
  experimentId: '1',
  traceId: 'tr-1',
  traceArtifactUri: uri,
  experimentArtifactUri: experimentUri,
});

describe('parseArtifactUri', () => {
  it.each([
    ['file:///home/a/mlruns/1', { kind: 'path', segments: ['home', 'a', 'mlruns', '1'], localAbsolute: '/home/a/mlruns/1' }],
    ['file://localhost/home/a', { kind: 'path', segments: ['home', 'a'], localAbsolute: '/home/a' }],
    ['file:///home/my%20proj/%E2%9C%93', { kind: 'path', segments: ['home', 'my proj', '✓'], localAbsolute: '/home/my proj/✓' }],
    ['file:///c:/Users/me/mlruns', { kind: 'path', segments: ['c:', 'Users', 'me', 'mlruns'], localAbsolute: null }],
    ['file:C:/Users/a b/mlruns', { kind: 'path', segments: ['C:', 'Users', 'a b', 'mlruns'], localAbsolute: null }],
    ['C:\\Users\\a b\\mlruns', { kind: 'path', segments: ['C:', 'Users', 'a b', 'mlruns'], localAbsolute: null }],
    ['/Volumes/T7/proj/mlartifacts/0', { kind: 'path', segments: ['Volumes', 'T7', 'proj', 'mlartifacts', '0'], localAbsolute: '/Volumes/T7/proj/mlartifacts/0' }],
    ['mlruns/1', { kind: 'path', segments: ['mlruns', '1'], localAbsolute: null }],
    ['mlflow-artifacts:/1/traces/tr-1/artifacts', { kind: 'proxied', segments: ['1', 'traces', 'tr-1', 'artifacts'] }],
    ['mlflow-artifacts://host:5000/1/traces', { kind: 'proxied', segments: ['1', 'traces'] }],
    ['s3://bucket/1', { kind: 'remote', scheme: 's3' }],
  ])('%s', (uri, expected) => {
    expect(parseArtifactUri(uri)).toEqual(expected);
  });

  it('decodes percent runs as UTF-8 and leaves a bare % alone', () => {
    expect(percentDecode('a%20b%C3%A9%')).toBe('a bé%');
    expect(percentDecode('100%zz')).toBe('100%zz');
  });
});

describe('findTracesJson', () => {
  it('answers the place the URI says when the file is there (a path of this machine, percent-encoded)', async () => {
    const dir = join(tmp, 'my proj', 'mlruns', '1', 'traces', 'tr-1', 'artifacts');
    put(join(dir, 'traces.json'), SPANS);
    const uri = `file://${join(tmp, 'my%20proj', 'mlruns', '1', 'traces', 'tr-1', 'artifacts')}`;
    expect(await findTracesJson(query(join(tmp, 'elsewhere'), uri))).toEqual({ path: join(dir, 'traces.json'), rerooted: null });
  });

  it.each([
    ['file:///c:/Users/me/proj/mlruns/1/traces/tr-1/artifacts'],
    ['file:C:/Users/a b/proj/mlruns/1/traces/tr-1/artifacts'],
    ['/Users/anie/Documents/Trace/tests/mlruns/1/traces/tr-1/artifacts'],
  ])('re-roots %s under the file store itself, and says so', async (uri) => {
    const store = join(tmp, 'fs', 'mlruns');
    const path = join(store, '1', 'traces', 'tr-1', 'artifacts', 'traces.json');
    put(path, SPANS);
    expect(await findTracesJson(query(store, uri))).toEqual({ path, rerooted: `artifact location ${uri} is not on this machine; traces.json read from ${path} instead` });
  });

  it.each([
    // what the test calls it, the store's folder, where the file is under it, the foreign URI
    ["an SQLite store's paths under the mlruns/ beside the database", 'sqlite-mlruns', 'mlruns', '/Users/dric/projects/chat-app/notebooks/mlruns/1/traces/tr-1/artifacts'],
    ['a container path under the folder it names, beside the database', 'container', 'artifacts', '/mlflow/artifacts/1/traces/tr-1/artifacts'],
  ])('re-roots %s', async (_what, folder, under, uri) => {
    const store = join(tmp, folder);
    const path = join(store, under, '1', 'traces', 'tr-1', 'artifacts', 'traces.json');
    put(path, SPANS);
    expect(await findTracesJson(query(store, uri))).toEqual({ path, rerooted: `artifact location ${uri} is not on this machine; traces.json read from ${path} instead` });
  });

  it('builds the trace location from the experiment artifact_location when the trace has no tag', async () => {
    const store = join(tmp, 'exp-only');
    const path = join(store, 'mlartifacts', '1', 'traces', 'tr-1', 'artifacts', 'traces.json');
    put(path, SPANS);
    const answer = await findTracesJson(query(store, undefined, '/Volumes/Samsung-SSD-T7/skills-fleet/mlartifacts/1/'));
    expect(answer).toEqual({
      path,
      rerooted: `artifact location /Volumes/Samsung-SSD-T7/skills-fleet/mlartifacts/1/traces/tr-1/artifacts is not on this machine; traces.json read from ${path} instead`,
    });
  });

  it('answers mlflow-artifacts:/ from mlartifacts/ beside the database as where the URI says', async () => {
    const store = join(tmp, 'served-db');
    const path = join(store, 'mlartifacts', '1', 'traces', 'tr-1', 'artifacts', 'traces.json');
    put(path, SPANS);
    expect(await findTracesJson(query(store, 'mlflow-artifacts:/1/traces/tr-1/artifacts'))).toEqual({ path, rerooted: null });
  });

  it('lists every place looked at when the file is nowhere, a remote location included', async () => {
    const store = join(tmp, 'nothing', 'mlruns');
    const tail = join('1', 'traces', 'tr-1', 'artifacts', 'traces.json');
    expect(await findTracesJson(query(store, 's3://bucket/1/traces/tr-1/artifacts'))).toEqual({
      path: null,
      tried: [
        's3://bucket/1/traces/tr-1/artifacts (a remote s3 location: not fetched, the store is read offline)',
        join(store, tail),
        join(store, 'mlruns', tail),
        join(store, 'mlartifacts', tail),
        join(tmp, 'nothing', 'mlartifacts', tail),
      ],
    });
  });

  it('says so when neither the trace nor its experiment records an artifact location', async () => {
    const store = join(tmp, 'no-uri', 'mlruns');
    const path = join(store, '1', 'traces', 'tr-1', 'artifacts', 'traces.json');
    put(path, SPANS);
    expect(await findTracesJson(query(store, ''))).toEqual({
      path,
      rerooted: `the trace has no artifact location (no mlflow.artifactLocation tag, no experiment artifact_location); traces.json read from ${path} instead`,
    });
  });
});

describe('trace info times and shapes', () => {
  it.each([
    // Milliseconds by hand: 2025-08-18T19:13:41Z is 1755544421 s (`date -u -d 2025-08-18T19:13:41Z +%s`).
    ['2025-08-18T19:13:41.894Z', 1755544421894],
    ['2025-08-18T19:13:41Z', 1755544421000],
    ['2025-08-18T19:13:41.894999999Z', 1755544421894],
    ['2025-08-18T21:13:41.894+02:00', 1755544421894],
    ['2025-08-18T19:13:41.894', null],
    ['2025-02-30T00:00:00Z', null],
    ['yesterday', null],
  ])('parseRfc3339Ms(%s)', (text, ms) => {
    expect(parseRfc3339Ms(text)).toBe(ms);
  });

  it('prints times as protobuf Timestamp JSON does', () => {
    expect(protoTimestamp(1755544421894)).toBe('2025-08-18T19:13:41.894Z');
    expect(protoTimestamp(1755544421000)).toBe('2025-08-18T19:13:41Z');
    expect(protoTimestamp(1755544421050)).toBe('2025-08-18T19:13:41.050Z');
  });

  it('maps V2 statuses to V3 states as TraceStatus.to_state does, and refuses unknown ones', () => {
    const v2 = (status: string) => coreInfoFromYaml({ request_id: 'abc', timestamp_ms: 0, execution_time_ms: null, status }, '1');
    expect(v2('TRACE_STATUS_UNSPECIFIED')).toEqual({
      info: { shape: 'V2', traceId: 'abc', experimentId: '1', requestTimeMs: 0, executionDurationMs: null, state: 'STATE_UNSPECIFIED', inlineAssessments: [] },
      warnings: [],
    });
    expect(v2('DONE')).toEqual({
      problem: {
        message: 'trace_info.yaml: `status` is "DONE", expected one of TRACE_STATUS_UNSPECIFIED, OK, ERROR, IN_PROGRESS',
        jsonPath: '$.status',
        expected: 'one of TRACE_STATUS_UNSPECIFIED, OK, ERROR, IN_PROGRESS',
        found: '"DONE"',
      },
    });
  });

  it('takes the experiment from the folder, with a warning, when a V3 info has no trace_location', () => {
    expect(coreInfoFromYaml({ trace_id: 'tr-1', request_time: '2025-08-18T19:13:41Z', state: 'OK', execution_duration_ms: 5, request_preview: 7 }, '3')).toEqual({
      info: { shape: 'V3', traceId: 'tr-1', experimentId: '3', requestTimeMs: 1755544421000, executionDurationMs: 5, state: 'OK', inlineAssessments: [] },
      warnings: ["trace_info.yaml has no trace_location.mlflow_experiment.experiment_id; the experiment folder's id 3 is used", 'trace_info.yaml: `request_preview` is 7, expected a string; not read'],
    });
  });
});
