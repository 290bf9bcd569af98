import type { Trace } from './types.js';

/**
 * Where a trace's session id is looked for, in order: trace metadata `mlflow.trace.session`
 * (MLflow 3.x), the same key in tags (some "evaluate conversations" examples), the `session_id`
 * tag MLflow's 3.0 docs told users to set, then the root span's `session.id` and
 * `gen_ai.conversation.id` (OTel-ingested traces keep them there, mlflow-trace-formats.md §6).
 */
export function sessionIdOf(trace: Trace): string | null {
  const { metadata, tags } = trace.info;
  const fromInfo = metadata['mlflow.trace.session'] || tags['mlflow.trace.session'] || tags.session_id;
  if (fromInfo) return fromInfo;
  for (const i of trace.tree.roots) {
    const attributes = trace.spans[i]!.attributes;
    for (const key of ['session.id', 'gen_ai.conversation.id']) {
      const value = attributes.get(key);
      if (typeof value === 'string' && value !== '') return value;
    }
  }
  return null;
}
