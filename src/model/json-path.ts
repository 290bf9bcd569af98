const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Renders a location as an RFC 9535 JSONPath a person can paste into `tracetriage query`:
 * `$.data.spans[3].attributes['mlflow.spanType']`. Member names that are not plain identifiers are
 * quoted with single quotes and escaped as the RFC's normalized paths require.
 */
export function toJsonPath(segments: ReadonlyArray<string | number>): string {
  let out = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += `.${segment}`;
    else out += `['${escapeMember(segment)}']`;
  }
  return out;
}

/** Turns an ajv / JSON Pointer instance path (`/data/spans/3/name`) into a JSONPath. */
export function pointerToJsonPath(pointer: string): string {
  return toJsonPath(pointerSegments(pointer));
}

function escapeMember(name: string): string {
  let out = '';
  for (const ch of name) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "'") out += "\\'";
    else if (ch === '\\') out += '\\\\';
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** The segments of a JSON Pointer (RFC 6901), array indexes as numbers: `/a/0` → `['a', 0]`. */
export function pointerSegments(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}
