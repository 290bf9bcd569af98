/** Python's json writes NaN and Infinity, which JSON.parse refuses. A pure leaf: it imports nothing. */

/**
 * Rewrites `NaN`, `Infinity` and `-Infinity` outside strings: by default to `null` and `1e999`
 * (which JSON.parse reads as ±Infinity); `--extract-fields` passes literals of its own. Runs only
 * on records the scanner flagged (an `N` or `I` byte outside strings), so clean records never
 * pay for it.
 */
export function rewriteNonFinite(text: string, nan = 'null', inf = '1e999'): { text: string; count: number } {
  let out = '';
  let last = 0;
  let count = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x4e && text.startsWith('NaN', i)) {
      out += text.slice(last, i) + nan;
      last = i + 3;
      i += 2;
      count++;
    } else if (c === 0x49 && text.startsWith('Infinity', i)) {
      out += text.slice(last, i) + inf;
      last = i + 8;
      i += 7;
      count++;
    }
  }
  return { text: count === 0 ? text : out + text.slice(last), count };
}
