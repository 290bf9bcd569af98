import { describe, expect, it } from 'vitest';
import { normalizeAssessment } from '../../src/model/assessment.js';
import { Attributes, decodeAttributeValue } from '../../src/model/attributes.js';
import { normalizeId } from '../../src/model/ids.js';
import { sessionIdOf } from '../../src/model/session-keys.js';
import { normalizeStatus } from '../../src/model/span.js';
import { buildSpanTree } from '../../src/model/tree.js';
import type { Assessment, SpanEvent, SpanTree, TraceFormat, TraceInfo } from '../../src/model/types.js';
import { parseDurationMs, parseTimeMs } from '../../src/model/values.js';
import { fixtureJson, fixtureTraces, ns, traceOf, treeSpan, viewSpan, type SpanView } from '../helpers/fixture-traces.js';

// Every expectation below was written from the fixture text and mlflow-trace-formats.md §1–§3:
// base64 ids were decoded by hand (`Buffer.from(id, 'base64').toString('hex')`) and checked
// against the `tr-` trace id and the hex `span_id` of span-level assessments.

const Q = "What's the weather in Paris?";
const A = 'It is sunny in Paris.';

/** 2026-11-24, the generating machine's clock (month 10 = November). */
const nov24 = (h: number, m: number, s: number, ms: number): number => Date.UTC(2026, 10, 24, h, m, s, ms);

const TRACEBACK = /^Traceback \(most recent call last\):\n[\s\S]*\nValueError: index not found\n$/;

const agentAttrs = (traceRequestId: string): Record<string, unknown> => ({
  'mlflow.traceRequestId': traceRequestId,
  'mlflow.spanType': 'AGENT',
  'mlflow.spanFunctionName': 'agent',
  'mlflow.spanInputs': { question: Q },
  'mlflow.spanOutputs': A,
});

const toolAttrs = (traceRequestId: string): Record<string, unknown> => ({
  'mlflow.traceRequestId': traceRequestId,
  'mlflow.spanType': 'TOOL',
  'mlflow.spanFunctionName': 'get_weather',
  'mlflow.spanInputs': { city: 'Paris' },
  'mlflow.spanOutputs': 'Sunny in Paris',
});

/** The 2.x chat span: tool message with `tool_call_id`, outputs without usage. */
const chatAttrsV2 = (traceRequestId: string): Record<string, unknown> => ({
  'mlflow.traceRequestId': traceRequestId,
  'mlflow.spanType': 'CHAT_MODEL',
  'mlflow.spanFunctionName': 'fake_llm',
  'mlflow.spanInputs': {
    messages: [
      { role: 'user', content: Q },
      { role: 'tool', content: 'Sunny in Paris', tool_call_id: 'call_1' },
    ],
  },
  model: 'gpt-4o-mini',
  temperature: 0.2,
  'mlflow.spanOutputs': {
    choices: [{ index: 0, message: { role: 'assistant', content: A }, finish_reason: 'stop' }],
  },
});

/** The 3.x chat span: token usage, message format, outputs with usage. */
const chatAttrsV3 = (traceRequestId: string): Record<string, unknown> => ({
  'mlflow.traceRequestId': traceRequestId,
  'mlflow.spanType': 'CHAT_MODEL',
  'mlflow.spanFunctionName': 'fake_llm',
  'mlflow.spanInputs': {
    messages: [
      { role: 'user', content: Q },
      { role: 'tool', content: 'Sunny in Paris' },
    ],
  },
  model: 'gpt-4o-mini',
  temperature: 0.2,
  'mlflow.chat.tokenUsage': { input_tokens: 12, output_tokens: 7, total_tokens: 19 },
  'mlflow.message.format': 'openai',
  'mlflow.spanOutputs': {
    choices: [{ index: 0, message: { role: 'assistant', content: A }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
  },
});

const errorRootAttrs = (traceRequestId: string): Record<string, unknown> => ({
  'mlflow.traceRequestId': traceRequestId,
  'mlflow.spanType': 'UNKNOWN',
  'mlflow.spanFunctionName': 'error_root',
  'mlflow.spanInputs': { q: 'x' },
});

const retrieverAttrs = (traceRequestId: string): Record<string, unknown> => ({
  'mlflow.traceRequestId': traceRequestId,
  'mlflow.spanType': 'RETRIEVER',
  'mlflow.spanFunctionName': 'broken_retriever',
  'mlflow.spanInputs': { q: 'x' },
});

/** The OTel `exception` event MLflow's `use_span` records: nanoseconds, `exception.escaped`. */
const valueErrorEvent = (digits: string): SpanEvent => ({
  name: 'exception',
  timeNs: ns(digits),
  timeUnit: 'ns',
  attributes: {
    'exception.type': 'ValueError',
    'exception.message': 'index not found',
    'exception.stacktrace': expect.stringMatching(TRACEBACK) as unknown,
    'exception.escaped': 'False',
  },
});

const ok = (message = ''): Pick<SpanView, 'status' | 'statusMessage'> => ({ status: 'OK', statusMessage: message });
const failed: Pick<SpanView, 'status' | 'statusMessage'> = {
  status: 'ERROR',
  statusMessage: 'ValueError: index not found',
};

/** The five assessments the 3.x fixtures log, by name (their order differs per file). */
function assessmentsOf(traceId: string, rootSpanId: string, order: string[], times: Record<string, number>): Assessment[] {
  const at = (name: string): Pick<Assessment, 'createTimeMs' | 'lastUpdateTimeMs'> => ({
    createTimeMs: times[name]!,
    lastUpdateTimeMs: times[name]!,
  });
  const common = { traceId, overrides: null };
  const byName: Record<string, Omit<Assessment, 'index' | 'assessmentId'>> = {
    helpfulness: {
      ...common,
      ...at('helpfulness'),
      name: 'helpfulness',
      kind: 'feedback',
      value: 4,
      error: null,
      rationale: null,
      sourceType: 'HUMAN',
      sourceId: 'alice@example.com',
      spanId: rootSpanId,
      valid: true,
      metadata: { rubric: '1-5' },
    },
    expected_response: {
      ...common,
      ...at('expected_response'),
      name: 'expected_response',
      kind: 'expectation',
      value: A,
      error: null,
      rationale: null,
      sourceType: 'HUMAN',
      sourceId: 'alice@example.com',
      spanId: null,
      valid: true,
      metadata: {},
    },
    expected_facts: {
      ...common,
      ...at('expected_facts'),
      name: 'expected_facts',
      kind: 'expectation',
      value: ['sunny', 'Paris'],
      error: null,
      rationale: null,
      sourceType: 'HUMAN',
      sourceId: 'default',
      spanId: null,
      valid: true,
      metadata: {},
    },
    safety: {
      ...common,
      ...at('safety'),
      name: 'safety',
      kind: 'feedback',
      value: null,
      error: { code: 'RATE_LIMIT_EXCEEDED', message: 'judge rate limited', stackTrace: null },
      rationale: null,
      sourceType: 'LLM_JUDGE',
      sourceId: 'databricks',
      spanId: null,
      valid: true,
      metadata: {},
    },
    correctness: {
      ...common,
      ...at('correctness'),
      name: 'correctness',
      kind: 'feedback',
      value: true,
      error: null,
      rationale: 'Matches the tool output.',
      sourceType: 'LLM_JUDGE',
      sourceId: 'openai:/gpt-4o-mini',
      spanId: null,
      valid: true,
      metadata: {},
    },
  };
  return order.map((entry, index) => {
    const [name, assessmentId] = entry.split(' ') as [string, string];
    return { index, assessmentId, ...byName[name]! };
  });
}

interface InfoCase {
  format: TraceInfo['format'];
  traceId: string | null;
  state: TraceInfo['state'];
  requestTimeMs: number | null;
  durationMs: number | null;
  experimentId: string | null;
  clientRequestId: string | null;
  requestPreview: string | null;
  responsePreview: string | null;
  /** Number of keys in `trace_metadata` / `request_metadata`, and a selection of them. */
  metadataKeys: number;
  metadata: Record<string, string>;
  /** Every tag. */
  tags: Record<string, string>;
}

interface TraceCase {
  file: string;
  /** Position of the trace in the file (CLI exports hold several). */
  position: number;
  via: 'record' | 'read';
  traceId: string;
  format: TraceFormat;
  partial: boolean;
  warnings: string[];
  info: InfoCase;
  spans: SpanView[];
  tree: Pick<SpanTree, 'roots' | 'children' | 'depth'>;
  assessments: Assessment[];
  session: string | null;
}

const THREE_SPAN_TREE = { roots: [0], children: [[1, 2], [], []], depth: [0, 1, 1] };
const TWO_SPAN_TREE = { roots: [0], children: [[1], []], depth: [0, 1] };

const V2_19_ID = '844221753fab44e2af0ba28057036bad';
const V2_19: Omit<TraceCase, 'file' | 'position' | 'via'> = {
  traceId: V2_19_ID,
  format: { envelope: 'trace', info: 'v2', spans: 'v2-0x', label: '2.14-2.21.0' },
  partial: false,
  warnings: [],
  info: {
    format: 'v2',
    traceId: V2_19_ID,
    state: 'OK',
    requestTimeMs: 1795494551878,
    durationMs: 6,
    experimentId: '231349263859288670',
    clientRequestId: null,
    requestPreview: null,
    responsePreview: null,
    metadataKeys: 3,
    metadata: {
      'mlflow.trace_schema.version': '2',
      'mlflow.traceInputs': `{"question": "${Q}"}`,
      'mlflow.traceOutputs': `"${A}"`,
    },
    tags: {
      'mlflow.source.name': 'app2.py',
      'mlflow.source.type': 'LOCAL',
      'mlflow.traceName': 'agent',
      'mlflow.artifactLocation': `file:///path/to/mlruns/231349263859288670/traces/${V2_19_ID}/artifacts`,
      environment: 'test',
      session_id: 'session-123',
    },
  },
  spans: [
    {
      spanId: '34efba4e33168bdd',
      parentId: null,
      otelTraceId: '206ce518771d1994b2f6b6717665fa7e',
      name: 'agent',
      startTimeNs: ns('1795494551878660564'),
      endTimeNs: ns('1795494551885596527'),
      ...ok(),
      events: [],
      attributes: agentAttrs(V2_19_ID),
    },
    {
      spanId: '6cc34531f7a6815b',
      parentId: '34efba4e33168bdd',
      otelTraceId: '206ce518771d1994b2f6b6717665fa7e',
      name: 'get_weather',
      startTimeNs: ns('1795494551879154865'),
      endTimeNs: ns('1795494551879308986'),
      ...ok(),
      events: [],
      attributes: toolAttrs(V2_19_ID),
    },
    {
      spanId: '71a5c42ec5791a8d',
      parentId: '34efba4e33168bdd',
      otelTraceId: '206ce518771d1994b2f6b6717665fa7e',
      name: 'chat_completion',
      startTimeNs: ns('1795494551879386292'),
      endTimeNs: ns('1795494551885550108'),
      ...ok(),
      events: [],
      attributes: chatAttrsV2(V2_19_ID),
    },
  ],
  tree: THREE_SPAN_TREE,
  assessments: [],
  session: 'session-123',
};

const V2_22_ERR_ID = 'd3511c9ea8e0437a95589caa181d1541';
const V2_22_ERR: Omit<TraceCase, 'file' | 'position' | 'via'> = {
  traceId: V2_22_ERR_ID,
  format: { envelope: 'trace', info: 'v2', spans: 'v2', label: '2.21.1-2.22' },
  partial: false,
  warnings: [],
  info: {
    format: 'v2',
    traceId: V2_22_ERR_ID,
    state: 'ERROR',
    requestTimeMs: 1795494547907,
    durationMs: 34,
    experimentId: '248188034344290992',
    clientRequestId: null,
    requestPreview: null,
    responsePreview: null,
    metadataKeys: 3,
    metadata: { 'mlflow.traceOutputs': '', 'mlflow.trace_schema.version': '2', 'mlflow.traceInputs': '{"q": "x"}' },
    tags: {
      'mlflow.source.type': 'LOCAL',
      'mlflow.source.name': 'app2.py',
      'mlflow.artifactLocation': `file:///path/to/mlruns/248188034344290992/traces/${V2_22_ERR_ID}/artifacts`,
      'mlflow.traceName': 'error_root',
    },
  },
  spans: [
    {
      spanId: 'a808d1128ee111f7',
      parentId: null,
      otelTraceId: 'a3a3d9d9fb236a7ac4ad6be606305278',
      name: 'error_root',
      startTimeNs: ns('1795494547940988711'),
      endTimeNs: ns('1795494547942963513'),
      ...failed,
      events: [valueErrorEvent('1795494547942946277')],
      attributes: errorRootAttrs(V2_22_ERR_ID),
    },
    {
      spanId: 'c2b917c4fe12ee27',
      parentId: 'a808d1128ee111f7',
      otelTraceId: 'a3a3d9d9fb236a7ac4ad6be606305278',
      name: 'broken_retriever',
      startTimeNs: ns('1795494547941466868'),
      endTimeNs: ns('1795494547942627909'),
      ...failed,
      events: [valueErrorEvent('1795494547942578305')],
      attributes: retrieverAttrs(V2_22_ERR_ID),
    },
  ],
  tree: TWO_SPAN_TREE,
  assessments: [],
  session: null,
};

const V2_22_OK_ID = '9a62b6314808422996c687383a6ad4aa';
const V2_22_OK: Omit<TraceCase, 'file' | 'position' | 'via'> = {
  traceId: V2_22_OK_ID,
  format: { envelope: 'trace', info: 'v2', spans: 'v2', label: '2.21.1-2.22' },
  partial: false,
  warnings: [],
  info: {
    format: 'v2',
    traceId: V2_22_OK_ID,
    state: 'OK',
    requestTimeMs: 1795494547826,
    durationMs: 58,
    experimentId: '248188034344290992',
    clientRequestId: null,
    requestPreview: null,
    responsePreview: null,
    metadataKeys: 3,
    metadata: {
      'mlflow.traceOutputs': `"${A}"`,
      'mlflow.trace_schema.version': '2',
      'mlflow.traceInputs': `{"question": "${Q}"}`,
    },
    tags: {
      environment: 'test',
      'mlflow.source.type': 'LOCAL',
      'mlflow.source.name': 'app2.py',
      session_id: 'session-123',
      'mlflow.artifactLocation': `file:///path/to/mlruns/248188034344290992/traces/${V2_22_OK_ID}/artifacts`,
      'mlflow.traceName': 'agent',
    },
  },
  spans: [
    {
      spanId: 'b4bf2909811ab686',
      parentId: null,
      otelTraceId: '46decfb6d623fe93cc73cf75ff9fde3d',
      name: 'agent',
      startTimeNs: ns('1795494547869812117'),
      endTimeNs: ns('1795494547885250023'),
      ...ok(),
      events: [],
      attributes: agentAttrs(V2_22_OK_ID),
    },
    {
      spanId: 'a0928183ec1decf1',
      parentId: 'b4bf2909811ab686',
      otelTraceId: '46decfb6d623fe93cc73cf75ff9fde3d',
      name: 'get_weather',
      startTimeNs: ns('1795494547870291145'),
      endTimeNs: ns('1795494547870425427'),
      ...ok(),
      events: [],
      attributes: toolAttrs(V2_22_OK_ID),
    },
    {
      spanId: '08d3419eae1c9600',
      parentId: 'b4bf2909811ab686',
      otelTraceId: '46decfb6d623fe93cc73cf75ff9fde3d',
      name: 'chat_completion',
      startTimeNs: ns('1795494547870497825'),
      endTimeNs: ns('1795494547885211976'),
      ...ok(),
      events: [],
      attributes: {
        ...chatAttrsV2(V2_22_OK_ID),
        'mlflow.chat.messages': [
          { role: 'user', content: Q },
          { role: 'tool', content: 'Sunny in Paris', tool_call_id: 'call_1' },
          { role: 'assistant', content: A },
        ],
      },
    },
  ],
  tree: THREE_SPAN_TREE,
  assessments: [],
  session: 'session-123',
};

const V3_4_OK_ID = 'tr-65fdb3d481f2413b2268e8e2394d64a5';
const V3_4_OK: Omit<TraceCase, 'file' | 'position' | 'via'> = {
  traceId: V3_4_OK_ID,
  format: { envelope: 'trace', info: 'v3', spans: 'v3-proto', label: '3.0-3.4' },
  partial: false,
  warnings: [],
  info: {
    format: 'v3',
    traceId: V3_4_OK_ID,
    state: 'OK',
    requestTimeMs: nov24(4, 27, 28, 390),
    durationMs: 114,
    experimentId: '389898470076464723',
    clientRequestId: 'req-001',
    requestPreview: `{"question": "${Q}"}`,
    responsePreview: `"${A}"`,
    metadataKeys: 14,
    metadata: {
      'mlflow.trace_schema.version': '3',
      'mlflow.trace.session': 'session-123',
      'mlflow.trace.user': 'user-42',
      'mlflow.trace.tokenUsage': '{"input_tokens": 12, "output_tokens": 7, "total_tokens": 19}',
      'mlflow.source.git.commit': '',
      'mlflow.trace.sizeBytes': '3168',
    },
    tags: {
      environment: 'test',
      'mlflow.traceName': 'agent',
      'mlflow.artifactLocation': `file:///path/to/mlruns/389898470076464723/traces/${V3_4_OK_ID}/artifacts`,
    },
  },
  spans: [
    {
      // Ypa6UHx1CEU= ; Zf2z1IHyQTsiaOjiOU1kpQ== ; root parent ""
      spanId: '6296ba507c750845',
      parentId: null,
      otelTraceId: '65fdb3d481f2413b2268e8e2394d64a5',
      name: 'agent',
      startTimeNs: ns('1795494448390281686'),
      endTimeNs: ns('1795494448505196196'),
      ...ok(),
      events: [],
      attributes: agentAttrs(V3_4_OK_ID),
    },
    {
      // 9Su03RWvmII=
      spanId: 'f52bb4dd15af9882',
      parentId: '6296ba507c750845',
      otelTraceId: '65fdb3d481f2413b2268e8e2394d64a5',
      name: 'get_weather',
      startTimeNs: ns('1795494448464363348'),
      endTimeNs: ns('1795494448464604760'),
      ...ok(),
      events: [],
      attributes: toolAttrs(V3_4_OK_ID),
    },
    {
      // lX7kYLbtikE=
      spanId: '957ee460b6ed8a41',
      parentId: '6296ba507c750845',
      otelTraceId: '65fdb3d481f2413b2268e8e2394d64a5',
      name: 'chat_completion',
      startTimeNs: ns('1795494448484776087'),
      endTimeNs: ns('1795494448485107163'),
      ...ok(),
      events: [],
      attributes: chatAttrsV3(V3_4_OK_ID),
    },
  ],
  tree: THREE_SPAN_TREE,
  assessments: assessmentsOf(
    V3_4_OK_ID,
    '6296ba507c750845',
    [
      'expected_response a-22e622ad418a44ccbd69519231b68ff7',
      'helpfulness a-8de09eb8e94145ef94e91ea24a54cb47',
      'expected_facts a-60aef585ee5843a59d69673de1f1c360',
      'safety a-63c3aaacde3045249a5de42abf3d6458',
      'correctness a-1e7da046df944d5ab22dd0606123af06',
    ],
    {
      expected_response: nov24(4, 27, 28, 699),
      helpfulness: nov24(4, 27, 28, 699),
      expected_facts: nov24(4, 27, 28, 700),
      safety: nov24(4, 27, 28, 699),
      correctness: nov24(4, 27, 28, 698),
    },
  ),
  session: 'session-123',
};

const V3_4_ERR_ID = 'tr-fffbeddaa789c9f4e4122a9f1cde99ce';
const V3_4_ERR: Omit<TraceCase, 'file' | 'position' | 'via'> = {
  traceId: V3_4_ERR_ID,
  format: { envelope: 'trace', info: 'v3', spans: 'v3-proto', label: '3.0-3.4' },
  partial: false,
  warnings: [],
  info: {
    format: 'v3',
    traceId: V3_4_ERR_ID,
    state: 'ERROR',
    requestTimeMs: nov24(4, 27, 28, 587),
    durationMs: 63,
    experimentId: '389898470076464723',
    clientRequestId: null,
    requestPreview: '{"q": "x"}',
    responsePreview: '',
    metadataKeys: 11,
    metadata: { 'mlflow.trace_schema.version': '3', 'mlflow.traceOutputs': '', 'mlflow.trace.sizeBytes': '4393' },
    tags: {
      'mlflow.traceName': 'error_root',
      'mlflow.artifactLocation': `file:///path/to/mlruns/389898470076464723/traces/${V3_4_ERR_ID}/artifacts`,
    },
  },
  spans: [
    {
      // DDsjWzg5Szw= ; //vt2qeJyfTkEiqfHN6Zzg==
      spanId: '0c3b235b38394b3c',
      parentId: null,
      otelTraceId: 'fffbeddaa789c9f4e4122a9f1cde99ce',
      name: 'error_root',
      startTimeNs: ns('1795494448587045239'),
      endTimeNs: ns('1795494448650199459'),
      ...failed,
      events: [valueErrorEvent('1795494448650139750')],
      attributes: errorRootAttrs(V3_4_ERR_ID),
    },
    {
      // s8+J7aFDxYM=
      spanId: 'b3cf89eda143c583',
      parentId: '0c3b235b38394b3c',
      otelTraceId: 'fffbeddaa789c9f4e4122a9f1cde99ce',
      name: 'broken_retriever',
      startTimeNs: ns('1795494448635576285'),
      endTimeNs: ns('1795494448636480531'),
      ...failed,
      events: [valueErrorEvent('1795494448636417557')],
      attributes: retrieverAttrs(V3_4_ERR_ID),
    },
  ],
  tree: TWO_SPAN_TREE,
  assessments: [],
  session: null,
};

const V3_5_0_ID = 'tr-cfa18bac7f27690f74ba5efa978c09ab';
const V3_5_0: Omit<TraceCase, 'file' | 'position' | 'via'> = {
  traceId: V3_5_0_ID,
  format: { envelope: 'trace', info: 'v3', spans: 'v3.5.0', label: '3.5.0' },
  partial: false,
  warnings: [],
  info: {
    format: 'v3',
    traceId: V3_5_0_ID,
    state: 'OK',
    requestTimeMs: nov24(4, 29, 27, 166),
    durationMs: 119,
    experimentId: '578674299041814242',
    clientRequestId: 'req-001',
    requestPreview: `{"question": "${Q}"}`,
    responsePreview: `"${A}"`,
    metadataKeys: 14,
    metadata: {
      'mlflow.trace_schema.version': '3',
      'mlflow.trace.session': 'session-123',
      'mlflow.trace.user': 'user-42',
      'mlflow.trace.sizeBytes': '3172',
    },
    tags: {
      'mlflow.artifactLocation': `file:///path/to/mlruns/578674299041814242/traces/${V3_5_0_ID}/artifacts`,
      environment: 'test',
      'mlflow.traceName': 'agent',
    },
  },
  spans: [
    {
      // 3.5.0: hex span ids, the span's trace_id is the MLflow id, root parent null, status "OK"
      spanId: 'dce709f6e50f8b85',
      parentId: null,
      otelTraceId: 'cfa18bac7f27690f74ba5efa978c09ab',
      name: 'agent',
      startTimeNs: ns('1795494567166768682'),
      endTimeNs: ns('1795494567286279277'),
      ...ok(),
      events: [],
      attributes: agentAttrs(V3_5_0_ID),
    },
    {
      spanId: 'cf06d2a6f31f1020',
      parentId: 'dce709f6e50f8b85',
      otelTraceId: 'cfa18bac7f27690f74ba5efa978c09ab',
      name: 'get_weather',
      startTimeNs: ns('1795494567248921811'),
      endTimeNs: ns('1795494567249069713'),
      ...ok(),
      events: [],
      attributes: toolAttrs(V3_5_0_ID),
    },
    {
      spanId: '4ef6003e639dd4b8',
      parentId: 'dce709f6e50f8b85',
      otelTraceId: 'cfa18bac7f27690f74ba5efa978c09ab',
      name: 'chat_completion',
      startTimeNs: ns('1795494567271144004'),
      endTimeNs: ns('1795494567271550554'),
      ...ok(),
      events: [],
      attributes: chatAttrsV3(V3_5_0_ID),
    },
  ],
  tree: THREE_SPAN_TREE,
  assessments: assessmentsOf(
    V3_5_0_ID,
    'dce709f6e50f8b85',
    [
      'helpfulness a-fb5c136fdfe0494680b2fc194b70a59e',
      'safety a-13b055674b994ad0bc2e32a28266c073',
      'expected_facts a-7dcc8755ad0149fd850a8726573561bc',
      'correctness a-001e8a915e15486087d7b387eaf9e668',
      'expected_response a-64418b46006d4da8ae9241804273d3a9',
    ],
    {
      helpfulness: nov24(4, 29, 27, 471),
      safety: nov24(4, 29, 27, 471),
      expected_facts: nov24(4, 29, 27, 472),
      correctness: nov24(4, 29, 27, 470),
      expected_response: nov24(4, 29, 27, 472),
    },
  ),
  session: 'session-123',
};

const V3_6_OK_ID = 'tr-5fea91443bc8bda79ff15a5ab90fff94';
const V3_6_OK: Omit<TraceCase, 'file' | 'position' | 'via'> = {
  traceId: V3_6_OK_ID,
  format: { envelope: 'trace', info: 'v3', spans: 'v3', label: '3.5.1+' },
  partial: false,
  warnings: [],
  info: {
    format: 'v3',
    traceId: V3_6_OK_ID,
    state: 'OK',
    requestTimeMs: nov24(4, 26, 59, 740),
    durationMs: 62,
    experimentId: '400654040727596423',
    clientRequestId: 'req-001',
    requestPreview: `{"question": "${Q}"}`,
    responsePreview: `"${A}"`,
    metadataKeys: 14,
    metadata: {
      'mlflow.trace_schema.version': '3',
      'mlflow.trace.session': 'session-123',
      'mlflow.trace.user': 'user-42',
      'mlflow.user': 'root',
      'mlflow.trace.sizeBytes': '3154',
    },
    tags: {
      'mlflow.artifactLocation': `file:///path/to/mlruns/400654040727596423/traces/${V3_6_OK_ID}/artifacts`,
      environment: 'test',
      'mlflow.traceName': 'agent',
    },
  },
  spans: [
    {
      // W1WIltQ/tXw= ; X+qRRDvIvaef8VpauQ//lA==
      spanId: '5b558896d43fb57c',
      parentId: null,
      otelTraceId: '5fea91443bc8bda79ff15a5ab90fff94',
      name: 'agent',
      startTimeNs: ns('1795494419740777036'),
      endTimeNs: ns('1795494419803228591'),
      ...ok(),
      events: [],
      attributes: agentAttrs(V3_6_OK_ID),
    },
    {
      // DAKRKH2pBS0=
      spanId: '0c0291287da9052d',
      parentId: '5b558896d43fb57c',
      otelTraceId: '5fea91443bc8bda79ff15a5ab90fff94',
      name: 'get_weather',
      startTimeNs: ns('1795494419783301211'),
      endTimeNs: ns('1795494419783440480'),
      ...ok(),
      events: [],
      attributes: toolAttrs(V3_6_OK_ID),
    },
    {
      // s+/R9Y4xWvk=
      spanId: 'b3efd1f58e315af9',
      parentId: '5b558896d43fb57c',
      otelTraceId: '5fea91443bc8bda79ff15a5ab90fff94',
      name: 'chat_completion',
      startTimeNs: ns('1795494419802849393'),
      endTimeNs: ns('1795494419803175452'),
      ...ok(),
      events: [],
      attributes: chatAttrsV3(V3_6_OK_ID),
    },
  ],
  tree: THREE_SPAN_TREE,
  assessments: assessmentsOf(
    V3_6_OK_ID,
    '5b558896d43fb57c',
    [
      'helpfulness a-ea579992ebe443c99940a32bf061d96a',
      'expected_response a-3186081f851a4ab782f38d6477026d29',
      'safety a-eddd15b8caf64b93bd1c3cbaafa94686',
      'expected_facts a-20954518d80d4d529c2ebb5549832009',
      'correctness a-bcd78ac14deb453da57b66801eb6601a',
    ],
    {
      helpfulness: nov24(4, 26, 59, 945),
      expected_response: nov24(4, 26, 59, 946),
      safety: nov24(4, 26, 59, 945),
      expected_facts: nov24(4, 26, 59, 946),
      correctness: nov24(4, 26, 59, 944),
    },
  ),
  session: 'session-123',
};

const V3_6_ERR_ID = 'tr-0518806ea3e1bc6d2c78973da68756aa';
const V3_6_ERR: Omit<TraceCase, 'file' | 'position' | 'via'> = {
  traceId: V3_6_ERR_ID,
  format: { envelope: 'trace', info: 'v3', spans: 'v3', label: '3.5.1+' },
  partial: false,
  warnings: [],
  info: {
    format: 'v3',
    traceId: V3_6_ERR_ID,
    state: 'ERROR',
    requestTimeMs: nov24(4, 26, 59, 859),
    durationMs: 46,
    experimentId: '400654040727596423',
    clientRequestId: null,
    requestPreview: '{"q": "x"}',
    responsePreview: '',
    metadataKeys: 11,
    metadata: { 'mlflow.trace_schema.version': '3', 'mlflow.traceOutputs': '', 'mlflow.trace.sizeBytes': '4357' },
    tags: {
      'mlflow.artifactLocation': `file:///path/to/mlruns/400654040727596423/traces/${V3_6_ERR_ID}/artifacts`,
      'mlflow.traceName': 'error_root',
    },
  },
  spans: [
    {
      // E0MpHaWNNps= ; BRiAbqPhvG0seJc9podWqg==
      spanId: '1343291da58d369b',
      parentId: null,
      otelTraceId: '0518806ea3e1bc6d2c78973da68756aa',
      name: 'error_root',
      startTimeNs: ns('1795494419859181591'),
      endTimeNs: ns('1795494419905702412'),
      ...failed,
      events: [valueErrorEvent('1795494419905664905')],
      attributes: errorRootAttrs(V3_6_ERR_ID),
    },
    {
      // MlrBAx3Jyfk=
      spanId: '325ac1031dc9c9f9',
      parentId: '1343291da58d369b',
      otelTraceId: '0518806ea3e1bc6d2c78973da68756aa',
      name: 'broken_retriever',
      startTimeNs: ns('1795494419904140008'),
      endTimeNs: ns('1795494419905160629'),
      ...failed,
      events: [valueErrorEvent('1795494419905106638')],
      attributes: retrieverAttrs(V3_6_ERR_ID),
    },
  ],
  tree: TWO_SPAN_TREE,
  assessments: [],
  session: null,
};

const OTEL_ID = 'tr-0af7651916cd43dd8448eb211c80319c';
const OTEL_OTEL_TRACE = '0af7651916cd43dd8448eb211c80319c';
const GENAI_IN = [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }];
const GENAI_OUT = [{ role: 'assistant', parts: [{ type: 'text', content: 'Sunny.' }], finish_reason: 'stop' }];
const OTEL: Omit<TraceCase, 'file' | 'position' | 'via'> = {
  traceId: OTEL_ID,
  format: { envelope: 'trace', info: 'v3', spans: 'v3', label: '3.5.1+' },
  partial: false,
  warnings: [],
  info: {
    format: 'v3',
    traceId: OTEL_ID,
    state: 'OK',
    // "2025-10-09T08:53:20Z": no fraction when ms == 0; = 1760000000000000000 ns (SOURCES.md)
    requestTimeMs: 1760000000000,
    durationMs: 900,
    experimentId: '1',
    clientRequestId: null,
    requestPreview: null,
    responsePreview: null,
    metadataKeys: 1,
    metadata: { 'mlflow.trace.tokenUsage': '{"input_tokens": 36, "output_tokens": 10, "total_tokens": 46}' },
    tags: {
      'mlflow.trace.spansLocation': 'TRACKING_STORE',
      'mlflow.artifactLocation': `/path/to/mlruns/1/traces/${OTEL_ID}/artifacts`,
    },
  },
  spans: [
    {
      // t61rcWkgMzE= ; CvdlGRbNQ92ESOshHIAxnA==
      spanId: 'b7ad6b7169203331',
      parentId: null,
      otelTraceId: OTEL_OTEL_TRACE,
      name: 'invoke_agent weather-agent',
      startTimeNs: 1760000000000000000,
      endTimeNs: ns('1760000000900000000'),
      ...ok(),
      events: [],
      attributes: {
        'mlflow.traceRequestId': OTEL_ID,
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'weather-agent',
        'session.id': 'sess-otel-1',
        'mlflow.spanType': 'AGENT',
      },
    },
    {
      // APBnqgupArc=
      spanId: '00f067aa0ba902b7',
      parentId: 'b7ad6b7169203331',
      otelTraceId: OTEL_OTEL_TRACE,
      name: 'chat gpt-4o-mini',
      startTimeNs: ns('1760000000010000000'),
      endTimeNs: ns('1760000000600000000'),
      ...ok(),
      events: [],
      attributes: {
        'mlflow.traceRequestId': OTEL_ID,
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 31,
        'gen_ai.usage.output_tokens': 9,
        // double encoded in the file: decoded twice to the array, never left as JSON text
        'gen_ai.input.messages': GENAI_IN,
        'gen_ai.output.messages': GENAI_OUT,
        'mlflow.spanInputs': GENAI_IN,
        'mlflow.spanOutputs': GENAI_OUT,
        'mlflow.chat.tokenUsage': { input_tokens: 31, output_tokens: 9, total_tokens: 40 },
        'mlflow.spanType': 'CHAT_MODEL',
      },
    },
    {
      // U5lcP0LNitg=
      spanId: '53995c3f42cd8ad8',
      parentId: 'b7ad6b7169203331',
      otelTraceId: OTEL_OTEL_TRACE,
      name: 'retrieve',
      startTimeNs: ns('1760000000610000000'),
      endTimeNs: ns('1760000000800000000'),
      status: 'ERROR',
      statusMessage: 'TimeoutError: backend slow',
      events: [
        {
          name: 'exception',
          timeNs: ns('1760000000799000000'),
          timeUnit: 'ns',
          attributes: { 'exception.type': 'TimeoutError', 'exception.message': 'backend slow' },
        },
      ],
      attributes: {
        'mlflow.traceRequestId': OTEL_ID,
        'openinference.span.kind': 'RETRIEVER',
        'input.value': 'Paris weather',
        'output.value': ['doc1'],
        'llm.token_count.prompt': 5,
        'llm.token_count.completion': 1,
        'llm.token_count.total': 6,
        'mlflow.spanInputs': 'Paris weather',
        'mlflow.spanOutputs': ['doc1'],
        'mlflow.chat.tokenUsage': { input_tokens: 5, output_tokens: 1, total_tokens: 6 },
        'mlflow.spanType': 'RETRIEVER',
      },
    },
  ],
  tree: THREE_SPAN_TREE,
  assessments: [],
  session: 'sess-otel-1',
};

const US_ID = 'tr-e8fd07e17bfd2bf2dbe182bc48b16be6';
const MICROSECONDS: Omit<TraceCase, 'file' | 'position' | 'via'> = {
  traceId: US_ID,
  format: { envelope: 'trace', info: 'v3', spans: 'v3', label: '3.5.1+' },
  partial: false,
  warnings: [],
  info: {
    format: 'v3',
    traceId: US_ID,
    state: 'OK',
    requestTimeMs: nov24(4, 31, 33, 100),
    durationMs: 58,
    experimentId: '955804675383364156',
    clientRequestId: null,
    requestPreview: '{"query": "h\u00e9llo w\u00f6rld"}',
    responsePreview: 'null',
    metadataKeys: 11,
    metadata: {
      'mlflow.traceInputs': '{"query": "héllo wörld"}',
      'mlflow.traceOutputs': 'null',
      'mlflow.source.name': 'app_events.py',
    },
    tags: {
      'mlflow.traceName': 'pipeline',
      'mlflow.artifactLocation': `file:///path/to/mlruns/955804675383364156/traces/${US_ID}/artifacts`,
    },
  },
  spans: [
    {
      // 8AIg0EOZNeM= ; 6P0H4Xv9K/Lb4YK8SLFr5g==
      spanId: 'f00220d0439935e3',
      parentId: null,
      otelTraceId: 'e8fd07e17bfd2bf2dbe182bc48b16be6',
      name: 'pipeline',
      startTimeNs: ns('1795494693100791315'),
      endTimeNs: ns('1795494693158911825'),
      ...ok(),
      events: [],
      attributes: {
        'mlflow.traceRequestId': US_ID,
        'mlflow.spanType': 'CHAIN',
        'mlflow.spanInputs': { query: 'héllo wörld' },
        'mlflow.spanOutputs': null,
      },
    },
    {
      // nIiq5oxkKBo=
      spanId: '9c88aae68c64281a',
      parentId: 'f00220d0439935e3',
      otelTraceId: 'e8fd07e17bfd2bf2dbe182bc48b16be6',
      name: 'stream_llm',
      startTimeNs: ns('1795494693143683193'),
      endTimeNs: ns('1795494693143956112'),
      status: 'ERROR',
      statusMessage: 'RuntimeError: upstream 503',
      // 16-digit values are microseconds (MLflow's SpanEvent default): × 1000
      events: [
        {
          name: 'mlflow.chunk.item.0',
          timeNs: ns('1795494693143733000'),
          timeUnit: 'us',
          // event attributes are raw OTel values: this JSON text is not decoded
          attributes: { 'mlflow.chunk.value': '{"delta": "Hi"}' },
        },
        {
          name: 'custom',
          timeNs: ns('1795494693143761000'),
          timeUnit: 'us',
          attributes: { count: 3, ok: true, ratio: 0.5, tags: ['a', 'b'] },
        },
        {
          name: 'exception',
          timeNs: ns('1795494693143891000'),
          timeUnit: 'us',
          attributes: {
            'exception.message': 'upstream 503',
            'exception.type': 'RuntimeError',
            'exception.stacktrace': 'RuntimeError: upstream 503',
          },
        },
      ],
      attributes: { 'mlflow.traceRequestId': US_ID, 'mlflow.spanType': 'LLM' },
    },
  ],
  tree: TWO_SPAN_TREE,
  assessments: [],
  session: null,
};

/** `--extract-fields` output: spans with a name only, `{}` assessment placeholders. */
const partialSpan = (name: string): SpanView => ({
  spanId: '',
  parentId: null,
  otelTraceId: null,
  name,
  startTimeNs: null,
  endTimeNs: null,
  status: 'UNSET',
  statusMessage: '',
  events: [],
  attributes: {},
});
const partialFeedback = (index: number, value: unknown): Assessment => ({
  index,
  assessmentId: null,
  name: '',
  traceId: null,
  spanId: null,
  sourceType: 'SOURCE_TYPE_UNSPECIFIED',
  sourceId: null,
  createTimeMs: null,
  lastUpdateTimeMs: null,
  kind: 'feedback',
  value,
  error: null,
  rationale: null,
  metadata: {},
  valid: true,
  overrides: null,
});
const EXTRACT: Omit<TraceCase, 'file' | 'position' | 'via'> = {
  traceId: V3_6_OK_ID,
  format: { envelope: 'trace', info: 'v3', spans: 'none', label: 'partial 3.x' },
  partial: true,
  warnings: ['partial-trace'],
  info: {
    format: 'v3',
    traceId: V3_6_OK_ID,
    state: 'OK',
    requestTimeMs: null,
    durationMs: null,
    experimentId: null,
    clientRequestId: null,
    requestPreview: null,
    responsePreview: null,
    metadataKeys: 1,
    metadata: { 'mlflow.trace.session': 'session-123' },
    tags: { 'mlflow.traceName': 'agent' },
  },
  spans: [partialSpan('agent'), partialSpan('get_weather'), partialSpan('chat_completion')],
  tree: { roots: [0, 1, 2], children: [[], [], []], depth: [0, 0, 0] },
  // positions 1-3 are `{}` placeholders: skipped, the index still points into the file's list
  assessments: [partialFeedback(0, 4), partialFeedback(4, true)],
  session: 'session-123',
};

const FIXTURE_CASES: TraceCase[] = [
  { file: 'v2.19_trace_ok.json', position: 0, via: 'record', ...V2_19 },
  { file: 'v2.22_trace_error.json', position: 0, via: 'record', ...V2_22_ERR },
  { file: 'v2.22_trace_ok_chat_messages.json', position: 0, via: 'record', ...V2_22_OK },
  { file: 'v3.4_cli_traces_search_output_json.json', position: 0, via: 'read', ...V3_4_ERR },
  // the second element is the same document as v3.4_trace_ok_assessments_session.json
  { file: 'v3.4_cli_traces_search_output_json.json', position: 1, via: 'read', ...V3_4_OK },
  { file: 'v3.4_trace_ok_assessments_session.json', position: 0, via: 'record', ...V3_4_OK },
  { file: 'v3.5.0-equivalent_trace_ok_assessments_session.json', position: 0, via: 'record', ...V3_5_0 },
  { file: 'v3.6_cli_traces_search_extract_fields.json', position: 0, via: 'read', ...EXTRACT },
  // same documents as v3.6_trace_error.json and v3.6_trace_ok_assessments_session.json
  { file: 'v3.6_cli_traces_search_output_json.json', position: 0, via: 'read', ...V3_6_ERR },
  { file: 'v3.6_cli_traces_search_output_json.json', position: 1, via: 'read', ...V3_6_OK },
  { file: 'v3.6_trace_error.json', position: 0, via: 'record', ...V3_6_ERR },
  { file: 'v3.6_trace_ok_assessments_session.json', position: 0, via: 'record', ...V3_6_OK },
  { file: 'v3.6_trace_otel_ingested_genai_openinference.json', position: 0, via: 'record', ...OTEL },
  { file: 'v3.6_trace_span_events_microsecond_timestamps.json', position: 0, via: 'record', ...MICROSECONDS },
];

const TRACE_COUNTS: Array<{ file: string; via: 'record' | 'read'; traces: number }> = [
  { file: 'v3.4_cli_traces_search_output_json.json', via: 'read', traces: 2 },
  { file: 'v3.6_cli_traces_search_output_json.json', via: 'read', traces: 2 },
  { file: 'v3.6_cli_traces_search_extract_fields.json', via: 'read', traces: 1 },
];

describe('fixtures: number of traces per file', () => {
  it.each(TRACE_COUNTS)('$file holds $traces trace(s)', async ({ file, via, traces }) => {
    expect(await fixtureTraces(file, via)).toHaveLength(traces);
  });
});

describe('fixtures: normalized traces', () => {
  const name = (c: TraceCase): string => `${c.file}#${c.position}`;
  const load = async (c: TraceCase) => {
    const trace = (await fixtureTraces(c.file, c.via))[c.position];
    if (trace === undefined) throw new Error(`${name(c)}: no trace at that position`);
    return trace;
  };

  it.each(FIXTURE_CASES.map((c) => [name(c), c] as const))('%s: trace id, format, partial, warnings', async (_, c) => {
    const trace = await load(c);
    expect(trace.traceId).toBe(c.traceId);
    expect(trace.format).toEqual(c.format);
    expect(trace.partial).toBe(c.partial);
    expect(trace.warnings.map((w) => w.code)).toEqual(c.warnings);
    expect(trace.paths).toEqual({ info: '$.info', spans: '$.data.spans', assessments: '$.info.assessments' });
  });

  it.each(FIXTURE_CASES.map((c) => [name(c), c] as const))('%s: info', async (_, c) => {
    const { info } = await load(c);
    const { metadataKeys, metadata, ...scalars } = c.info;
    expect({
      format: info.format,
      traceId: info.traceId,
      state: info.state,
      requestTimeMs: info.requestTimeMs,
      durationMs: info.durationMs,
      experimentId: info.experimentId,
      clientRequestId: info.clientRequestId,
      requestPreview: info.requestPreview,
      responsePreview: info.responsePreview,
      tags: info.tags,
    }).toEqual(scalars);
    expect(Object.keys(info.metadata)).toHaveLength(metadataKeys);
    for (const [key, value] of Object.entries(metadata)) expect(info.metadata[key], key).toBe(value);
  });

  it.each(FIXTURE_CASES.map((c) => [name(c), c] as const))('%s: spans', async (_, c) => {
    const trace = await load(c);
    expect(trace.spans.map((s) => s.index)).toEqual(c.spans.map((_s, i) => i));
    expect(trace.spans.map(viewSpan)).toEqual(c.spans);
  });

  it.each(FIXTURE_CASES.map((c) => [name(c), c] as const))('%s: tree', async (_, c) => {
    const { tree } = await load(c);
    expect(tree).toEqual({ ...c.tree, orphans: [], cycles: [], duplicates: [] });
  });

  it.each(FIXTURE_CASES.map((c) => [name(c), c] as const))('%s: assessments', async (_, c) => {
    expect((await load(c)).assessments).toEqual(c.assessments);
  });

  it.each(FIXTURE_CASES.map((c) => [name(c), c] as const))('%s: session id', async (_, c) => {
    expect(sessionIdOf(await load(c))).toBe(c.session);
  });
});

describe('fixtures: span-level assessments point at a span of the trace', () => {
  // The assessment's span_id is hex even where the spans use base64 (reference §3).
  const cases = [
    { file: 'v3.4_trace_ok_assessments_session.json', spanId: '6296ba507c750845', spanName: 'agent', rawSpanId: 'Ypa6UHx1CEU=' },
    { file: 'v3.5.0-equivalent_trace_ok_assessments_session.json', spanId: 'dce709f6e50f8b85', spanName: 'agent', rawSpanId: 'dce709f6e50f8b85' },
    { file: 'v3.6_trace_ok_assessments_session.json', spanId: '5b558896d43fb57c', spanName: 'agent', rawSpanId: 'W1WIltQ/tXw=' },
  ];
  it.each(cases)('$file: $spanId', async ({ file, spanId, spanName, rawSpanId }) => {
    const [trace] = await fixtureTraces(file, 'record');
    const assessment = trace!.assessments.find((a) => a.name === 'helpfulness');
    expect(assessment?.spanId).toBe(spanId);
    expect(trace!.spans.filter((s) => s.spanId === spanId).map((s) => s.name)).toEqual([spanName]);
    expect(normalizeId(rawSpanId)).toBe(spanId);
  });
});

describe('fixtures: Attributes.get', () => {
  const cases: Array<{ file: string; span: number; key: string; expected: unknown }> = [
    { file: 'v3.6_trace_ok_assessments_session.json', span: 0, key: 'mlflow.spanType', expected: 'AGENT' },
    { file: 'v3.6_trace_ok_assessments_session.json', span: 0, key: 'mlflow.spanInputs', expected: { question: Q } },
    { file: 'v3.6_trace_ok_assessments_session.json', span: 0, key: 'no.such.key', expected: undefined },
    { file: 'v2.19_trace_ok.json', span: 2, key: 'temperature', expected: 0.2 },
    { file: 'v3.4_trace_ok_assessments_session.json', span: 0, key: 'mlflow.traceRequestId', expected: V3_4_OK_ID },
    { file: 'v3.6_trace_otel_ingested_genai_openinference.json', span: 1, key: 'gen_ai.input.messages', expected: GENAI_IN },
    { file: 'v3.6_trace_otel_ingested_genai_openinference.json', span: 1, key: 'gen_ai.usage.input_tokens', expected: 31 },
    { file: 'v3.6_trace_otel_ingested_genai_openinference.json', span: 2, key: 'input.value', expected: 'Paris weather' },
    { file: 'v3.6_trace_otel_ingested_genai_openinference.json', span: 2, key: 'output.value', expected: ['doc1'] },
    { file: 'v3.6_trace_otel_ingested_genai_openinference.json', span: 0, key: 'session.id', expected: 'sess-otel-1' },
    { file: 'v3.6_trace_span_events_microsecond_timestamps.json', span: 0, key: 'mlflow.spanOutputs', expected: null },
  ];
  it.each(cases)('$file span $span $key', async ({ file, span, key, expected }) => {
    const [trace] = await fixtureTraces(file, 'record');
    const attributes = trace!.spans[span]!.attributes;
    expect(attributes.get(key)).toEqual(expected);
    // a second read comes from the cache and is the same
    expect(attributes.get(key)).toEqual(expected);
    expect(attributes.has(key)).toBe(expected !== undefined);
  });

  it('gen_ai.input.messages decodes to an array, not to JSON text', async () => {
    const [trace] = await fixtureTraces('v3.6_trace_otel_ingested_genai_openinference.json', 'record');
    expect(Array.isArray(trace!.spans[1]!.attributes.get('gen_ai.input.messages'))).toBe(true);
  });

  it('a plain non-JSON attribute string (set on the raw OTel span) stays as it is', () => {
    const record = fixtureJson('v3.6_trace_ok_assessments_session.json');
    const spans = (record.data as { spans: Array<{ attributes: Record<string, unknown> }> }).spans;
    spans[0]!.attributes['http.route'] = 'hello world';
    spans[0]!.attributes['peer.name'] = 'nothing';
    const trace = traceOf(record);
    expect(trace.spans[0]!.attributes.get('http.route')).toBe('hello world');
    expect(trace.spans[0]!.attributes.get('peer.name')).toBe('nothing');
    expect(trace.spans[0]!.attributes.get('mlflow.spanType')).toBe('AGENT');
  });
});

describe('sessionIdOf on altered fixtures', () => {
  type Root = { attributes: Record<string, unknown> };
  const cases: Array<{ name: string; alter: (record: Record<string, unknown>) => void; expected: string | null }> = [
    { name: 'unchanged: root span session.id', alter: () => {}, expected: 'sess-otel-1' },
    {
      name: 'no session.id anywhere',
      alter: (r) => {
        delete rootOf(r).attributes['session.id'];
      },
      expected: null,
    },
    {
      name: 'gen_ai.conversation.id on the root span',
      alter: (r) => {
        const root = rootOf(r);
        delete root.attributes['session.id'];
        root.attributes['gen_ai.conversation.id'] = '"conv-7"';
      },
      expected: 'conv-7',
    },
    {
      name: 'trace metadata wins over the span attribute',
      alter: (r) => {
        (r.info as { trace_metadata: Record<string, string> }).trace_metadata['mlflow.trace.session'] = 'meta-s';
      },
      expected: 'meta-s',
    },
  ];
  function rootOf(record: Record<string, unknown>): Root {
    return (record.data as { spans: Root[] }).spans[0]!;
  }
  it.each(cases)('$name', ({ alter, expected }) => {
    const record = fixtureJson('v3.6_trace_otel_ingested_genai_openinference.json');
    alter(record);
    expect(sessionIdOf(traceOf(record))).toBe(expected);
  });
});

describe('normalizeId', () => {
  const cases: Array<[input: string, expected: string]> = [
    ['0x34efba4e33168bdd', '34efba4e33168bdd'],
    ['0X34EFBA4E33168BDD', '34efba4e33168bdd'],
    ['0x206ce518771d1994b2f6b6717665fa7e', '206ce518771d1994b2f6b6717665fa7e'],
    ['a808d1128ee111f7', 'a808d1128ee111f7'],
    ['A808D1128EE111F7', 'a808d1128ee111f7'],
    ['A3A3D9D9FB236A7AC4AD6BE606305278', 'a3a3d9d9fb236a7ac4ad6be606305278'],
    ['Ypa6UHx1CEU=', '6296ba507c750845'],
    ['W1WIltQ/tXw=', '5b558896d43fb57c'],
    ['s+/R9Y4xWvk=', 'b3efd1f58e315af9'],
    ['APBnqgupArc=', '00f067aa0ba902b7'],
    ['Zf2z1IHyQTsiaOjiOU1kpQ==', '65fdb3d481f2413b2268e8e2394d64a5'],
    ['//vt2qeJyfTkEiqfHN6Zzg==', 'fffbeddaa789c9f4e4122a9f1cde99ce'],
    ['tr-cfa18bac7f27690f74ba5efa978c09ab', 'cfa18bac7f27690f74ba5efa978c09ab'],
    ['tr-CFA18BAC7F27690F74BA5EFA978C09AB', 'cfa18bac7f27690f74ba5efa978c09ab'],
    ['trace:/main.default/cfa18bac7f27690f74ba5efa978c09ab', 'cfa18bac7f27690f74ba5efa978c09ab'],
    ['not-an-id', 'not-an-id'],
  ];
  it.each(cases)('%s → %s', (input, expected) => {
    expect(normalizeId(input)).toBe(expected);
  });
});

describe('normalizeStatus', () => {
  const cases: Array<[input: unknown, expected: 'OK' | 'ERROR' | 'UNSET' | null]> = [
    ['OK', 'OK'],
    ['STATUS_CODE_OK', 'OK'],
    [1, 'OK'],
    ['ERROR', 'ERROR'],
    ['STATUS_CODE_ERROR', 'ERROR'],
    [2, 'ERROR'],
    ['UNSET', 'UNSET'],
    ['STATUS_CODE_UNSET', 'UNSET'],
    [0, 'UNSET'],
    [undefined, 'UNSET'],
    [null, 'UNSET'],
    ['', 'UNSET'],
    ['CANCELLED', null],
    ['STATUS_CODE_CANCELLED', null],
    [3, null],
    [true, null],
  ];
  it.each(cases)('%j → %j', (input, expected) => {
    expect(normalizeStatus(input)).toBe(expected);
  });
});

describe('parseTimeMs', () => {
  const base = Date.UTC(2025, 9, 9, 8, 53, 20); // 2025-10-09T08:53:20Z = 1760000000000
  const cases: Array<[input: unknown, expected: number | null]> = [
    ['2025-10-09T08:53:20Z', 1760000000000],
    ['2025-10-09T08:53:20.000Z', base],
    ['2026-11-24T04:26:59.740Z', Date.UTC(2026, 10, 24, 4, 26, 59, 740)],
    ['2025-10-09T08:53:20.123456Z', 1760000000123.456],
    // biome-ignore lint/correctness/noPrecisionLoss: the expected value spelled as the input's digits; the double both round to is the point
    ['2025-10-09T08:53:20.123456789Z', 1760000000123.456789],
    ['2025-10-09T10:53:20+02:00', base],
    ['2025-10-09T03:23:20-05:30', base],
    ['2025-10-09T10:53:20.740+02:00', base + 740],
    [1760000000000, 1760000000000],
    ['yesterday', null],
    ['', null],
    ['2025-10-09', null],
    ['2025-13-45T99:99:99Z', null],
    ['2025-02-30T00:00:00Z', null],
    [null, null],
    [undefined, null],
  ];
  it.each(cases)('%j → %j', (input, expected) => {
    expect(parseTimeMs(input)).toBe(expected);
  });

  /** Fields checked as Date.UTC rolls them over (the check parseTimeMs made with a Date of the month's last day). */
  function byDate(text: string): number | null {
    const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$/.exec(text);
    if (!m) return null;
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (month < 1 || month > 12 || day < 1 || day > last || hour > 23 || minute > 59 || second > 60) return null;
    return parseTimeMs(text);
  }

  it('refuses the days a month lacks as Date.UTC counts them, in every year from 0000 (read as 1900) to 2400', () => {
    const pad = (n: number, width: number): string => String(n).padStart(width, '0');
    let refused = 0;
    for (const year of [0, 1, 4, 96, 99, 100, 400, 1600, 1700, 1900, 1999, 2000, 2004, 2023, 2024, 2100, 2400]) {
      for (let month = 0; month <= 13; month++) {
        for (const day of [0, 1, 28, 29, 30, 31, 32]) {
          const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T12:00:00Z`;
          const got = parseTimeMs(text);
          expect(got, text).toBe(byDate(text));
          if (got === null) refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(17 * 14 * 2);
  });
});

describe('parseDurationMs', () => {
  const cases: Array<[input: unknown, expected: number | null]> = [
    ['0.062s', 62],
    ['1.5s', 1500],
    ['0s', 0],
    ['3s', 3000],
    ['0.000001s', 0.001],
    ['1.000000001s', 1000.000001],
    ['36.749577647s', 36749.577647],
    [900, 900],
    ['62', null],
    ['62ms', null],
    ['abc', null],
    [null, null],
  ];
  it.each(cases)('%j → %j', (input, expected) => {
    expect(parseDurationMs(input)).toBe(expected);
  });
});

describe('decodeAttributeValue', () => {
  const cases: Array<{ name: string; input: unknown; expected: unknown }> = [
    { name: 'JSON string', input: '"AGENT"', expected: 'AGENT' },
    { name: 'JSON object', input: '{"city": "Paris"}', expected: { city: 'Paris' } },
    { name: 'JSON array', input: '["sunny", "Paris"]', expected: ['sunny', 'Paris'] },
    { name: 'number text', input: '0.2', expected: 0.2 },
    { name: 'integer text', input: '31', expected: 31 },
    { name: 'negative number text', input: '-5', expected: -5 },
    { name: 'true', input: 'true', expected: true },
    { name: 'null', input: 'null', expected: null },
    { name: 'plain text', input: 'hello world', expected: 'hello world' },
    { name: 'plain text starting like a literal', input: 'nothing', expected: 'nothing' },
    { name: 'broken JSON', input: '{not json', expected: '{not json' },
    { name: 'empty string', input: '', expected: '' },
    {
      name: 'double-encoded array (OTel ingest)',
      input: '"[{\\"role\\": \\"user\\", \\"content\\": \\"hi\\"}]"',
      expected: [{ role: 'user', content: 'hi' }],
    },
    { name: 'double-encoded object', input: '"{\\"a\\": 1}"', expected: { a: 1 } },
    { name: 'double-encoded plain string stays a string', input: '"\\"Paris weather\\""', expected: '"Paris weather"' },
    { name: 'JSON string holding number text stays a string', input: '"42"', expected: '42' },
    { name: 'JSON string holding broken JSON stays a string', input: '"[not json"', expected: '[not json' },
    { name: 'non-string (TS SDK, REST): number', input: 42, expected: 42 },
    { name: 'non-string: object', input: { a: 1 }, expected: { a: 1 } },
    { name: 'non-string: null', input: null, expected: null },
  ];
  it.each(cases)('$name', ({ input, expected }) => {
    expect(decodeAttributeValue(input)).toEqual(expected);
  });

  it('Attributes with encoded=false (TS SDK, REST) keeps string values as they are', () => {
    const attributes = new Attributes({ a: '"quoted"', b: 3 }, false);
    expect(attributes.toObject()).toEqual({ a: '"quoted"', b: 3 });
  });
});

describe('buildSpanTree', () => {
  type Row = [spanId: string, parentId: string | null, start: number | null];
  const empty = { orphans: [], cycles: [], duplicates: [] };
  const cases: Array<{ name: string; rows: Row[]; expected: SpanTree }> = [
    { name: 'no spans', rows: [], expected: { roots: [], children: [], depth: [], ...empty } },
    {
      name: 'one root, children in start order',
      rows: [
        ['r', null, 0],
        ['b', 'r', 20],
        ['a', 'r', 10],
      ],
      expected: { roots: [0], children: [[2, 1], [], []], depth: [0, 1, 1], ...empty },
    },
    {
      name: 'child listed before its parent',
      rows: [
        ['c', 'r', 5],
        ['r', null, 0],
      ],
      expected: { roots: [1], children: [[], [0]], depth: [1, 0], ...empty },
    },
    {
      name: 'orphan heads its own subtree',
      rows: [
        ['r', null, 0],
        ['o', 'missing', 5],
        ['c', 'o', 6],
      ],
      expected: { roots: [0], children: [[], [2], []], depth: [0, 0, 1], orphans: [1], cycles: [], duplicates: [] },
    },
    {
      name: '2-cycle beside a root',
      rows: [
        ['r', null, 0],
        ['a', 'b', 1],
        ['b', 'a', 2],
      ],
      expected: { roots: [0], children: [[], [2], [1]], depth: [0, -1, -1], orphans: [], cycles: [1, 2], duplicates: [] },
    },
    {
      name: 'self-parent',
      rows: [
        ['r', null, 0],
        ['s', 's', 1],
      ],
      expected: { roots: [0], children: [[], []], depth: [0, -1], orphans: [], cycles: [1], duplicates: [] },
    },
    {
      name: 'duplicate ids: the first one is the parent target',
      rows: [
        ['r', null, 0],
        ['x', 'r', 1],
        ['x', 'r', 2],
        ['c', 'x', 3],
      ],
      expected: {
        roots: [0],
        children: [[1, 2], [3], [], []],
        depth: [0, 1, 1, 2],
        orphans: [],
        cycles: [],
        duplicates: [{ spanId: 'x', indices: [1, 2] }],
      },
    },
    {
      name: 'an id used three times',
      rows: [
        ['x', null, 0],
        ['x', null, 1],
        ['x', null, 2],
      ],
      expected: {
        roots: [0, 1, 2],
        children: [[], [], []],
        depth: [0, 0, 0],
        orphans: [],
        cycles: [],
        duplicates: [{ spanId: 'x', indices: [0, 1, 2] }],
      },
    },
    {
      name: 'multiple roots in start order',
      rows: [
        ['a', null, 50],
        ['b', null, 10],
        ['c', 'a', 60],
      ],
      expected: { roots: [1, 0], children: [[2], [], []], depth: [0, 0, 1], ...empty },
    },
    {
      name: 'equal starts keep file order, missing start goes last',
      rows: [
        ['a', null, null],
        ['b', null, 5],
        ['c', null, 5],
      ],
      expected: { roots: [1, 2, 0], children: [[], [], []], depth: [0, 0, 0], ...empty },
    },
  ];
  it.each(cases)('$name', ({ rows, expected }) => {
    const spans = rows.map(([id, parent, start], i) => treeSpan(i, id, parent, start));
    expect(buildSpanTree(spans)).toEqual(expected);
  });

  const N = 10_000;
  const chainCases: Array<{ name: string; order: 'parents-first' | 'children-first'; deepest: number; root: number }> = [
    { name: 'parents first', order: 'parents-first', deepest: N - 1, root: 0 },
    { name: 'children first', order: 'children-first', deepest: 0, root: N - 1 },
  ];
  it.each(chainCases)('a 10,000-deep chain, $name: no stack overflow, depth of the last is 9999', ({ order, deepest, root }) => {
    // level k has id s<k> and parent s<k-1>; 'children-first' lists the deepest level first
    const spans = Array.from({ length: N }, (_, i) => {
      const level = order === 'parents-first' ? i : N - 1 - i;
      return treeSpan(i, `s${level}`, level === 0 ? null : `s${level - 1}`, level);
    });
    const tree = buildSpanTree(spans);
    expect(tree.roots).toEqual([root]);
    expect(tree.depth[deepest]).toBe(N - 1);
    expect(Math.max(...tree.depth)).toBe(N - 1);
    expect(tree.orphans).toEqual([]);
    expect(tree.cycles).toEqual([]);
    expect(tree.duplicates).toEqual([]);
  });

  it('a 10,000-span ring: every span is on the cycle, no root', () => {
    const spans = Array.from({ length: N }, (_, i) => treeSpan(i, `s${i}`, `s${(i + N - 1) % N}`, i));
    const tree = buildSpanTree(spans);
    expect(tree.roots).toEqual([]);
    expect(tree.orphans).toEqual([]);
    expect(tree.cycles).toHaveLength(N);
    expect(tree.depth.every((d) => d === -1)).toBe(true);
  });
});

describe('normalizeAssessment: 2.x dataclass names (asdict of 2.21–2.22 Assessment)', () => {
  const TRACE = 'b26cef11ab0345deb5daa7a94c67407f';
  const raw = {
    trace_id: TRACE,
    rationale: null,
    metadata: null,
    span_id: null,
    create_time_ms: 1745000000123,
    last_update_time_ms: 1745000000456,
    assessment_id: 'a-0123',
  };
  const expected: Omit<Assessment, 'name' | 'kind' | 'value' | 'sourceType' | 'sourceId' | 'error'> = {
    index: 0,
    assessmentId: 'a-0123',
    traceId: TRACE,
    spanId: null,
    createTimeMs: 1745000000123,
    lastUpdateTimeMs: 1745000000456,
    rationale: null,
    metadata: {},
    valid: true,
    overrides: null,
  };
  const cases: Array<{ name: string; raw: Record<string, unknown>; expected: Assessment }> = [
    {
      name: 'AI_JUDGE feedback whose error is only in the legacy top-level error',
      raw: {
        ...raw,
        name: 'relevance',
        source: { source_type: 'AI_JUDGE', source_id: 'gpt-4o' },
        expectation: null,
        feedback: { value: null, error: null },
        error: { error_code: 'RATE_LIMIT_EXCEEDED', error_message: 'judge rate limited' },
      },
      expected: {
        ...expected,
        name: 'relevance',
        kind: 'feedback',
        value: null,
        sourceType: 'LLM_JUDGE',
        sourceId: 'gpt-4o',
        error: { code: 'RATE_LIMIT_EXCEEDED', message: 'judge rate limited', stackTrace: null },
      },
    },
    {
      name: 'AI_JUDGE feedback with its error nested in feedback',
      raw: {
        ...raw,
        name: 'groundedness',
        source: { source_type: 'AI_JUDGE', source_id: 'judge' },
        expectation: null,
        feedback: { value: null, error: { error_code: 'TIMEOUT', error_message: 'judge timed out' } },
        error: null,
      },
      expected: {
        ...expected,
        name: 'groundedness',
        kind: 'feedback',
        value: null,
        sourceType: 'LLM_JUDGE',
        sourceId: 'judge',
        error: { code: 'TIMEOUT', message: 'judge timed out', stackTrace: null },
      },
    },
    {
      name: 'CODE feedback with a value',
      raw: {
        ...raw,
        name: 'length_ok',
        source: { source_type: 'CODE', source_id: 'check_length' },
        expectation: null,
        feedback: { value: 0.5, error: null },
        error: null,
      },
      expected: {
        ...expected,
        name: 'length_ok',
        kind: 'feedback',
        value: 0.5,
        sourceType: 'CODE',
        sourceId: 'check_length',
        error: null,
      },
    },
    {
      name: 'HUMAN span-level expectation with rationale and metadata',
      raw: {
        ...raw,
        name: 'expected_response',
        source: { source_type: 'HUMAN', source_id: 'bob' },
        expectation: { value: 'Sunny' },
        feedback: null,
        rationale: 'checked by hand',
        metadata: { team: 'qa' },
        span_id: 'e9e9f2038f32ee51',
        error: null,
      },
      expected: {
        ...expected,
        name: 'expected_response',
        kind: 'expectation',
        value: 'Sunny',
        sourceType: 'HUMAN',
        sourceId: 'bob',
        error: null,
        rationale: 'checked by hand',
        metadata: { team: 'qa' },
        spanId: 'e9e9f2038f32ee51',
      },
    },
  ];
  it.each(cases)('$name', ({ raw: input, expected: output }) => {
    expect(normalizeAssessment(input, 0)).toEqual(output);
  });

  it('2.x assessments inside a V2 trace are read with the trace', () => {
    const record = fixtureJson('v2.22_trace_ok_chat_messages.json');
    (record.info as { assessments: unknown[] }).assessments = cases.map((c) => c.raw);
    const trace = traceOf(record);
    expect(trace.assessments).toEqual(cases.map((c, index) => ({ ...c.expected, index })));
    expect(trace.warnings).toEqual([]);
  });
});
