import { safeText } from './terminal.js';

// Every piece of trace text reaches the page through these two functions, and through nothing
// else: the page has no other way to turn data into markup.

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Untrusted text as HTML text or as a quoted attribute value: control, zero-width and bidi
 * characters shown as `\u{…}` escapes (as in the terminal, so a right-to-left override cannot
 * reorder what a reader sees), then `& < > " '` as character references. Line breaks are escaped
 * too: use {@link htmlLines} where they should stay.
 */
export function esc(text: string): string {
  return safeText(text).replace(/[&<>"']/gu, (ch) => ENTITY[ch]!);
}

/** Like {@link esc}, but keeps line breaks (as `\n`) for text shown with `white-space: pre-wrap`. */
export function htmlLines(text: string): string {
  return text
    .split(/\r\n|\r|\n/u)
    .map(esc)
    .join('\n');
}
