import { LosslessNumber, isInteger, isSafeNumber, parse, stringify } from 'lossless-json';
import { rewriteNonFinite } from '../../ingest/parse.js';

/**
 * `JSON.parse` turns 19-digit nanosecond times into rounded doubles. Stages compute with those
 * doubles (comparing two times is fine rounded); only what is printed must keep every digit. So a
 * selected value that holds an integer beyond 2^53 keeps a way back to its exact twin: the trace's
 * original text, re-read with lossless-json on first demand (most runs never print such a value:
 * `count` does not), and the node's location in it.
 */
export class ExactSource {
  #source: string | Uint8Array | null;
  #doc: unknown = undefined;
  #failure: string | null = null;

  constructor(
    source: string | Uint8Array,
    /** Told once when the text cannot be re-read (none kept, or a duplicate key lossless-json refuses): values print as parsed. */
    private readonly onFailure: (message: string) => void,
  ) {
    this.#source = source;
  }

  /** The node at `location` in the lossless parse, or `undefined` when the text could not be re-read. */
  at(location: ReadonlyArray<string | number>): unknown {
    if (this.#source !== null) this.#read(this.#source);
    if (this.#failure !== null) return undefined;
    let node = this.#doc;
    for (const step of location) node = (node as Record<string | number, unknown> | null)?.[step];
    return node;
  }

  #read(source: string | Uint8Array): void {
    this.#source = null; // the text is not needed once parsed, and a trace can be large
    const text = typeof source === 'string' ? source : new TextDecoder().decode(source);
    if (text === '') {
      // The reader keeps no bytes for a record too large for one string (read span by span).
      this.#fail('the record was too large to keep its original text');
      return;
    }
    try {
      // Python writes NaN and Infinity; the reader rewrote them the same way before JSON.parse.
      this.#doc = parse(rewriteNonFinite(text).text, null, exactNumber);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      this.#fail(`the original text could not be re-read exactly: ${error.message}`);
    }
  }

  #fail(why: string): void {
    this.#failure = why;
    this.onFailure(`numbers printed as parsed (integers beyond 2^53 may be rounded): ${why}`);
  }
}

/** Only integers beyond 2^53 need the lossless form; every other number reads as JSON.parse reads it. */
function exactNumber(text: string): unknown {
  return isInteger(text) && !isSafeNumber(text) ? new LosslessNumber(text) : Number(text);
}

/** How to get back to the exact twin of a row's value. */
export type Exact =
  | {
      readonly kind: 'node';
      readonly source: ExactSource;
      readonly location: ReadonlyArray<string | number>;
      /** What stages did to the node (a `pick`), replayed on the exact node. */
      readonly project: ((value: unknown) => unknown) | null;
    }
  | { readonly kind: 'value'; readonly value: unknown };

/** True when `value` holds an integer that `JSON.parse` could not keep exactly. */
export function needsExact(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value);
  if (Array.isArray(value)) return value.some(needsExact);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(needsExact);
  return false;
}

/** The exact twin, or `undefined` when the original text could not be re-read. */
export function resolveExact(exact: Exact): unknown {
  if (exact.kind === 'value') return exact.value;
  const node = exact.source.at(exact.location);
  if (node === undefined) return undefined;
  return exact.project === null ? node : exact.project(node);
}

/** The twin of `project(value)`: replayed lazily on a node, at once on a value already read. */
export function projectExact(exact: Exact, project: (value: unknown) => unknown): Exact {
  if (exact.kind === 'value') return { kind: 'value', value: project(exact.value) };
  const before = exact.project;
  return { ...exact, project: before === null ? project : (value) => project(before(value)) };
}

/** Reads the twin now, so a stage that holds rows (`sort_by`) does not hold whole trace texts. */
export function settleExact(exact: Exact | null): Exact | null {
  if (exact === null || exact.kind === 'value') return exact;
  const value = resolveExact(exact);
  return value === undefined ? null : { kind: 'value', value };
}

/** Compact JSON text; LosslessNumbers print their own digits. */
export function toJsonText(value: unknown, exact: boolean): string {
  return (exact ? stringify(value) : JSON.stringify(value)) ?? 'null';
}
