import { isLosslessNumber } from 'lossless-json';
import { findValue } from '../ingest/top-level.js';
import { extractFields, parseLossless, printLossless, type FieldPath } from './extract-fields.js';
import { compactJson, reindentJson } from './reindent.js';

/** What a search hit brings to be printed: the trace's original bytes. */
export interface HitBytes {
  bytes: Buffer;
}

/**
 * Prints search hits from their original text: whole (re-laid-out, never re-encoded, so every
 * digit is kept) or as extracted fields, for `search`'s three outputs. It remembers which fields
 * matched in some hit printed, so the caller can say which matched nothing (MLflow aborts instead).
 */
export class HitPrinter {
  private readonly matchedSomewhere: boolean[];

  constructor(
    /** `--extract-fields`, or null for the whole trace. */
    readonly fields: readonly FieldPath[] | null,
    private readonly includeSpans: boolean,
  ) {
    this.matchedSomewhere = (fields ?? []).map(() => false);
  }

  /** The hit as `--output json` lists it: indent 2 (the caller indents the list). */
  pretty(hit: HitBytes): string {
    if (this.fields === null) return reindentJson(this.text(hit), 2);
    return printLossless(this.extract(hit), 2);
  }

  /** The hit on one line, as `--output jsonl` prints it. */
  compact(hit: HitBytes): string {
    if (this.fields === null) return compactJson(this.text(hit));
    return compactJson(printLossless(this.extract(hit), 0));
  }

  /** The hit's row of the fields table: each field's single leaf, or `N/A`. */
  cells(hit: HitBytes): string[] {
    const doc = parseLossless(this.text(hit));
    return (this.fields ?? []).map((field, i) => {
      const { value, unmatched } = extractFields(doc, [field]);
      // The table's cells count as matches as the JSON outputs' do: a field shown is no "nothing".
      if (unmatched.length === 0) this.matchedSomewhere[i] = true;
      const leaf = leafOf(value);
      return leaf === undefined ? 'N/A' : typeof leaf === 'string' ? leaf : compactJson(printLossless(leaf, 0));
    });
  }

  /** The fields that matched nothing in any hit printed so far. */
  unmatched(): FieldPath[] {
    return (this.fields ?? []).filter((_, i) => !this.matchedSomewhere[i]);
  }

  private extract(hit: HitBytes): Record<string, unknown> {
    const { value, unmatched } = extractFields(parseLossless(this.text(hit)), this.fields ?? []);
    const missed = new Set(unmatched);
    this.matchedSomewhere.forEach((_, i) => {
      if (!missed.has(i)) this.matchedSomewhere[i] = true;
    });
    return value;
  }

  /** The trace's text, its spans replaced by `[]` without `includeSpans` (as MLflow prints such traces). */
  private text(hit: HitBytes): string {
    const { bytes } = hit;
    if (!this.includeSpans) {
      for (const path of [['data', 'spans'], ['trace', 'spans'], ['spans']]) {
        const range = findValue(bytes, path);
        if (range === null) continue;
        return bytes.toString('utf8', 0, range.start) + '[]' + bytes.toString('utf8', range.end);
      }
    }
    return bytes.toString('utf8');
  }
}

/** The single leaf a one-path extraction selected (the nested object's innermost value), if any. */
function leafOf(value: unknown): unknown {
  let node = value;
  while (typeof node === 'object' && node !== null && !Array.isArray(node) && !isLosslessNumber(node)) {
    const keys = Object.keys(node);
    if (keys.length !== 1) return keys.length === 0 ? undefined : node;
    node = (node as Record<string, unknown>)[keys[0]!];
  }
  return node;
}
