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
