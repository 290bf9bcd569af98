/**
 * A span attribute's text kept in a temporary file instead of in memory.
 *
 * A record read span by span (one trace too big to parse whole, `src/ingest/oversized.ts`) would
 * otherwise hold every span's attribute strings until the trace is analysed: hundreds of MB for a
 * trace of many model calls with their histories. When a reader that never shows the record itself
 * asks for it (`readSummaries`: `stats`, `validate`, `analyze`, `report`, `sessions`, `digest`),
 * each long attribute string of such a record is written to a temporary file as its span is read,
 * and the span keeps this handle in its place; {@link Attributes} reads the text back when the value
 * is used. Everything that looks at raw attribute values goes through {@link textOf} or
 * {@link isText}.
 *
 * @packageDocumentation
 */

/** Where the texts are: a temporary file (see `SpanTextSpill` in `src/engine/read/span-text.ts`). */
export interface SpilledTextStore {
  read(ref: { offset: number; length: number }): string;
}

/** One attribute string kept in a {@link SpilledTextStore}. */
export class SpilledText {
  /**
   * @param store - where the text is
   * @param offset - its first byte in the store
   * @param bytes - its UTF-8 length
   * @param length - its length in UTF-16 code units, as `string.length` would say
   */
  constructor(
    private readonly store: SpilledTextStore,
    private readonly offset: number,
    private readonly bytes: number,
    readonly length: number,
  ) {}

  /** The text, read back (each call reads it again: callers keep what they need). */
  text(): string {
    return this.store.read({ offset: this.offset, length: this.bytes });
  }

  /** `JSON.stringify` writes the text, as if the string had stayed in place. */
  toJSON(): string {
    return this.text();
  }
}

/** A string, or a string kept in a temporary file. */
export function isText(value: unknown): value is string | SpilledText {
  return typeof value === 'string' || value instanceof SpilledText;
}

/** The value with a {@link SpilledText} read back into its string; any other value as it is. */
export function textOf(value: unknown): unknown {
  return value instanceof SpilledText ? value.text() : value;
}
