import { defineRule } from './api.js';

/**
 * MLflow's Chat Sessions view and `mlflow traces search` previews show the root span's I/O; when
 * the root is a wrapper (a web handler, a `@trace`d entry point without arguments) every turn
 * looks empty there. tracetriage reads the turn from the span below that carries it; this rule
 * says which one, so the instrumentation can be fixed or the view read with that in mind.
 */
export default defineRule({
  meta: {
    id: 'wrapper-root-span',
    type: 'suggestion',
    description: 'The root span has no meaningful input or output; the turn is carried by a span below it.',
    severity: 'warn',
    messages: {
      wrapperRoot:
        'Root span "{{root}}" has no {{missing}}; the turn\'s I/O is on "{{span}}" at depth {{depth}} (via {{wrappers}}), read with carrier {{carrier}}.',
    },
    suggestions: {
      wrapperRoot:
        'Put the request and the answer on the root span (span.set_inputs() / set_outputs() on it, or @mlflow.trace on the entry point that receives them), so MLflow\'s session view and previews show the turn.',
    },
  },
  create(context) {
    return {
      trace({ trace, digest, facts }) {
        const turn = digest.turn;
        if (turn.depth === null || turn.depth === 0 || turn.spanId === null) return;
        if (turn.selection !== 'descendant' && turn.selection !== 'failed' && turn.selection !== 'partial') return;
        const rootIndex = trace.tree.roots[0];
        const root = rootIndex === undefined ? undefined : trace.spans[rootIndex];
        if (root === undefined || (facts.rootIo?.input && facts.rootIo.output)) return;
        const carriers = [...new Set([turn.input?.carrier, turn.output?.carrier].filter((c): c is string => c !== undefined))];
        context.report({
          messageId: 'wrapperRoot',
          traceId: digest.traceId,
          spanId: turn.spanId,
          path: facts.ioPath,
          data: {
            root: root.name,
            missing: facts.rootIo?.input ? 'output' : facts.rootIo?.output ? 'input' : 'input or output',
            span: turn.spanName ?? turn.spanId,
            depth: turn.depth,
            wrappers: turn.wrapperChain.join(' > ') || root.name,
            carrier: carriers.join(' + ') || 'none',
          },
          evidence: [
            { spanId: root.spanId, path: `${trace.paths.spans}[${root.index}]`, kind: 'wrapperRoot', label: `root "${root.name}" without turn I/O` },
            ...(facts.ioPath === null ? [] : [{ spanId: turn.spanId, path: facts.ioPath, kind: 'ioSpan', label: `turn I/O on "${turn.spanName ?? turn.spanId}", depth ${turn.depth}` }]),
          ],
        });
      },
    };
  },
});
