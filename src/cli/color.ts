import type { FormatOptions } from '../report/format.js';
import { ANSI_STYLE, PLAIN_STYLE, withWidth, type Style } from '../report/shared/style.js';
import { stdoutWidth, verbosity } from './output-options.js';
import { outputToFile } from './run-read.js';

/** What the colour decision looks at: the environment and the stream the text goes to. */
export interface ColorInput {
  /** `--color` (true), `--no-color` (false), or neither (undefined). */
  flag: boolean | undefined;
  env: Readonly<Record<string, string | undefined>>;
  stream: { isTTY?: boolean; hasColors?: (env?: Record<string, string | undefined>) => boolean };
}

/**
 * Whether text output gets colour. First match wins:
 *
 * 1. `--color` / `--no-color`: the person asked, for this run.
 * 2. `FORCE_COLOR`: `0` or `false` → off; empty, `1`, `2`, `3` or `true` → on, even on a pipe
 *    (`| less -R`). Other values are ignored. As in Node and chalk, it wins over `NO_COLOR`: it
 *    is the narrower request (one job, one CI step), `NO_COLOR` a standing preference.
 * 3. `NO_COLOR` set and not empty → off (no-color.org: an empty value does not count).
 * 4. Not a terminal → off; `TERM=dumb` → off.
 * 5. A terminal: Node's `hasColors()` (TERM, COLORTERM, known CI services, Windows), given the
 *    environment without the two variables above, which were decided here (Node would read an
 *    empty `NO_COLOR` as set, and warns when it sees both).
 */
export function colorWanted({ flag, env, stream }: ColorInput): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    const value = force.trim().toLowerCase();
    if (value === '0' || value === 'false') return false;
    if (['', '1', '2', '3', 'true'].includes(value)) return true;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (stream.isTTY !== true || env.TERM === 'dumb') return false;
  if (stream.hasColors === undefined) return true;
  const { FORCE_COLOR: _force, NO_COLOR: _no, ...rest } = env;
  return stream.hasColors(rest);
}

/** `--color` / `--no-color`, as main.ts parsed it (a global option: every command has it). */
let colorFlag: boolean | undefined;

/** Records the global `--color` / `--no-color` flag (main.ts, before any command runs). */
export function setColorFlag(flag: boolean | undefined): void {
  colorFlag = flag;
}

/**
 * The style for text written to stdout: ANSI colour or plain, per {@link colorWanted}, and the
 * width to fit (`output-options.ts`). Only text
 * formats ask for it; JSON, Markdown and files written with `-o` are never painted.
 */
export function stdoutStyle(): Style {
  return withWidth(stdoutColor() ? ANSI_STYLE : PLAIN_STYLE, stdoutWidth(outputToFile()));
}

/** The options of a text formatter writing to stdout: colour, width and verbosity as decided for this run. */
export function textOptions(): Required<Pick<FormatOptions, 'color' | 'width' | 'verbosity'>> {
  return { color: stdoutColor(), width: stdoutWidth(outputToFile()), verbosity: verbosity() };
}

/** Whether text written to stdout gets colour (a formatter's `color` option), per {@link colorWanted}. */
export function stdoutColor(): boolean {
  // Output sent to a file (-o) is no terminal, whatever stdout is.
  const stream = outputToFile() ? { isTTY: false } : process.stdout;
  return colorWanted({ flag: colorFlag, env: process.env, stream });
}
