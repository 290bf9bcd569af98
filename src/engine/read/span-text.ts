import { SpilledText } from '../../model/spilled-text.js';
import { SPILL_BLOCK_BYTES, SpillFile } from '../../ingest/spill.js';

/**
 * Attribute strings at least this long go to the file. A handle costs about as much memory as a
 * hundred characters, and short values (`mlflow.spanType`, ids, token counts) are read by almost
 * every rule; the long ones are a model call's history, a tool's or a retriever's output.
 */
export const SPILLED_TEXT_MIN = 1024;

/** The file's read cache: a trace's spans are read back in about the order they were written. */
const CACHE_BYTES = 16 * SPILL_BLOCK_BYTES;

/** OTLP attribute values (`{key, value: {string_value}}`) in both spellings. */
const OTLP_STRING_KEYS = ['string_value', 'stringValue'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Moves the long attribute strings of the spans of a record read span by span to a temporary file
 * as each span is read (see `src/model/spilled-text.ts`), so that such a record costs memory for
 * its structure and short values only. The file is created at the first long string, unlinked at
 * once (gone when the process ends, however it ends), and grows with the long strings of every
 * such record read: the models of the traces read from it may be used until the run's end.
 */
export class SpanTextSpill {
  private file: SpillFile | null = null;
  /** How many strings went to the file, and their length in UTF-16 code units. */
  spilled = 0;
  spilledUnits = 0;

  constructor(private readonly min = SPILLED_TEXT_MIN) {}

  /** Replaces, in place, each attribute string of `span` of at least the minimum length by its {@link SpilledText}. */
  span(span: Record<string, unknown>): void {
    replaceAttributeValues(span, (value) => (typeof value === 'string' && value.length >= this.min ? this.put(value) : value));
  }

  private put(text: string): SpilledText {
    const file = (this.file ??= new SpillFile('tracetriage-span-text-', CACHE_BYTES));
    const ref = file.append(text);
    this.spilled += 1;
    this.spilledUnits += text.length;
    return new SpilledText(file, ref.offset, ref.length, text.length);
  }
}

let shared: SpanTextSpill | null = null;

/** The thread's spill (one file per thread, for the thread's lifetime). */
export function sharedSpanTextSpill(): SpanTextSpill {
  shared ??= new SpanTextSpill();
  return shared;
}

/**
 * Puts every spilled string of a record's spans back in place (a record handed to a reader that
 * walks raw values itself: another tracer's spans).
 */
export function restoreSpanText(value: unknown): void {
  if (!isObject(value)) return;
  for (const holder of [value, value.data, value.trace]) {
    if (!isObject(holder) || !Array.isArray(holder.spans)) continue;
    for (const span of holder.spans) {
      if (isObject(span)) replaceAttributeValues(span, (text) => (text instanceof SpilledText ? text.text() : text));
    }
  }
}

/**
 * Replaces each string value of a span's attributes, in place, by what `replace` makes of it:
 * an object of values (MLflow's) or a list of OTLP `{key, value: {string_value}}` items (either
 * spelling); other values are left alone.
 */
function replaceAttributeValues(span: Record<string, unknown>, replace: (value: unknown) => unknown): void {
  const attributes = span.attributes;
  if (Array.isArray(attributes)) {
    for (const item of attributes) {
      if (!isObject(item) || !isObject(item.value)) continue;
      const value = item.value;
      for (const key of OTLP_STRING_KEYS) {
        if (!(key in value)) continue;
        const next = replace(value[key]);
        if (next !== value[key]) value[key] = next;
      }
    }
  } else if (isObject(attributes)) {
    for (const key of Object.keys(attributes)) {
      const next = replace(attributes[key]);
      if (next !== attributes[key]) attributes[key] = next;
    }
  }
}
