import type { Exact } from './exact-numbers.js';

/** Where a selected value came from: the MLflow trace id and the node's normalized path. */
export interface QueryOrigin {
  readonly trace_id: string;
  readonly path: string;
}

/** What the CLI prints for a selected value by default: one JSON line. */
export interface QueryItem extends QueryOrigin {
  readonly value: unknown;
}

/**
 * One value flowing through the stages, and one output of a run. A selected node keeps its origin
 * through `where`, `pick`, `unique`, `sort_by` and `limit`; an aggregation's record (`count`,
 * `group_by`) has none.
 */
export interface QueryRow {
  /** The value as `JSON.parse` made it: what stages compute with. */
  readonly value: unknown;
  readonly origin: QueryOrigin | null;
  /** The way to the value's exact digits when it holds an integer beyond 2^53, else null. */
  readonly exact: Exact | null;
}

/** Hands a row to the next stage (or to the output). */
export type Emit = (row: QueryRow) => void;

/** A running stage: its state lives in the object, one per run. */
export interface Stage {
  push(row: QueryRow, emit: Emit): void;
  /** End of input: a stage that held rows (sort, aggregation) lets them out now. */
  flush(emit: Emit): void;
  /** True once nothing more can pass (a `limit` reached): the run can stop reading. */
  readonly closed: boolean;
}

/** A compiled stage: makes a fresh `Stage` for each run. */
export interface StagePlan {
  /** The stage as written, for messages. */
  readonly text: string;
  /** After this stage, rows are records of its own (an aggregation), not selected nodes. */
  readonly reshapes: boolean;
  start(): Stage;
}
