import { expect } from 'vitest';
import type { Html, Nodes, Root, Strong, Text } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

// Markdown output parsed with micromark + mdast-util-gfm: a CommonMark and GFM parser that follows
// the spec cmark-gfm (GitHub's parser) implements, so "the table has 8 cells per row" and "this
// is a link" are decided as GitHub decides them, not by a regular expression over the text.

/** The mdast tree of `md`, CommonMark plus GFM (tables, autolinks, strikethrough, footnotes). */
export function parseMarkdown(md: string): Root {
  return fromMarkdown(md, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

/** Every node of `tree`, depth first. */
export function mdNodes(tree: Nodes): Nodes[] {
  const out: Nodes[] = [tree];
  if ('children' in tree) for (const child of tree.children) out.push(...mdNodes(child));
  return out;
}

/** The text a node shows, code spans included. */
export function plainText(node: Nodes): string {
  if (node.type === 'text' || node.type === 'inlineCode') return node.value;
  return 'children' in node ? node.children.map(plainText).join('') : '';
}

/** What a renderer writes itself: the HTML and bold words that may appear in its output. */
export interface OwnMarkup {
  html: readonly RegExp[];
  strong: RegExp;
}

/**
 * What must hold of any Markdown output, hostile or not: tables keep their columns (in the tree
 * and in the source: GFM drops extra cells silently), HTML and bold text are the renderer's own,
 * no link, image, emphasis, strikethrough, footnote came from trace text, no text node holds a
 * mention, an issue reference or an autolink GitHub would find, no raw control character is
 * left. Returns the tree for more checks.
 */
export function expectInertMarkdown(md: string, own: OwnMarkup): Root {
  const tree = parseMarkdown(md);
  const all = mdNodes(tree);
  for (const table of all.filter((n) => n.type === 'table')) {
    const width = table.children[0]!.children.length;
    expect(table.children.map((row) => row.children.length)).toEqual(table.children.map(() => width));
  }
  for (const block of md.split('\n\n')) {
    const lines = block.split('\n').filter((l) => l.startsWith('| '));
    const pipes = lines.map((l) => (l.match(/(?<!\\)(?:\\\\)*\|/gu) ?? []).length);
    expect(pipes).toEqual(lines.map(() => pipes[0]));
  }
  const types = new Set(all.map((n) => n.type));
  for (const banned of ['link', 'image', 'linkReference', 'imageReference', 'definition', 'footnoteReference', 'footnoteDefinition', 'emphasis', 'delete']) {
    expect(types.has(banned as Nodes['type']), banned).toBe(false);
  }
  for (const html of all.filter((n): n is Html => n.type === 'html'))
    expect(
      own.html.some((re) => re.test(html.value)),
      html.value,
    ).toBe(true);
  for (const strong of all.filter((n): n is Strong => n.type === 'strong')) expect(plainText(strong)).toMatch(own.strong);
  // GitHub finds mentions and issue references in text nodes: an `@` or `#` must never be followed by a word in the same node.
  for (const text of all.filter((n): n is Text => n.type === 'text')) {
    expect(text.value).not.toMatch(/@[\p{L}\p{N}_-]|#\d|https?:\/\/|www\./iu);
  }
  expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u);
  expect(md.endsWith('\n') && !md.endsWith('\n\n') && !md.includes('\n\n\n')).toBe(true);
  return tree;
}
