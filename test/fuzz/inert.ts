import type { Html, Nodes, Text } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { SaxesParser } from 'saxes';
import { expect } from 'vitest';

// What "nothing in the output that its reader would take as its own" means per format, checked
// on what a real parser builds (micromark + GFM as GitHub does, saxes for XML), not by eye.

/** C0 controls but tab and line feed, DEL, C1: never raw in any output. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;
/** For people's eyes (text, Markdown), also tabs and the bidi and zero-width controls that reorder or hide text. */
const INVISIBLE = /[\u0009\u200b-\u200f\u202a-\u202e\u2066-\u2069]/u;

/** No raw control character (nor, for `forEyes` outputs, bidi or zero-width ones). */
export function expectNoControls(output: string, forEyes: boolean, what: string): void {
  const bad = CONTROLS.exec(output) ?? (forEyes ? INVISIBLE.exec(output) : null);
  expect(
    bad === null,
    `${what}: raw U+${bad?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} at ${bad?.index}: ${JSON.stringify(output.slice(Math.max(0, (bad?.index ?? 0) - 40), (bad?.index ?? 0) + 20))}`,
  ).toBe(true);
}

function nodes(tree: Nodes): Nodes[] {
  const out: Nodes[] = [tree];
  if ('children' in tree) for (const child of tree.children) out.push(...nodes(child));
  return out;
}

/** HTML our Markdown renderers write; anything else in the tree came from trace text. */
const OWN_HTML = [/^<!-- -->$/u, /^<br>$/u, /^<span>$/u, /^<\/span>$/u, /^<\/details>$/u, /^<details><summary>[^<>]*<\/summary>$/u];

/**
 * As GitHub parses it: no link, image, reference, footnote, emphasis or strikethrough, HTML only
 * ours, and no mention, issue reference or bare URL left live in text.
 */
export function expectInertMarkdown(md: string, what: string): void {
  const all = nodes(fromMarkdown(md, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }));
  for (const banned of ['link', 'image', 'linkReference', 'imageReference', 'definition', 'footnoteReference', 'footnoteDefinition', 'emphasis', 'delete']) {
    const found = all.find((n) => n.type === banned);
    expect(found, `${what}: a ${banned} from trace text: ${JSON.stringify(found?.position ? md.slice(found.position.start.offset, found.position.end.offset) : '')}`).toBeUndefined();
  }
  for (const html of all.filter((n): n is Html => n.type === 'html'))
    expect(
      OWN_HTML.some((re) => re.test(html.value)),
      `${what}: HTML from trace text: ${html.value}`,
    ).toBe(true);
  for (const text of all.filter((n): n is Text => n.type === 'text')) {
    expect(text.value, `${what}: live mention, reference or URL`).not.toMatch(/@[\p{L}\p{N}_-]|#\d|https?:\/\/|www\./iu);
  }
}

/** Elements the hostile texts carry; their opening tags must never appear raw. */
const INJECTED = [/<fz-el/iu, /<script>alert/iu, /<img src=x/iu, /<!--(?! -->)/u, /href\s*=\s*["']?javascript:/iu];
/** Elements a hostile `</td></tr></table>` would close early: opened and closed as often. */
const BALANCED = ['table', 'tr', 'td', 'details', 'summary', 'a', 'svg', 'script', 'style'];

/** No element from trace text: none of the injected tags, structure balanced. */
export function expectInertHtml(html: string, what: string): void {
  for (const re of INJECTED) expect(re.exec(html)?.[0], `${what}: ${String(re)}`).toBeUndefined();
  for (const tag of BALANCED) {
    const opened = html.match(new RegExp(`<${tag}[\\s>]`, 'giu'))?.length ?? 0;
    const closed = html.match(new RegExp(`</${tag}>`, 'giu'))?.length ?? 0;
    expect(closed, `${what}: <${tag}> opened ${opened} times, closed ${closed}`).toBe(opened);
  }
}

/** Well-formed XML 1.0 (saxes checks the Char production too), and no element named from trace text. */
export function expectWellFormedXml(xml: string, what: string): void {
  const parser = new SaxesParser();
  const names = new Set<string>();
  let error: Error | null = null;
  parser.on('error', (e) => {
    error ??= e;
  });
  parser.on('opentag', (tag) => names.add(tag.name));
  parser.write(xml).close();
  expect(error, `${what}: ${String(error)}`).toBeNull();
  for (const name of ['fz-el', 'script', 'img']) expect(names.has(name), `${what}: <${name}> element`).toBe(false);
}
