import type { Verbosity } from '../report/format.js';

/** What the width decision looks at: `--width`, and the stream the text goes to. */
export interface WidthInput {
  /** `--width <columns>` (0: no limit), or undefined when not given. */
  flag: number | undefined;
  stream: { isTTY?: boolean | undefined; columns?: number | undefined };
}

/**
 * Columns text output may take, 0 for no limit: `--width` when given, else the terminal's columns
 * when the text goes to a terminal, else no limit (a pipe or a file keeps whole lines: `grep`,
 * `less -S` and scripts read them, and the golden files pin them).
 */
export function widthWanted({ flag, stream }: WidthInput): number {
  if (flag !== undefined) return Number.isFinite(flag) && flag > 0 ? Math.floor(flag) : 0;
  if (stream.isTTY !== true) return 0;
  return stream.columns !== undefined && stream.columns > 0 ? stream.columns : 0;
}

/** `--width`, `--quiet`, `--verbose`, as main.ts parsed them (global options: every command has them). */
let widthFlag: number | undefined;
let level: Verbosity = 'normal';

/** Records the global `--width`, `--quiet` and `--verbose` (main.ts, before any command runs). */
export function setOutputOptions(options: { width: number | undefined; quiet: boolean | undefined; verbose: boolean | undefined }): void {
  widthFlag = options.width;
  level = options.quiet === true ? 'quiet' : options.verbose === true ? 'verbose' : 'normal';
}

/** Columns for text written to stdout (0: no limit); a file written with `-o` is no terminal. */
export function stdoutWidth(toFile: boolean): number {
  return widthWanted({ flag: widthFlag, stream: toFile ? {} : process.stdout });
}

/** `--quiet`, `--verbose` or neither. */
export function verbosity(): Verbosity {
  return level;
}

/** False under `--quiet`: stderr then carries errors only (no notes, warnings or progress). */
export function notesWanted(): boolean {
  return level !== 'quiet';
}
