// Untrusted text made safe for a terminal, the base of every other target's escaper (HTML,
// Markdown, XML, SARIF): what a terminal must not receive raw, a web page or a ticket must not
// show raw either. A pure leaf: it imports nothing.

/**
 * Makes untrusted text safe for a terminal: control characters (C0, C1, DEL, which carry escape
 * sequences), bidirectional overrides and zero-width characters (which can hide or reorder text)
 * are shown as `\u{…}` escapes. Trace content and file names both go through this before printing.
 */
export function safeText(text: string): string {
  return text.replace(UNSAFE, shown);
}

/** Like `safeText`, but keeps line feeds (for multi-line messages from our own code and yargs). */
export function safeLines(text: string): string {
  return text.split('\n').map(safeText).join('\n');
}

// C0, DEL, C1, zero-width and bidi controls, line/paragraph separators, BOM.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

/**
 * Any output made safe for a terminal without changing what it says: DEL, C1 controls (U+009B
 * is a CSI on its own), zero-width and bidi controls, line/paragraph separators and the BOM are
 * written as `\uXXXX`. In JSON these characters can only stand inside strings, where `\uXXXX`
 * is the same character, so a JSON document keeps its value (`JSON.stringify` and jq leave them
 * raw); text reports have none left (`safeText` escaped them) and pass unchanged. C0 controls are
 * left alone: JSON writers escape them already, and line feeds and our SGR codes must pass.
 */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

const INVISIBLE = /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

/**
 * {@link safeText}, and lone surrogates and the non-characters U+FFFE/U+FFFF shown as `\u{…}` too:
 * XML 1.0 has no way to write them at all, not even as character references, and strict JSON
 * readers reject or replace a lone surrogate (`JSON.stringify` writes it as a `\ud800` escape).
 * For the CI formats (JUnit, SARIF), which a web page, an editor or a terminal may show.
 */
export function strictText(text: string): string {
  return safeText(text).replace(NOT_XML, shown);
}

// The C0 controls, also forbidden in XML, are taken by safeText first.
const NOT_XML = /[\ud800-\udfff\ufffe\uffff]/gu;

function shown(ch: string): string {
  return `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`;
}
