import { ANSI_STYLE, PLAIN_STYLE, withWidth, type Style } from './shared/style.js';

/**
 * What every formatter takes besides its view. Extensible: a view whose formats need more (the
 * trace's `attributes`, a report's byte budget) extends it, and text formats may grow more
 * (width, verbosity) without a change to the registries.
 */
export interface FormatOptions {
  /** ANSI colours in the text formats (never in JSON, Markdown, JUnit or SARIF); default false. */
  color?: boolean;
  /** Columns the text formats may take (tables cut cells and drop columns, long lines are cut or wrapped); default 0, no limit. */
  width?: number;
  /**
   * How much `analyze`'s text says: `normal` (default) one line per session and repeated findings
   * folded; `verbose` every finding with its evidence; `quiet` error findings only.
   */
  verbosity?: Verbosity;
}

/** How much a text format says. */
export type Verbosity = 'quiet' | 'normal' | 'verbose';

/** A piece of a formatter's output: text, or bytes for a binary format ({@link BINARY_FORMATS}). */
export type OutputChunk = string | Uint8Array;

/**
 * One output format of one view: a pure function of the view model and the options, giving the
 * output piece by piece (a big dump's JSON is tens of MB: the CLI writes each piece as it comes).
 * No I/O, no `process`: the CLI and the API both pick from the same registry and write. Text
 * unless `Chunk` says bytes.
 */
export type Formatter<View, Options extends FormatOptions = FormatOptions, Chunk extends OutputChunk = string> = (view: View, options: Options) => Iterable<Chunk>;

/**
 * Format names whose output is bytes, not text (Parquet): never written to a terminal, and never
 * escaped as text output is (`escapeInvisible` would corrupt them).
 */
export const BINARY_FORMATS: ReadonlySet<string> = new Set(['parquet']);

/**
 * One view's formats, keyed by format name. Declared as `Record<Format, …>` over the view's
 * format names, so a name without a formatter (or a formatter without a name) does not compile.
 */
export type FormatRegistry<Format extends string, View, Options extends FormatOptions = FormatOptions> = Readonly<Record<Format, Formatter<View, Options>>>;

/** The format names of a registry, in declaration order: the CLI's `--format` choices. */
export function formatNames<Format extends string>(registry: Readonly<Record<Format, unknown>>): Format[] {
  return Object.keys(registry) as Format[];
}

/** The style of a text format. */
export function styleOf(options: FormatOptions): Style {
  return withWidth(options.color === true ? ANSI_STYLE : PLAIN_STYLE, options.width);
}

/** A whole text as a formatter's output (most text formats build their text at once). */
export function whole(text: string): Iterable<string> {
  return [text];
}

/** A JSON value as the JSON formats print it: indent 2, a final newline. */
export function jsonOutput(value: unknown): Iterable<string> {
  return [`${JSON.stringify(value, null, 2)}\n`];
}

/**
 * A JSON object as {@link jsonOutput} prints it, byte for byte, in pieces: the arrays at the keys
 * of `streamed` (each in `document` too, any value: its place in the key order) are written one
 * item at a time as the iteration gives them, so neither the whole text nor every item's object
 * is held at once (the sessions and findings of a big dump: tens of MB).
 */
export function* jsonDocumentChunks(doc: object, streamed: Readonly<Record<string, Iterable<unknown>>>): Generator<string> {
  const document = doc as Readonly<Record<string, unknown>>;
  const keys = Object.keys(document).filter((key) => Object.hasOwn(streamed, key) || JSON.stringify(document[key]) !== undefined);
  if (keys.length === 0) {
    yield '{}\n';
    return;
  }
  let separator = '{\n';
  for (const key of keys) {
    const name = `${separator}  ${JSON.stringify(key)}: `;
    separator = ',\n';
    const items = Object.hasOwn(streamed, key) ? streamed[key]! : null;
    if (items === null) {
      yield name + indented(JSON.stringify(document[key], null, 2), '\n  ');
      continue;
    }
    let first = true;
    for (const item of items) {
      yield `${first ? `${name}[\n` : ',\n'}    ${indented(JSON.stringify(item, null, 2) ?? 'null', '\n    ')}`;
      first = false;
    }
    yield first ? `${name}[]` : '\n  ]';
  }
  yield '\n}\n';
}

/** `items` mapped one at a time, as an iteration reaches them (each pass anew): nothing is held. */
export function mapped<T, U>(items: Iterable<T>, f: (item: T) => U): Iterable<U> {
  return {
    *[Symbol.iterator]() {
      for (const item of items) yield f(item);
    },
  };
}

/** A JSON text nested deeper: its line breaks (JSON text has none inside strings) followed by `indent`. */
function indented(text: string, indent: string): string {
  return text.includes('\n') ? text.replace(/\n/gu, indent) : text;
}
