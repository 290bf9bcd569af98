import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFileStore, readFileStore } from '../../src/store/file-store.js';
import type { StoreEvent, StoreReadOptions, StoreTrace } from '../../src/store/types.js';
import { put, q, span, v2Info, v3Info, writeExperiment, writeTrace } from '../helpers/mlruns-writer.js';

/** A store trace's `data`: the traces.json text the reader keeps (parsed here), else the empty data it sets. */
function dataOf(t: StoreTrace): { spans: unknown[] } {
  return t.dataJson !== undefined ? (JSON.parse(t.dataJson) as { spans: unknown[] }) : t.trace.data;
}

const FIXTURES = fileURLToPath(new URL('../stores/', import.meta.url));
const LLMOPS = join(FIXTURES, 'filestore_2.21.3__Pabitra-Biswas_LLMOps');
const OPENTRACE = join(FIXTURES, 'filestore_3.x__guru-code-expert_OpenTrace');
const PROMPTCHAIN = join(FIXTURES, 'filestore_3.x__gyasis_PromptChain');
const UPSTREAM = fileURLToPath(new URL('../fixtures/', import.meta.url));

const tmp = mkdtempSync(join(tmpdir(), 'tracetriage-filestore-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function readAll(root: string, options: StoreReadOptions = {}): Promise<StoreEvent[]> {
  const events: StoreEvent[] = [];
  for await (const event of readFileStore(root, options)) events.push(event);
  return events;
}
const tracesOf = (events: StoreEvent[]): StoreTrace[] => events.flatMap((e) => (e.type === 'trace' ? [e.trace] : []));
const notesOf = (events: StoreEvent[]): string[] => events.flatMap((e) => (e.type === 'note' ? [e.message] : []));
/** One line per trace: what the tests compare against the fixture tables. */
const row = (t: StoreTrace): string => [t.traceId, t.experimentId, t.trace.info.state, t.trace.info.request_time, t.trace.info.execution_duration_ms, dataOf(t).spans.length].join(' ');

/** Copies a fixture folder with plain reads and writes (the fixtures are read-only; the copy must not be). */
function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    if (statSync(source).isDirectory()) copyTree(source, join(to, name));
    else writeFileSync(join(to, name), readFileSync(source));
  }
}

describe('isFileStore', () => {
  it('recognises the three fixture file stores', async () => {
    for (const store of [LLMOPS, OPENTRACE, PROMPTCHAIN]) expect(await isFileStore(join(store, 'mlruns'))).toBe(true);
  });

  it('does not take a folder named mlruns holding only mlflow.db, an empty folder or a missing one for a file store', async () => {
    put(join(tmp, 'db-only', 'mlruns', 'mlflow.db'), 'SQLite format 3\0');
    mkdirSync(join(tmp, 'empty'));
    expect(await isFileStore(join(tmp, 'db-only', 'mlruns'))).toBe(false);
    expect(await isFileStore(join(tmp, 'empty'))).toBe(false);
    expect(await isFileStore(join(tmp, 'no-such-folder'))).toBe(false);
  });

  it('recognises a store whose only experiment is deleted (under .trash/)', async () => {
    writeExperiment(join(tmp, 'trash-only'), '.trash/5', '5', 'gone', { deleted: true });
    expect(await isFileStore(join(tmp, 'trash-only'))).toBe(true);
  });
});

describe('fixture file stores', () => {
  it('LLMOps (MLflow 2.21.3, V2 trace_info.yaml, spans in mlartifacts/ beside mlruns/)', async () => {
    const events = await readAll(join(LLMOPS, 'mlruns'));
    const traces = tracesOf(events);
    // SOURCES.md §3: 1 trace, OK, 15 spans; timestamp_ms 1759556771079 is 2025-10-04T05:46:11.079Z
    // (`date -u -d @1759556771.079`), execution_time_ms 12815, as trace_info.yaml says.
    expect(traces.map(row)).toEqual(['b9393581e3e542dc8c17948a50807d33 818971639900887212 OK 2025-10-04T05:46:11.079Z 12815 15']);
    const [trace] = traces;
    expect(trace!.location).toBe('818971639900887212/traces/b9393581e3e542dc8c17948a50807d33');
    // mlflow-artifacts:/… resolved to mlartifacts/ beside the store, where the server put it: no warning.
    expect(trace!.warnings).toEqual([]);
    // V2 converts as TraceInfoV2.to_v3 does: no previews (V2 has none), metadata and tags as stored.
    expect(Object.keys(trace!.trace.info)).toEqual(['trace_id', 'trace_location', 'request_time', 'state', 'trace_metadata', 'tags', 'execution_duration_ms']);
    expect(trace!.trace.info.trace_location).toEqual({ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '818971639900887212' } });
    const metadata = trace!.trace.info.trace_metadata as Record<string, string>;
    expect(Object.keys(metadata)).toEqual(['mlflow.traceInputs', 'mlflow.traceOutputs', 'mlflow.trace_schema.version']);
    expect(metadata['mlflow.trace_schema.version']).toBe('2');
    expect(metadata['mlflow.traceInputs']).toBe('{"question": "What were the key contributions of the Apollo 11 mission?"}');
    // mlflow.source.* are tags in this store (SOURCES.md, oddities).
    expect(trace!.trace.info.tags).toEqual({
      'mlflow.artifactLocation': 'mlflow-artifacts:/818971639900887212/traces/b9393581e3e542dc8c17948a50807d33/artifacts',
      'mlflow.source.name': 'e:\\llmops-advanced-rag\\venv\\Lib\\site-packages\\ipykernel_launcher.py',
      'mlflow.source.type': 'LOCAL',
      'mlflow.traceName': 'AdvancedRAG.forward',
    });
    // Spans as traces.json holds them (2.x shape): SOURCES.md counts 4 RETRIEVER, 4 PARSER, 3 CHAIN, 2 LLM, 2 CHAT_MODEL.
    const types = (dataOf(trace!).spans as { attributes: Record<string, string> }[]).map((s) => s.attributes['mlflow.spanType']).sort();
    expect(types).toEqual([
      '"CHAIN"',
      '"CHAIN"',
      '"CHAIN"',
      '"CHAT_MODEL"',
      '"CHAT_MODEL"',
      '"LLM"',
      '"LLM"',
      '"PARSER"',
      '"PARSER"',
      '"PARSER"',
      '"PARSER"',
      '"RETRIEVER"',
      '"RETRIEVER"',
      '"RETRIEVER"',
      '"RETRIEVER"',
    ]);
    expect((dataOf(trace!).spans[0] as { context: unknown }).context).toEqual({ span_id: 'dc82f04afd11495e', trace_id: '7b4e32ea3a857e6c1a6d58489922bf53' });
    expect(notesOf(events)).toEqual([`file store ${join(LLMOPS, 'mlruns')}: read 1 trace from 2 experiments (0 'Default', 818971639900887212 'Advanced RAG Experiments')`]);
  });

  it('OpenTrace (3.2-era V3): 7 traces in request-time order, 2 errors, spans re-rooted from another machine', async () => {
    const events = await readAll(join(OPENTRACE, 'mlruns'));
    const traces = tracesOf(events);
    // From each traces/<id>/trace_info.yaml (request_time, state, execution_duration_ms) and the
    // length of each artifacts/traces.json "spans" list, sorted by request_time by hand.
    expect(traces.map(row)).toEqual([
      'tr-043f86776748b4a75b6b16297c922e29 0 ERROR 2025-08-18T19:13:41.894Z 47 1',
      'tr-932a0a45475044081c69d63ee68996f9 0 OK 2025-08-18T19:15:14.910Z 151 1',
      'tr-e7b04f0e82e5237ba64f1c5919e1c54d 0 ERROR 2025-08-18T19:15:37.528Z 95 1',
      'tr-0e31bdf8abd24d582788432e4ed426d2 0 OK 2025-08-18T19:33:56.895Z 152 1',
      'tr-5b9e77332e44dd6475980132bf4b3bec 0 OK 2025-08-18T19:34:18.561Z 227 1',
      'tr-8ced0bf3e3acbe1dc4bab85ee456a009 0 OK 2025-08-18T19:34:44.192Z 45387 1',
      'tr-38a7853fdda1300d0047a6e5345a6e19 0 OK 2025-08-18T19:41:22.879Z 150 1',
    ]);
    const first = traces[0]!;
    expect(first.warnings).toEqual([
      {
        code: 'artifact-rerooted',
        message: `artifact location file:///Users/anie/Documents/AgentOpt/Trace/tests/mlruns/0/traces/tr-043f86776748b4a75b6b16297c922e29/artifacts is not on this machine; traces.json read from ${join(OPENTRACE, 'mlruns/0/traces/tr-043f86776748b4a75b6b16297c922e29/artifacts/traces.json')} instead`,
        jsonPath: '$.data.spans',
      },
    ]);
    expect(traces.map((t) => t.warnings.map((w) => w.code).join())).toEqual(Array(7).fill('artifact-rerooted'));
    // 0-byte request_metadata/mlflow.traceInputs and mlflow.traceOutputs (ls -l), request_preview: ''.
    const metadata = first.trace.info.trace_metadata as Record<string, string>;
    expect([metadata['mlflow.traceInputs'], metadata['mlflow.traceOutputs'], first.trace.info.request_preview, first.trace.info.response_preview]).toEqual(['', '', '', '']);
    // 11 files in request_metadata/ (ls | wc -l), 2 in tags/.
    expect(Object.keys(metadata)).toHaveLength(11);
    expect(Object.keys(first.trace.info.tags as object)).toEqual(['mlflow.artifactLocation', 'mlflow.traceName']);
    const errorSpan = dataOf(first).spans[0] as { status: { code: string }; events: { name: string }[] };
    expect(errorSpan.status.code).toBe('STATUS_CODE_ERROR');
    expect(errorSpan.events.map((e) => e.name)).toEqual(['exception']);
    expect(notesOf(events)).toEqual([`file store ${join(OPENTRACE, 'mlruns')}: read 7 traces from 1 experiment (0 'Default')`]);
  });

  it('PromptChain (3.x, 4 experiments, runs and tags/ beside traces/): 8 traces, 57 spans, 1 error', async () => {
    const events = await readAll(join(PROMPTCHAIN, 'mlruns'));
    const traces = tracesOf(events);
    // trace_info.yaml of each trace folder and len(spans) of each traces.json; SOURCES.md §5 says 57 in all.
    expect(traces.map(row)).toEqual([
      'tr-9dec1f6cbabc548f11ae1c27edc5d2de 814324303839750732 OK 2026-01-19T20:02:19.569Z 13374 2',
      'tr-8e5ba203b3f9c0443999fcce73ef9973 814324303839750732 OK 2026-01-19T20:14:20.187Z 12067 2',
      'tr-cfd2e86f8451e6ea2e1f0dc777c843f8 814324303839750732 ERROR 2026-01-19T20:25:39.319Z 1502 3',
      'tr-fc103389ec7760e57344ca8f00c146fe 814324303839750732 OK 2026-01-19T20:30:25.482Z 12783 10',
      'tr-91e94931589ad7a32e69913fbee01b86 814324303839750732 OK 2026-01-19T20:37:12.790Z 13169 10',
      'tr-a443ef52c97a28e930591d6b9abb61e7 814324303839750732 OK 2026-01-20T12:45:59.911Z 14844 10',
      'tr-c51e4ea0416b1a3b9e7bd7e6500d786f 814324303839750732 OK 2026-01-20T12:46:56.089Z 9613 10',
      'tr-7fd8b533241a761abda88a525d48afac 814324303839750732 OK 2026-01-20T12:51:36.189Z 17129 10',
    ]);
    expect(traces.reduce((n, t) => n + dataOf(t).spans.length, 0)).toBe(57);
    // num_spans of every mlflow.trace.sizeStats equals its traces.json: no spans-partial.
    expect(new Set(traces.flatMap((t) => t.warnings.map((w) => w.code)))).toEqual(new Set(['artifact-rerooted']));
    const error = traces[2]!.trace.info.trace_metadata as Record<string, string>;
    expect(error['mlflow.traceOutputs']).toBe('');
    expect(error['mlflow.sourceRun']).toBe('a2119c4ccf414a0396a15dcab1a4d401');
    expect(notesOf(events)).toEqual([
      `file store ${join(PROMPTCHAIN, 'mlruns')}: read 8 traces from 4 experiments (0 'Default', 574992898296101589 'test_experiment', 696014718332867630 'promptchain_tutorial', 814324303839750732 'phase_2-4_tracing')`,
    ]);
  });

  it('LLMOps without its mlartifacts/: the trace is kept with a spans-missing warning naming every place looked at', async () => {
    const copy = join(tmp, 'llmops-no-artifacts');
    copyTree(join(LLMOPS, 'mlruns'), join(copy, 'mlruns'));
    const traces = tracesOf(await readAll(join(copy, 'mlruns')));
    const tail = '818971639900887212/traces/b9393581e3e542dc8c17948a50807d33/artifacts/traces.json';
    expect(traces.map(row)).toEqual(['b9393581e3e542dc8c17948a50807d33 818971639900887212 OK 2025-10-04T05:46:11.079Z 12815 0']);
    expect(traces[0]!.warnings).toEqual([
      {
        code: 'spans-missing',
        message: `no traces.json found (looked at ${[join(copy, 'mlartifacts', tail), join(copy, 'mlruns/mlartifacts', tail), join(copy, 'mlruns', tail), join(copy, 'mlruns/mlruns', tail)].join(', ')}); the trace has no spans here, the trace's info, metadata, tags and assessments are still read`,
        jsonPath: '$.data.spans',
      },
    ]);
    expect(Object.keys(traces[0]!.trace.info.trace_metadata as object)).toHaveLength(3);
  });
});

describe('a trace as mlflow traces search --output json prints it', () => {
  it("reads back the upstream 3.6 trace (session, user, five assessments) from MLflow's file layout unchanged", async () => {
    const upstream = JSON.parse(readFileSync(join(UPSTREAM, 'v3.6_trace_ok_assessments_session.json'), 'utf8')) as { info: Record<string, unknown>; data: { spans: unknown[] } };
    const info = upstream.info as {
      trace_id: string;
      client_request_id: string;
      request_time: string;
      state: string;
      execution_duration_ms: number;
      request_preview: string;
      response_preview: string;
      trace_metadata: Record<string, string>;
      tags: Record<string, string>;
      assessments: { assessment_id: string }[];
    };
    const root = join(tmp, 'upstream', 'mlruns');
    writeExperiment(root, '400654040727596423', '400654040727596423', 'upstream');
    // Assessment.to_dictionary is what the file store writes to assessments/<id>.yaml; JSON is YAML.
    writeTrace(join(root, '400654040727596423', 'traces', info.trace_id), {
      info: v3Info({
        traceId: info.trace_id,
        experimentId: '400654040727596423',
        requestTime: info.request_time,
        state: info.state,
        durationMs: info.execution_duration_ms,
        requestPreview: info.request_preview,
        responsePreview: info.response_preview,
        clientRequestId: info.client_request_id,
      }),
      metadata: info.trace_metadata,
      tags: info.tags,
      assessments: Object.fromEntries(info.assessments.map((a) => [a.assessment_id, JSON.stringify(a)])),
      spans: upstream.data.spans,
    });
    const [trace] = tracesOf(await readAll(root));
    const byId = (list: unknown): unknown[] => [...(list as { assessment_id: string }[])].sort((a, b) => a.assessment_id.localeCompare(b.assessment_id));
    const { assessments, ...rest } = trace!.trace.info;
    const { assessments: expected, ...expectedRest } = upstream.info;
    expect(rest).toEqual(expectedRest);
    expect(byId(assessments)).toEqual(byId(expected));
    expect(Object.keys(trace!.trace.info)).toEqual(Object.keys(upstream.info));
    for (const a of assessments as Record<string, unknown>[]) {
      const original = info.assessments.find((b) => b.assessment_id === a.assessment_id)!;
      expect(Object.keys(a)).toEqual(Object.keys(original));
    }
    expect(dataOf(trace!)).toEqual(upstream.data);
    // The artifact location is the upstream machine's (file:///path/to/mlruns/…): re-rooted to the trace folder.
    expect(trace!.warnings.map((w) => w.code)).toEqual(['artifact-rerooted']);
  });
});

describe('generated file store: what the fixtures lack', () => {
  const root = join(tmp, 'gen', 'mlruns');
  const exp1 = join(root, '1', 'traces');
  const v2Id = '0123456789abcdef0123456789abcdef';

  beforeAll(() => {
    writeExperiment(root, '0', '0', 'Default');
    writeExperiment(root, '1', '1', 'chat');
    writeExperiment(root, '2', '2', 'other');
    writeExperiment(root, '3', '3', 'old', { deleted: true });
    writeExperiment(root, '.trash/4', '4', 'trashed', { deleted: true });
    mkdirSync(join(root, 'models'), { recursive: true });
    // A server whose volume is mlruns/ may leave its SQLite database among the experiments.
    put(join(root, 'mlflow.db'), 'SQLite format 3\0');
    // A metadata key with a slash is a nested file, as MLflow lists it.
    put(join(exp1, 'tr-zzz', 'request_metadata', 'team', 'owner'), 'ops');
    const here = (id: string): string => `file://${join(exp1, id, 'artifacts')}`;
    writeTrace(join(exp1, 'tr-aaa'), {
      info: v3Info({
        traceId: 'tr-aaa',
        experimentId: '1',
        requestTime: '2026-01-19T10:00:02.500Z',
        state: 'OK',
        durationMs: 20,
        requestPreview: '{"q": "hi"}',
        responsePreview: '"hello"',
        clientRequestId: 'req-1',
      }),
      metadata: { 'mlflow.trace.session': 's-1', 'mlflow.trace.user': 'u-1', 'mlflow.trace.sizeStats': '{"num_spans": 2}' },
      tags: { 'mlflow.artifactLocation': here('tr-aaa'), 'mlflow.traceName': 'agent' },
      assessments: {
        'a-1': [
          'assessment_id: a-1',
          'assessment_name: correctness',
          "create_time: '2026-01-19T10:00:05.000Z'",
          'feedback:',
          '  value: true',
          "last_update_time: '2026-01-19T10:00:05Z'",
          'rationale: Matches the tool output.',
          'source:',
          '  source_id: openai:/gpt-4o-mini',
          '  source_type: LLM_JUDGE',
          'span_id: 5b558896d43fb57c',
          'trace_id: tr-aaa',
          'valid: true',
          '',
        ].join('\n'),
        'a-2': [
          'assessment_id: a-2',
          'assessment_name: safety',
          'feedback:',
          '  error:',
          '    error_code: RATE_LIMIT_EXCEEDED',
          '    error_message: judge rate limited',
          '  value: null',
          'source:',
          '  source_id: databricks',
          '  source_type: LLM_JUDGE',
          'trace_id: tr-aaa',
          'valid: true',
          '',
        ].join('\n'),
        'a-3': [
          'assessment_id: a-3',
          'assessment_name: expected_response',
          'expectation:',
          `  value: ${q('yes')}`,
          'source:',
          '  source_id: alice@example.com',
          '  source_type: HUMAN',
          'trace_id: tr-aaa',
          '',
        ].join('\n'),
        'a-4': [
          'assessment_id: a-4',
          'assessment_name: expected_facts',
          'expectation:',
          '  serialized_value:',
          '    serialization_format: JSON_FORMAT',
          `    value: ${q('["sunny", "Paris"]')}`,
          'source:',
          '  source_id: default',
          '  source_type: HUMAN',
          'trace_id: tr-aaa',
          '',
        ].join('\n'),
        'a-5': [
          'assessment_id: a-5',
          'assessment_name: helpfulness',
          'feedback:',
          '  value: 2',
          'metadata:',
          "  rubric: '1-5'",
          'source:',
          '  source_id: alice@example.com',
          '  source_type: HUMAN',
          'trace_id: tr-aaa',
          'valid: false',
          '',
        ].join('\n'),
        'a-6': [
          'assessment_id: a-6',
          'assessment_name: helpfulness',
          'feedback:',
          '  value: 4',
          'overrides: a-5',
          'source:',
          '  source_id: bob@example.com',
          '  source_type: HUMAN',
          'trace_id: tr-aaa',
          'valid: true',
          '',
        ].join('\n'),
      },
      spans: [span('agent', 'AAAAAAAAAAE=', null), span('llm', 'AAAAAAAAAAI=', 'AAAAAAAAAAE=')],
    });
    writeTrace(join(exp1, 'tr-zzz'), {
      info: v3Info({ traceId: 'tr-zzz', experimentId: '1', requestTime: '2026-01-19T10:00:01Z', state: 'OK', durationMs: 5 }),
      metadata: { 'mlflow.trace.session': 's-1' },
      tags: { 'mlflow.artifactLocation': here('tr-zzz') },
      spans: [span('agent', 'AAAAAAAAAAM=', null)],
    });
    writeTrace(join(exp1, v2Id), {
      // timestamp 1768816803250 is 2026-01-19T10:00:03.250Z (`date -u -d @1768816803.250`).
      info: v2Info({ requestId: v2Id, experimentId: '1', timestampMs: 1768816803250, durationMs: 30, status: 'ERROR' }),
      metadata: { 'mlflow.traceInputs': '', 'mlflow.traceOutputs': '', 'mlflow.trace_schema.version': '2' },
      tags: { 'mlflow.artifactLocation': `C:\\Users\\a b\\proj\\mlruns\\1\\traces\\${v2Id}\\artifacts` },
      spans: [span('root', 'AAAAAAAAAAQ=', null, 'STATUS_CODE_ERROR')],
    });
    writeTrace(join(exp1, 'tr-ip'), {
      info: v3Info({ traceId: 'tr-ip', experimentId: '1', requestTime: '2026-01-19T10:00:04.000Z', state: 'IN_PROGRESS' }),
      metadata: { 'mlflow.trace.sizeStats': '{"total_size_bytes": 10, "num_spans": 3}' },
      tags: { 'mlflow.artifactLocation': here('tr-ip') },
      spans: [span('agent', 'AAAAAAAAAAU=', null)],
    });
    writeTrace(join(exp1, 'tr-nospans'), {
      info: v3Info({ traceId: 'tr-nospans', experimentId: '1', requestTime: '2026-01-19T10:00:05.000Z', state: 'ERROR', durationMs: 7 }),
      metadata: { 'mlflow.trace.session': 's-2' },
      tags: { 'mlflow.artifactLocation': '/home/other/mlruns/1/traces/tr-nospans/artifacts' },
      spans: null,
    });
    put(join(exp1, 'tr-broken', 'trace_info.yaml'), 'trace_id: tr-broken\nstate: [OK\nrequest_time: x\n');
    put(join(exp1, 'tr-nokey', 'trace_info.yaml'), v3Info({ traceId: 'tr-nokey', experimentId: '1', requestTime: '2026-01-19T10:00:06.000Z', state: 'OK' }).replace('state: OK\n', ''));
    put(join(exp1, 'tr-empty', 'tags', 'mlflow.traceName'), 'agent');
    put(join(exp1, 'README.txt'), 'not a trace');
    writeTrace(join(root, '2', 'traces', 'tr-other'), {
      info: v3Info({ traceId: 'tr-other', experimentId: '2', requestTime: '2026-01-01T00:00:00.000Z', state: 'OK', durationMs: 1 }),
      spans: [span('agent', 'AAAAAAAAAAY=', null)],
    });
    writeTrace(join(root, '3', 'traces', 'tr-del3'), {
      info: v3Info({ traceId: 'tr-del3', experimentId: '3', requestTime: '2026-01-01T00:00:00.000Z', state: 'OK', durationMs: 1 }),
      spans: [span('agent', 'AAAAAAAAAAc=', null)],
    });
    writeTrace(join(root, '.trash', '4', 'traces', 'tr-del4'), {
      info: v3Info({ traceId: 'tr-del4', experimentId: '4', requestTime: '2026-01-01T00:00:00.000Z', state: 'OK', durationMs: 1 }),
      spans: [span('agent', 'AAAAAAAAAAg=', null)],
    });
  });

  const sequence = (events: StoreEvent[]): string[] => events.flatMap((e) => (e.type === 'trace' ? [`trace ${e.trace.location}`] : e.type === 'rejected' ? [`rejected ${e.location}`] : []));

  it('streams experiments in id order and traces in request-time order; unreadable trace infos are rejected, not dropped', async () => {
    const events = await readAll(root);
    // Request times as written above: zzz 10:00:01, aaa 10:00:02.5, V2 10:00:03.25, ip 10:00:04,
    // nospans 10:00:05; the three without a readable time follow by folder name; then experiment 2.
    expect(sequence(events)).toEqual([
      'trace 1/traces/tr-zzz',
      'trace 1/traces/tr-aaa',
      `trace 1/traces/${v2Id}`,
      'trace 1/traces/tr-ip',
      'trace 1/traces/tr-nospans',
      'rejected 1/traces/tr-broken',
      'rejected 1/traces/tr-empty',
      'rejected 1/traces/tr-nokey',
      'trace 2/traces/tr-other',
    ]);
    expect(notesOf(events)).toEqual([
      'not experiments, not read: mlflow.db',
      "experiment 3 'old' is deleted (lifecycle_stage: deleted): skipped; select it by id (3) to read it",
      "experiment 4 'trashed' is deleted (in .trash/): skipped; select it by id (4) to read it",
      '1/traces holds a file that is not a trace folder, not read: README.txt',
      `file store ${root}: read 6 traces and rejected 3 from 3 experiments (0 'Default', 1 'chat', 2 'other')`,
    ]);
  });

  it('says what is wrong with each rejected trace folder', async () => {
    const rejected = (await readAll(root)).filter((e) => e.type === 'rejected');
    expect(rejected).toEqual([
      {
        type: 'rejected',
        traceId: 'tr-broken',
        location: '1/traces/tr-broken',
        message: 'trace_info.yaml: YAML error at line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
      { type: 'rejected', traceId: 'tr-empty', location: '1/traces/tr-empty', message: 'no trace_info.yaml in the trace folder (MLflow writes one for every trace)', expected: 'trace_info.yaml' },
      {
        type: 'rejected',
        traceId: 'tr-nokey',
        location: '1/traces/tr-nokey',
        message: 'trace_info.yaml has no `state` (a V3 trace info needs trace_id, request_time and state)',
        jsonPath: '$.state',
        expected: 'state',
      },
    ]);
  });

  it('reads sessions and users from request_metadata and every kind of assessment as MLflow prints it', async () => {
    const trace = tracesOf(await readAll(root)).find((t) => t.traceId === 'tr-aaa')!;
    expect(trace.warnings).toEqual([]);
    expect(trace.trace.info).toEqual({
      trace_id: 'tr-aaa',
      client_request_id: 'req-1',
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
      request_time: '2026-01-19T10:00:02.500Z',
      state: 'OK',
      trace_metadata: { 'mlflow.trace.session': 's-1', 'mlflow.trace.sizeStats': '{"num_spans": 2}', 'mlflow.trace.user': 'u-1' },
      assessments: [
        {
          assessment_id: 'a-1',
          assessment_name: 'correctness',
          trace_id: 'tr-aaa',
          span_id: '5b558896d43fb57c',
          source: { source_id: 'openai:/gpt-4o-mini', source_type: 'LLM_JUDGE' },
          create_time: '2026-01-19T10:00:05.000Z',
          last_update_time: '2026-01-19T10:00:05Z',
          feedback: { value: true },
          rationale: 'Matches the tool output.',
          valid: true,
        },
        {
          assessment_id: 'a-2',
          assessment_name: 'safety',
          trace_id: 'tr-aaa',
          source: { source_id: 'databricks', source_type: 'LLM_JUDGE' },
          feedback: { error: { error_code: 'RATE_LIMIT_EXCEEDED', error_message: 'judge rate limited' }, value: null },
          valid: true,
        },
        { assessment_id: 'a-3', assessment_name: 'expected_response', trace_id: 'tr-aaa', source: { source_id: 'alice@example.com', source_type: 'HUMAN' }, expectation: { value: 'yes' } },
        {
          assessment_id: 'a-4',
          assessment_name: 'expected_facts',
          trace_id: 'tr-aaa',
          source: { source_id: 'default', source_type: 'HUMAN' },
          expectation: { serialized_value: { serialization_format: 'JSON_FORMAT', value: '["sunny", "Paris"]' } },
        },
        {
          assessment_id: 'a-5',
          assessment_name: 'helpfulness',
          trace_id: 'tr-aaa',
          source: { source_id: 'alice@example.com', source_type: 'HUMAN' },
          feedback: { value: 2 },
          metadata: { rubric: '1-5' },
          valid: false,
        },
        {
          assessment_id: 'a-6',
          assessment_name: 'helpfulness',
          trace_id: 'tr-aaa',
          source: { source_id: 'bob@example.com', source_type: 'HUMAN' },
          feedback: { value: 4 },
          overrides: 'a-5',
          valid: true,
        },
      ],
      tags: { 'mlflow.artifactLocation': `file://${join(exp1, 'tr-aaa', 'artifacts')}`, 'mlflow.traceName': 'agent' },
      request_preview: '{"q": "hi"}',
      response_preview: '"hello"',
      execution_duration_ms: 20,
    });
    // MLflow's print order (proto field order), not the YAML file's sorted order.
    expect(Object.keys((trace.trace.info.assessments as object[])[0]!)).toEqual([
      'assessment_id',
      'assessment_name',
      'trace_id',
      'span_id',
      'source',
      'create_time',
      'last_update_time',
      'feedback',
      'rationale',
      'valid',
    ]);
    expect(dataOf(trace).spans.map((s) => (s as { name: string }).name)).toEqual(['agent', 'llm']);
  });

  it('converts a V2 trace info next to V3 ones and keeps 0-byte metadata files as empty strings', async () => {
    const trace = tracesOf(await readAll(root)).find((t) => t.traceId === v2Id)!;
    expect(trace.trace.info).toEqual({
      trace_id: v2Id,
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
      request_time: '2026-01-19T10:00:03.250Z',
      state: 'ERROR',
      trace_metadata: { 'mlflow.traceInputs': '', 'mlflow.traceOutputs': '', 'mlflow.trace_schema.version': '2' },
      tags: { 'mlflow.artifactLocation': `C:\\Users\\a b\\proj\\mlruns\\1\\traces\\${v2Id}\\artifacts` },
      execution_duration_ms: 30,
    });
    expect(trace.warnings).toEqual([
      {
        code: 'artifact-rerooted',
        message: `artifact location C:\\Users\\a b\\proj\\mlruns\\1\\traces\\${v2Id}\\artifacts is not on this machine; traces.json read from ${join(exp1, v2Id, 'artifacts/traces.json')} instead`,
        jsonPath: '$.data.spans',
      },
    ]);
  });

  it('prints a whole-second request time as protobuf does, and no duration for a trace in progress, with spans-partial when sizeStats counts more spans', async () => {
    const traces = tracesOf(await readAll(root));
    const whole = traces.find((t) => t.traceId === 'tr-zzz')!;
    expect(whole.trace.info.request_time).toBe('2026-01-19T10:00:01Z');
    expect(whole.trace.info.trace_metadata).toEqual({ 'mlflow.trace.session': 's-1', 'team/owner': 'ops' });
    const inProgress = traces.find((t) => t.traceId === 'tr-ip')!;
    expect(inProgress.trace.info.state).toBe('IN_PROGRESS');
    expect('execution_duration_ms' in inProgress.trace.info).toBe(false);
    expect(inProgress.warnings).toEqual([{ code: 'spans-partial', message: 'mlflow.trace.sizeStats says 3 spans, the store holds 1: the trace is incomplete', jsonPath: '$.data.spans' }]);
  });

  it('keeps a trace whose traces.json is nowhere, with every place looked at', async () => {
    const trace = tracesOf(await readAll(root)).find((t) => t.traceId === 'tr-nospans')!;
    const tail = '1/traces/tr-nospans/artifacts/traces.json';
    const gen = join(tmp, 'gen');
    const tried = ['/home/other/mlruns/1/traces/tr-nospans/artifacts/traces.json', join(root, tail), join(root, 'mlruns', tail), join(root, 'mlartifacts', tail), join(gen, 'mlartifacts', tail)];
    expect(trace.warnings).toEqual([
      {
        code: 'spans-missing',
        message: `no traces.json found (looked at ${tried.join(', ')}); the trace has no spans here, the trace's info, metadata, tags and assessments are still read`,
        jsonPath: '$.data.spans',
      },
    ]);
    expect(dataOf(trace).spans).toEqual([]);
    expect(trace.trace.info.trace_metadata).toEqual({ 'mlflow.trace.session': 's-2' });
    expect(trace.trace.info.state).toBe('ERROR');
  });

  it('selects experiments by id and by name; a deleted one only by id', async () => {
    expect(sequence(await readAll(root, { experimentIds: ['2'] }))).toEqual(['trace 2/traces/tr-other']);
    const byName = await readAll(root, { experimentNames: ['other', 'old', 'missing'] });
    expect(sequence(byName)).toEqual(['trace 2/traces/tr-other']);
    expect(notesOf(byName)).toEqual([
      'not experiments, not read: mlflow.db',
      "experiment 3 'old' is deleted (lifecycle_stage: deleted): skipped; select it by id (3) to read it",
      "no experiment named 'missing' in this store",
      "experiments selected: 2 'other'; 4 others not read",
      `file store ${root}: read 1 trace from 1 experiment (2 'other')`,
    ]);
    const deleted = await readAll(root, { experimentIds: ['3', '4', '9'] });
    expect(sequence(deleted)).toEqual(['trace 3/traces/tr-del3', 'trace .trash/4/traces/tr-del4']);
    expect(notesOf(deleted)).toEqual([
      'not experiments, not read: mlflow.db',
      "experiment 3 'old' is deleted; read because it was selected by id",
      "experiment 4 'trashed' is deleted; read because it was selected by id",
      'no experiment with id 9 in this store',
      "experiments selected: 3 'old', 4 'trashed'; 3 others not read",
      `file store ${root}: read 2 traces from 2 experiments (3 'old', 4 'trashed')`,
    ]);
  });

  it('finds spans of a proxied-artifact store (mlflow-artifacts:/) in mlartifacts/ beside mlruns/', async () => {
    const server = join(tmp, 'server');
    writeExperiment(join(server, 'mlruns'), '7', '7', 'served', { artifactLocation: 'mlflow-artifacts:/7' });
    writeTrace(join(server, 'mlruns', '7', 'traces', 'tr-p'), {
      info: v3Info({ traceId: 'tr-p', experimentId: '7', requestTime: '2026-01-01T00:00:00.000Z', state: 'OK', durationMs: 3 }),
      tags: { 'mlflow.artifactLocation': 'mlflow-artifacts:/7/traces/tr-p/artifacts' },
      spans: null,
    });
    put(join(server, 'mlartifacts', '7', 'traces', 'tr-p', 'artifacts', 'traces.json'), JSON.stringify({ spans: [span('a', 'AQ==', null), span('b', 'Ag==', 'AQ==')] }));
    const [trace] = tracesOf(await readAll(join(server, 'mlruns')));
    expect(trace!.warnings).toEqual([]);
    expect(dataOf(trace!).spans.map((s) => (s as { name: string }).name)).toEqual(['a', 'b']);
  });

  it('names unreadable metadata, tag and assessment files and reads the rest of the trace', async () => {
    const store = join(tmp, 'bad-values', 'mlruns');
    writeExperiment(store, '1', '1', 'x');
    const dir = join(store, '1', 'traces', 'tr-b');
    writeTrace(dir, {
      info: v3Info({ traceId: 'tr-b', experimentId: '1', requestTime: '2026-01-01T00:00:00.000Z', state: 'OK', durationMs: 3 }),
      metadata: { 'mlflow.trace.session': 's-9' },
      assessments: { 'a-bad': 'assessment_id: a-bad\nfeedback: {value: [1,\n' },
      spans: [span('a', 'AQ==', null)],
    });
    put(join(dir, 'tags', 'mlflow.traceName'), Buffer.from([0x61, 0xff, 0x62]));
    const [trace] = tracesOf(await readAll(store));
    expect(trace!.trace.info.trace_metadata).toEqual({ 'mlflow.trace.session': 's-9' });
    expect('tags' in trace!.trace.info).toBe(false);
    expect('assessments' in trace!.trace.info).toBe(false);
    expect(trace!.warnings.filter((w) => w.code === 'store-value')).toEqual([
      { code: 'store-value', message: 'tags/mlflow.traceName is not UTF-8 text; that value is left out', jsonPath: "$.info.tags['mlflow.traceName']" },
      {
        code: 'store-value',
        message: 'assessments/a-bad.yaml: YAML error at line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]; that assessment is left out',
        jsonPath: '$.info.assessments',
      },
    ]);
  });
});
