// XML character data and attribute values (the JUnit report). What goes in is made safe first
// (`strictText`, ./terminal.ts): these only keep markup from being read where text was meant.

/** Escapes character data: `&` and `<` start markup, and `>` too so that `]]>` cannot appear. */
export function xmlText(text: string): string {
  return text.replace(/[&<>]/gu, (ch) => ESCAPES[ch] ?? ch);
}

/** Escapes a double-quoted attribute value (tab and line breaks never reach here: `strictText` shows them as `\u{…}`). */
export function xmlAttr(text: string): string {
  return text.replace(/[&<>"]/gu, (ch) => ESCAPES[ch] ?? ch);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
