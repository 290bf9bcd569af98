/** Paints one piece of our own text (never trace text that has not been through `safeText`). */
export type Paint = (text: string) => string;

/**
 * How text reporters mark what matters: severities, verdicts, headers. Reporters take a `Style`
 * and default to {@link PLAIN_STYLE}, so the same function gives plain text for files and tests
 * and colour for a terminal; JSON and Markdown never take one.
 */
export interface Style {
  /** Errors: error findings, failing verdicts, error spans, failed counts. */
  readonly error: Paint;
  /** Warnings and scorer errors (a judge that failed, not the app). */
  readonly warn: Paint;
  /** Informational findings. */
  readonly info: Paint;
  /** Passing verdicts and clean outcomes. */
  readonly ok: Paint;
  /** What can be skipped on a first read: locations, notes. */
  readonly dim: Paint;
  /** Headers and names a reader scans for. */
  readonly bold: Paint;
  /** The one thing to look at first: the root cause. */
  readonly accent: Paint;
  /**
   * Columns the text may take (a terminal's width, or `--width`): tables cut cells and drop
   * columns, long lines are cut or wrapped. Absent or 0: no limit (pipes and files keep whole lines).
   */
  readonly width?: number;
}

/** `style` with a width limit (0 or undefined: none). */
export function withWidth(style: Style, width: number | undefined): Style {
  return width === undefined || width <= 0 ? style : { ...style, width };
}

const identity: Paint = (text) => text;

/** No marks at all: every existing output, byte for byte. */
export const PLAIN_STYLE: Style = {
  error: identity,
  warn: identity,
  info: identity,
  ok: identity,
  dim: identity,
  bold: identity,
  accent: identity,
};

/**
 * SGR codes with their own closing code (39 ends a colour, 22 ends bold or dim), so a piece
 * never leaves an attribute on after it. Each line is painted on its own: a code never spans a
 * line feed, so `less -R`, `grep` and `sed` see every line whole, and an empty line stays empty.
 */
function sgr(open: number, close: number): Paint {
  return (text) =>
    text
      .split('\n')
      .map((line) => (line === '' ? line : `\u001b[${open}m${line}\u001b[${close}m`))
      .join('\n');
}

/** The 16 basic colours every terminal has (no 256-colour or true-colour codes). */
export const ANSI_STYLE: Style = {
  error: sgr(31, 39),
  warn: sgr(33, 39),
  info: sgr(36, 39),
  ok: sgr(32, 39),
  dim: sgr(2, 22),
  bold: sgr(1, 22),
  accent: sgr(35, 39),
};

// Our own SGR sequences (`ESC [ digits/semicolons m`): the only escapes any output may hold.
const SGR = /\u001b\[[0-9;]*m/gu;

/** `text` without SGR sequences: what the terminal shows. */
export function stripStyle(text: string): string {
  return text.replace(SGR, '');
}
