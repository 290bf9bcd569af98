import { defineRule } from './api.js';

/** Attribute keys every MLflow span has for bookkeeping: never a place for I/O. */
const BOOKKEEPING = new Set(['mlflow.traceRequestId', 'mlflow.spanType', 'mlflow.spanFunctionName', 'mlflow.experimentId', 'mlflow.spanStartTimeNs']);
/** Keys listed at most. */
const MAX_KEYS = 30;

/**
 * No span of the trace has input or output that a carrier recognizes, so the turn's text comes
 * from MLflow's truncated previews or is not there at all. The finding lists the attribute keys
 * the spans do have: one of them is usually the app's own I/O key, which a config carrier row
 * (`carriers` in tracetriage.config.json) then reads.
 */
export default defineRule({
  meta: {
    id: 'no-turn-io',
    type: 'problem',
    description: 'No span in the trace has input or output any I/O carrier recognizes; lists the attribute keys seen.',
    severity: 'warn',
    messages: {
      previewOnly: "No span carries the turn's I/O; it was read from MLflow's truncated previews. Attribute keys seen: {{keys}}.",
      noIo: "No span carries the turn's I/O and the trace has no previews: the turn is empty. Attribute keys seen: {{keys}}.",
    },
    suggestions: {
      previewOnly: 'If one of these keys holds the input or output, add a carrier to the config: {"carriers": [{"id": "my-app", "input": ["<key>"], "output": ["<key>"]}]} (docs/config.md).',
      noIo: 'If one of these keys holds the input or output, add a carrier to the config: {"carriers": [{"id": "my-app", "input": ["<key>"], "output": ["<key>"]}]} (docs/config.md).',
    },
  },
  create(context) {
    return {
      trace({ trace, digest }) {
        const { selection } = digest.turn;
        if (selection !== 'preview' && selection !== 'none') return;
        const keys = new Set<string>();
        for (const span of trace.spans) for (const key of span.attributes.keys()) if (!BOOKKEEPING.has(key)) keys.add(key);
        const sorted = [...keys].sort();
        const more = sorted.length - MAX_KEYS;
        const text = sorted.length === 0 ? 'none' : `${sorted.slice(0, MAX_KEYS).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
        context.report({
          messageId: selection === 'preview' ? 'previewOnly' : 'noIo',
          traceId: digest.traceId,
          path: trace.paths.spans,
          data: { keys: text },
          evidence: [{ path: trace.paths.spans, kind: 'spans', label: `${trace.spans.length} span(s), none with recognized I/O` }],
        });
      },
    };
  },
});
