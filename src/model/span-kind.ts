import type { Span } from './types.js';

/**
 * What a span does, as far as the rules care: a model call, a retrieval, a tool, an agent or
 * chain step, or unknown. Read from `mlflow.spanType`, else from the OTel kind attributes MLflow's
 * translators map (`mlflow/tracing/otel/translation/`: OpenInference `openinference.span.kind`,
 * GenAI `gen_ai.operation.name`, Traceloop `traceloop.span.kind` / `llm.request.type`).
 */
export type SpanRole = 'model' | 'retriever' | 'tool' | 'step' | 'unknown';

const ROLE_BY_TYPE: Readonly<Record<string, SpanRole>> = {
  // mlflow.entities.SpanType
  LLM: 'model',
  CHAT_MODEL: 'model',
  RETRIEVER: 'retriever',
  TOOL: 'tool',
  AGENT: 'step',
  CHAIN: 'step',
  // OpenInference span kinds (upper case in the spec)
  EMBEDDING: 'unknown',
  RERANKER: 'retriever',
  // GenAI gen_ai.operation.name values
  CHAT: 'model',
  TEXT_COMPLETION: 'model',
  GENERATE_CONTENT: 'model',
  EXECUTE_TOOL: 'tool',
  INVOKE_AGENT: 'step',
  CREATE_AGENT: 'step',
  // Traceloop traceloop.span.kind values
  WORKFLOW: 'step',
  TASK: 'step',
};

const KIND_KEYS = ['mlflow.spanType', 'openinference.span.kind', 'gen_ai.operation.name', 'traceloop.span.kind'] as const;

/** The span's role (see {@link SpanRole}); `llm.request.type` (Traceloop) marks a model call too. */
export function spanRole(span: Span): SpanRole {
  for (const key of KIND_KEYS) {
    const value = span.attributes.get(key);
    if (typeof value === 'string' && value !== '') {
      const role = ROLE_BY_TYPE[value.toUpperCase()];
      if (role !== undefined) return role;
    }
  }
  return span.attributes.has('llm.request.type') ? 'model' : 'unknown';
}

/**
 * The keys a span's type label is read from, in order: `mlflow.spanType`, then the OTel kind
 * attributes MLflow's translators read (`_TRANSLATORS` in mlflow/tracing/otel/translation/__init__.py:
 * OpenInference, GenAI, Traceloop, Vercel AI). The raw value is shown, not MLflow's mapping of it.
 */
const LABEL_KEYS = ['mlflow.spanType', 'openinference.span.kind', 'gen_ai.operation.name', 'traceloop.span.kind', 'ai.operationId'] as const;

/** The span's type as written (`LLM`, `chat`, `RETRIEVER`, …), or null when no key above is set. */
export function spanTypeLabel(span: Span): string | null {
  for (const key of LABEL_KEYS) {
    const value = span.attributes.get(key);
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}
