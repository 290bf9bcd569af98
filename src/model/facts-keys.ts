// How a trace's facts stay small enough to keep for every trace of a dump: a text becomes a short
// key (a hash of its normalized start), a string many traces repeat is held once.

/**
 * Characters of a text that make its key: enough to tell answers apart, cheap to hash. Callers
 * pass at least {@link KEY_TEXT_CHARS} raw characters, so the key's window never runs past the
 * text they have, even after white space is collapsed.
 */
const KEY_CHARS = 300;
/** Raw characters a text should keep for {@link textKey}: the window plus slack for white space. */
export const KEY_TEXT_CHARS = 400;
/** Texts shorter than this ("ok", "yes") say nothing about where they came from: no key. */
const MIN_KEY_CHARS = 24;

/**
 * A short key for a text: FNV-1a over its first {@link KEY_CHARS} characters after lower-casing,
 * collapsing white space and dropping a `… [cut, N chars]` marker, so an answer and the same
 * answer quoted back in a later prompt have the same key. Null for texts under
 * {@link MIN_KEY_CHARS}.
 */
export function textKey(text: string): string | null {
  // One pass: lower-case, collapse white space, stop at KEY_CHARS; no intermediate strings.
  const body = text.endsWith(' chars]') ? text.replace(CUT_MARKER, '') : text;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  let n = 0;
  let space = false;
  for (let i = 0; i < body.length && n < KEY_CHARS; i++) {
    let c = body.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || c === 0xa0) {
      space = n > 0;
      continue;
    }
    if (space) {
      a = Math.imul(a ^ 32, 0x01000193);
      b = Math.imul(b ^ 32, 0x01000193) ^ (b >>> 15);
      n++;
      space = false;
      if (n >= KEY_CHARS) break;
    }
    if (c >= 65 && c <= 90) c += 32;
    else if (c > 127) c = body[i]!.toLowerCase().charCodeAt(0);
    // Two 32-bit FNV-1a lanes with different offsets: 64 bits, no collision in any real dump.
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
    n++;
  }
  if (n < MIN_KEY_CHARS) return null;
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The marker `cutText` appends; a key is taken from the text before it. */
const CUT_MARKER = /… \[cut, [\d ]+ chars\]$/u;

/** Strings kept once however many traces repeat them (paths, span names, document ids). */
const SHARED = new Map<string, string>();
/** The table is cleared when it reaches this size, so a dump of unique names cannot grow it without end. */
const MAX_SHARED = 50_000;

/**
 * One copy of a string that many traces hold (`$.data.spans[3]`, `ChatOpenAI`, a document id):
 * facts are kept for every trace of a dump, and a copy per trace would cost more than the facts.
 */
export function shared(text: string): string {
  if (text.length > 200) return text;
  const hit = SHARED.get(text);
  if (hit !== undefined) return hit;
  if (SHARED.size >= MAX_SHARED) SHARED.clear();
  // A flat copy: the key may be a slice of a large decoded value (see `detach` in analyze-trace.ts).
  const own = text.length < 13 ? text : `${text} `.slice(0, -1);
  SHARED.set(own, own);
  return own;
}
