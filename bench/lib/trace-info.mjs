/**
 * The `info` half of a synthetic trace: TraceInfo V3 with trace metadata, tags, previews and
 * assessments (reference/mlflow-trace-formats.md §2.2, §3, §6).
 */
import { dumps, pyFloat } from '../../scripts/lib/pyjson.mjs';
import { iso, truncate } from './util.mjs';
import { JUDGES, SCORER_ERRORS, SESSION_JUDGES } from './vocab.mjs';

/** `info` of a finished turn (TraceInfo V3, keys in MLflow's order). */
export function traceInfo(model, t, root) {
  const rng = model.rng;
  const s = t.session;
  const inText = dumps(root.inputs);
  const outText = root.error ? '' : dumps(root.outputs);
  const usage = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
  for (const sp of t.spans) {
    if (!sp.usage) continue;
    usage.input_tokens += sp.usage.input_tokens;
    usage.output_tokens += sp.usage.output_tokens;
    usage.total_tokens += sp.usage.total_tokens;
  }
  const md = {
    'mlflow.trace_schema.version': '3',
    'mlflow.source.type': 'LOCAL',
    'mlflow.trace.sizeStats': null,
    'mlflow.traceInputs': truncate(inText, 250),
    'mlflow.source.name': s.app.source,
    'mlflow.user': 'svc-agents',
    'mlflow.traceOutputs': truncate(outText, 250),
    'mlflow.trace.tokenUsage': dumps(usage),
    'mlflow.trace.sizeBytes': null,
    'mlflow.source.git.commit': '3f9c2d1e8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d',
    'mlflow.trace.user': s.user,
    'mlflow.trace.session': s.id ?? undefined,
    'mlflow.source.git.branch': 'main',
    'mlflow.source.git.repoURL': 'git@github.com:example/agents.git',
  };
  const startMs = root.start / 1000;
  return {
    trace_id: t.traceId,
    client_request_id: rng.chance(0.3) ? `req-${rng.hex(12)}` : undefined,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: s.experimentId } },
    request_time: iso(startMs),
    state: root.error ? 'ERROR' : 'OK',
    trace_metadata: md,
    assessments: assessments(model, t, root),
    tags: {
      'mlflow.traceName': s.app.name,
      'mlflow.artifactLocation': `mlflow-artifacts:/${s.experimentId}/traces/${t.traceId}/artifacts`,
      environment: s.appIndex % 2 ? 'production' : 'staging',
      'mlflow.trace.spansLocation': 'TRACKING_STORE',
    },
    request_preview: truncate(inText, 1000),
    response_preview: truncate(outText, 1000),
    execution_duration_ms: Math.floor((root.end - root.start) / 1000),
  };
}

/** Judge and human feedback, expectations, scorer errors, overrides, session-level judges. */
function assessments(model, t, root) {
  const rng = model.rng;
  const s = t.session;
  const out = [];
  let when = root.end / 1000 + rng.logUniform(500, 3_600_000);
  const base = (name, type, sourceId, spanId) => {
    when += rng.int(1, 5000);
    return {
      assessment_id: `a-${rng.hex(32)}`,
      assessment_name: name,
      trace_id: t.traceId,
      span_id: spanId,
      source: { source_type: type, source_id: sourceId },
      create_time: iso(when),
      last_update_time: iso(when),
    };
  };
  const judge = (name, metadata) => {
    const retriever = t.spans.find((sp) => sp.type === 'RETRIEVER');
    const a = base(name, 'LLM_JUDGE', rng.pick(['openai:/gpt-4o-mini', 'databricks']), name === 'retrieval_relevance' && retriever ? retriever.idHex : undefined);
    if (rng.chance(0.08)) {
      const [code, msg] = rng.pick(SCORER_ERRORS);
      a.feedback = {
        value: null,
        error: {
          error_code: code,
          error_message: msg,
          stack_trace: rng.chance(0.5)
            ? truncate(
                `Traceback (most recent call last):\n  File "/app/.venv/lib/python3.11/site-packages/mlflow/genai/judges/utils.py", line 412, in invoke_judge_model\n    raise MlflowException(${JSON.stringify(msg)})\n`,
                1000,
              )
            : undefined,
        },
      };
    } else {
      a.feedback = { value: rng.chance(0.7) ? rng.pick(['yes', 'yes', 'yes', 'no']) : rng.chance(0.8) };
      a.rationale = `The response ${rng.pick(['addresses', 'partly addresses', 'does not address'])} the request. ` + model.corpus.text(rng, 'en', rng.logUniform(80, 1500));
    }
    a.metadata = metadata ?? (rng.chance(0.5) ? { 'mlflow.assessment.judgeCost': String(rng.int(10, 900) / 1e6), 'mlflow.assessment.sourceRunId': rng.hex(32) } : undefined);
    a.valid = true;
    return a;
  };
  if (rng.chance(0.35)) for (let i = rng.int(1, 4); i > 0; i--) out.push(judge(rng.pick(JUDGES)));
  if (rng.chance(0.08)) {
    const a = base('user_satisfaction', 'HUMAN', s.user.includes('@') ? s.user : `${s.user}@example.com`);
    a.feedback = { value: rng.chance(0.5) ? rng.chance(0.6) : pyFloat(rng.int(1, 5)) };
    if (rng.chance(0.5)) a.rationale = model.corpus.text(rng, s.lang, rng.logUniform(20, 600));
    a.metadata = rng.chance(0.5) ? { rubric: '1-5' } : undefined;
    if (out.length && rng.chance(0.25)) {
      a.overrides = out[0].assessment_id;
      out[0].valid = false;
    }
    a.valid = true;
    out.push(a);
  }
  if (rng.chance(0.05)) {
    const a = base(rng.chance(0.5) ? 'expected_response' : 'expected_facts', 'HUMAN', 'default');
    a.expectation =
      a.assessment_name === 'expected_response'
        ? { value: model.corpus.text(rng, s.lang, rng.logUniform(40, 800)) }
        : { serialized_value: { serialization_format: 'JSON_FORMAT', value: dumps([model.corpus.phrase(rng, s.lang, 4), model.corpus.phrase(rng, s.lang, 4)]) } };
    out.push(a);
  }
  if (s.id && s.turn === s.turns - 1 && s.turns > 1 && rng.chance(0.3)) {
    out.push(judge(rng.pick(SESSION_JUDGES), { 'mlflow.trace.session': s.id }));
  }
  return out.length ? out : undefined;
}

/** Fill the size metadata from the serialised spans, as MLflow does at log time. */
export function setSizeMetadata(info, spanLengths) {
  const sorted = [...spanLengths].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const total = spanLengths.reduce((a, b) => a + b, 0) + 2 * spanLengths.length + 1200;
  info.trace_metadata['mlflow.trace.sizeStats'] = dumps({ total_size_bytes: total, num_spans: sorted.length, max: sorted[sorted.length - 1], p25: q(0.25), p50: q(0.5), p75: q(0.75) });
  info.trace_metadata['mlflow.trace.sizeBytes'] = String(total);
}
