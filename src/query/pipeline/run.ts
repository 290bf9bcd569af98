import type { CompiledPath } from '../jsonpath.js';
import { ExactSource, needsExact, resolveExact, toJsonText } from './exact-numbers.js';
import type { QueryRow, Stage, StagePlan } from './types.js';

/** A parsed `'<jsonpath> | stage ...'`, ready to run over any number of traces. */
export interface QueryProgram {
  readonly text: string;
  readonly path: CompiledPath;
  /**
   * `items` when every output is a selected node (`{"trace_id", "path", "value"}` by default, the
   * value alone with `--values`); `records` once an aggregation made its own objects.
   */
  readonly output: 'items' | 'records';
  /** A fresh streaming run. */
  start(): QueryRun;
}

/** A note for stderr: something about one trace the output cannot show. */
export interface QueryWarning {
  readonly trace_id: string;
  readonly message: string;
}

/** One pass of a program over a stream of traces. */
export interface QueryRun {
  /**
   * Feeds one trace: its parsed JSON, its MLflow trace id and, so printed values keep every digit
   * of 19-digit integers, its original text (the record's bytes; read only if such a value is
   * printed). Returns the rows this trace let through now.
   */
  pushTrace(traceId: string, doc: unknown, source?: string | Uint8Array): QueryRow[];
  /** End of input: the rows held by sorts and aggregations. The run takes no more traces after. */
  finish(): QueryRow[];
  /** True once no further input can change the output (a `limit` reached): the caller stops reading. */
  readonly done: boolean;
  /** Traces whose original text could not be re-read exactly, so their numbers printed as parsed. */
  readonly warnings: readonly QueryWarning[];
}

/** Starts a run of `path` then `plans` (see `parseQuery`). */
export function startRun(path: CompiledPath, plans: readonly StagePlan[]): QueryRun {
  const stages: Stage[] = plans.map((p) => p.start());
  const warnings: QueryWarning[] = [];
  let finished = false;

  const feed = (index: number, row: QueryRow, out: QueryRow[]): void => {
    const stage = stages[index];
    if (stage === undefined) out.push(row);
    else stage.push(row, (next) => feed(index + 1, next, out));
  };
  const isDone = (): boolean => stages.some((s) => s.closed);

  return {
    pushTrace(traceId, doc, source) {
      if (finished) throw new Error('pushTrace after finish');
      const out: QueryRow[] = [];
      if (isDone()) return out;
      let exactSource: ExactSource | null = null;
      const sourceFor = (text: string | Uint8Array): ExactSource => (exactSource ??= new ExactSource(text, (message) => warnings.push({ trace_id: traceId, message })));
      for (const node of path.select(doc)) {
        const exact = source !== undefined && needsExact(node.value) ? { kind: 'node' as const, source: sourceFor(source), location: node.location, project: null } : null;
        feed(0, { value: node.value, origin: { trace_id: traceId, path: node.path }, exact }, out);
        // Stop walking the trace too: `$..*` with `limit(1)` should not visit every node.
        if (isDone()) break;
      }
      return out;
    },
    finish() {
      if (finished) throw new Error('finish called twice');
      finished = true;
      const out: QueryRow[] = [];
      stages.forEach((stage, index) => stage.flush((row) => feed(index + 1, row, out)));
      return out;
    },
    get done() {
      return isDone();
    },
    warnings,
  };
}

/**
 * One output line as compact JSON: `{"trace_id", "path", "value"}` for a selected node, the value
 * alone with `values` (`--values`); an aggregation's record prints as itself either way. Integers
 * beyond 2^53 print with the digits of the trace's text when the run was given it.
 */
export function formatRow(row: QueryRow, values: boolean): string {
  const exact = row.exact === null ? undefined : resolveExact(row.exact);
  const value = exact === undefined ? row.value : exact;
  const line = values || row.origin === null ? value : { trace_id: row.origin.trace_id, path: row.origin.path, value };
  return toJsonText(line, exact !== undefined);
}
