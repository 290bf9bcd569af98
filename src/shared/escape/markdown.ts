import { safeText } from './terminal.js';

// Trace text in a Markdown ticket, three ways: escaped prose (`mdInline`), a code span
// (`mdCode`) and a fenced block (`mdFence`). What each must defeat, on GitHub and GitLab:
// - CommonMark and GFM syntax: emphasis, links, images, HTML, tables, headings, strikethrough;
// - GitLab references (`@user`, `#1`, `!1`, `~label`, `%milestone`, `$snippet`, `&epic`, `^`,
//   `:emoji:`) and `$…$` math: GitLab's parser (comrak, `escaped_char_spans` with
//   `only_escape_chars` `$ % # & @ ! ~ ^ :`) wraps a backslash-escaped reference character in
//   a span, so `\@all` stays text (lib/banzai/filter/markdown_engines/glfm_markdown.rb);
// - GitHub mentions and issue references, which a backslash does not stop (they are found in
//   the rendered HTML's text nodes, github/cmark-gfm#181): an empty HTML comment after the `@`
//   or `#` splits the text node, so `@<!-- -->channel` pings nobody and renders as `@channel`;
// - GitHub math, which a backslash does not stop either: GitHub's documentation puts a literal
//   `$` in `<span>$</span>`;
// - autolinks (`http://`, `www.`, `a@b.c`), found in text nodes by some renderers after
//   escapes are resolved: the same comment splits `http<!-- -->://` and `www<!-- -->.`;
// - the terminal: control, bidi and zero-width characters shown as `\u{…}` (`safeText`).

/** An empty HTML comment: invisible once rendered, it ends the text node a mention or an autolink is looked for in. */
const SPLIT = '<!-- -->';

/**
 * ASCII punctuation that is syntax wherever it stands (code, emphasis, links, tables, escapes,
 * GitLab's inline diff `{+ +}`), escaped with a backslash: every ASCII punctuation character may
 * be, so the escape itself always reads as one.
 */
const ALWAYS = new Set(['\\', '`', '*', '[', ']', '|', '{', '}']);

/**
 * Untrusted text as inert Markdown prose, for a table cell, a list item or a line behind a label:
 * line breaks become `<br>` (the text stays in its cell or item), tabs spaces, control and bidi
 * characters visible escapes, and every character that could start syntax, HTML, a reference, a
 * mention, math or an autolink is escaped (see the notes at the top of this file). The result
 * renders as the text itself on GitHub and GitLab.
 */
export function mdInline(text: string): string {
  const lines = text.split(/\r\n|\r|\n/u).map((line) => escapeLine(safeText(line.replace(/\t/gu, ' '))));
  return escapeLineStart(lines.join('<br>'));
}

function escapeLine(line: string): string {
  // Only the special characters are looked at (a regular expression finds them far faster than a
  // loop over every character); their neighbours are read from the line by UTF-16 index, which is
  // exact for the ASCII neighbours the rules ask about.
  return line.replace(SPECIAL, (c: string, i: number) => {
    const next = line[i + 1] ?? '';
    switch (c) {
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '$':
        return '<span>\\$</span>';
      case '@':
        return /^[\p{L}\p{N}_-]$/u.test(next) || /^[\ud800-\udbff]$/u.test(next) ? `\\@${SPLIT}` : next === '' || next === ' ' ? '@' : '\\@';
      case '#':
        return /^[0-9]$/u.test(next) ? `\\#${SPLIT}` : next === '' || next === ' ' ? '#' : '\\#';
      case ':':
        return next === '/' && line[i + 2] === '/' ? `${SPLIT}\\:` : next === '' || next === ' ' ? ':' : '\\:';
      case '.':
        return line.slice(Math.max(0, i - 3), i).toLowerCase() === 'www' ? `${SPLIT}.` : '.';
      case '_':
        // Between two letters or digits `_` can neither open nor close emphasis (CommonMark flanking rules).
        return WORD.test(line[i - 1] ?? '') && WORD.test(next) ? '_' : '\\_';
      default:
        // `!`, `~`, `%`, `^`, `&` (like `@`, `#`, `:` above) start something only before a
        // non-space: a GitLab reference (`!1`, `~label`, `%milestone`, `^`, `&epic`), a
        // strikethrough, an entity. `30% off` and `Hi! I` stay as they are.
        return ALWAYS.has(c) || (next !== '' && next !== ' ') ? `\\${c}` : c;
    }
  });
}

/** Every character {@link escapeLine} may change. */
const SPECIAL = /[<>$@#:._\\`*[\]|{}!~%^&]/gu;

const WORD = /^[\p{L}\p{N}]$/u;

/**
 * At the start of a line `-`, `+`, `=`, `#` and `1.` / `1)` would make a list or a heading
 * (`>` is an entity anyway): escaped there, left alone elsewhere.
 */
function escapeLineStart(text: string): string {
  if (/^[-+=#]/u.test(text)) return `\\${text}`;
  const ordered = /^(\d{1,9})([.)])/u.exec(text);
  if (ordered) return `${ordered[1]}\\${ordered[2]}${text.slice(ordered[0].length)}`;
  return text;
}

/**
 * Untrusted text as a code span (ids, names, paths): nothing inside a code span is syntax, a
 * reference, a mention or a link on either site. The delimiter is one backtick longer than the
 * longest run inside, so the text cannot close it; line breaks and control characters are shown
 * as `\u{…}` escapes. In a table a `|` would still end the cell (GFM splits cells before it reads
 * code spans, and parsers disagree on `\|` after a backslash), so there such a text is escaped as
 * prose instead. An empty text reads `(empty)`.
 */
export function mdCode(text: string, where: 'inline' | 'table' = 'inline'): string {
  const shown = safeText(text);
  if (shown === '') return '(empty)';
  if (where === 'table' && shown.includes('|')) return mdInline(shown);
  const fence = '`'.repeat(longestRun(shown, '`') + 1);
  // CommonMark drops one space on each side when both are there, and a backtick next to the
  // delimiter would lengthen it: a space on each side keeps the text exact.
  const pad = /^`|`$/u.test(shown) || (shown.startsWith(' ') && shown.endsWith(' ') && shown.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/**
 * Untrusted text as a fenced code block (lines to join with `\n`): the fence is longer than any
 * backtick run in the text (CommonMark: a closing fence is at least as long as the opening one),
 * so no line of the text can close it, and inside it nothing is syntax, HTML, a reference or a
 * mention. Line breaks are kept (CRLF and CR read as LF), tabs too; other control, bidi and
 * zero-width characters become `\u{…}`. Trailing empty lines are dropped. The block must start at
 * column 0, outside lists and block quotes, where no indentation rule can end it early.
 */
export function mdFence(text: string, info = 'text'): string[] {
  const body = fenceBody(text);
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return [`${fence}${info}`, ...body.split('\n'), fence];
}

/** The text a fence made by {@link mdFence} shows: what its code block contains, exactly. */
export function fenceBody(text: string): string {
  return text
    .replace(/\r\n|\r/gu, '\n')
    .replace(/\n+$/u, '')
    .split('\n')
    .map((line) => line.split('\t').map(safeText).join('\t'))
    .join('\n');
}

/** Longest run of `ch` in `text`. */
function longestRun(text: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}
