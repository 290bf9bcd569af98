import type { Trace } from './types.js';

/**
 * Where a trace's session id is looked for, in order: trace metadata `mlflow.trace.session`
 * (MLflow 3.x), the same key in tags (some "evaluate conversations" examples), the `session_id`
 * tag MLflow's 3.0 docs told users to set, then the root span's `session.id` and
 * `gen_ai.conversation.id` (OTel-ingested traces keep them there, mlflow-trace-formats.md §6;
 * MLflow itself copies the session into the root's `session.id` for OTLP export,
 * `SpanAttributeKey.SESSION_ID` in mlflow/tracing/constant.py). `extraKeys` (the config's
 * `sessionKeys`) come after those, each looked up in metadata, then tags, then root attributes.
 */
export function sessionIdOf(trace: Trace, extraKeys: readonly string[] = []): string | null {
  const { metadata, tags } = trace.info;
  const fromInfo = metadata['mlflow.trace.session'] || tags['mlflow.trace.session'] || tags.session_id;
  if (fromInfo) return fromInfo;
  return rootString(trace, ['session.id', 'gen_ai.conversation.id']) ?? fromKeys(trace, extraKeys);
}

/**
 * The end user of a trace, looked for like the session: metadata `mlflow.trace.user`
 * (`TraceMetadataKey.TRACE_USER`, mlflow/tracing/constant.py), the same key in tags, the
 * `user_id` tag that goes with the 2.x-era `session_id` tag, the root span's `user.id` (where
 * MLflow copies the user for OTLP export, `SpanAttributeKey.USER_ID`), then `extraKeys` (the
 * config's `userKeys`) in metadata, tags and root attributes. Not the `mlflow.user` tag: that
 * names who created the trace, a developer or a system.
 */
export function userIdOf(trace: Trace, extraKeys: readonly string[] = []): string | null {
  const { metadata, tags } = trace.info;
  const fromInfo = metadata['mlflow.trace.user'] || tags['mlflow.trace.user'] || tags.user_id;
  if (fromInfo) return fromInfo;
  return rootString(trace, ['user.id']) ?? fromKeys(trace, extraKeys);
}

function fromKeys(trace: Trace, keys: readonly string[]): string | null {
  const { metadata, tags } = trace.info;
  for (const key of keys) {
    const value = metadata[key] || tags[key] || rootString(trace, [key]);
    if (value) return value;
  }
  return null;
}

/** The first non-empty string (or number, as some SDKs write ids) among root attributes `keys`. */
function rootString(trace: Trace, keys: readonly string[]): string | null {
  for (const i of trace.tree.roots) {
    const attributes = trace.spans[i]!.attributes;
    for (const key of keys) {
      const value = attributes.get(key);
      if (typeof value === 'string' && value !== '') return value;
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    }
  }
  return null;
}
