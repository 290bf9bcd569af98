/**
 * Python `json.dumps` byte-for-byte, so generated exports (`scripts/make-samples.mjs`,
 * `bench/gen-export.mjs`) look like what MLflow writes: default separators `", "` / `": "` without indent, `","` / `": "` with
 * `indent=2`, `[]` / `{}` when empty, and `ensure_ascii=True` escaping as a separate pass.
 * Keys whose value is `undefined` are left out (protobuf "field not set").
 */

/** JSON text emitted verbatim: 19-digit timestamps (beyond 2^53), Python floats such as `4.0`. */
export class Raw {
  constructor(text) {
    this.text = text;
  }
}

/**
 * A Python float: `4` prints as `4.0`, as `MessageToDict` turns protobuf numbers into floats.
 * Values whose Python repr would use an exponent (or differ from JavaScript's) are refused.
 */
export function pyFloat(x) {
  if (!Number.isFinite(x)) throw new Error(`non-finite float ${x}`);
  if (Number.isInteger(x)) {
    if (Math.abs(x) >= 1e16) throw new Error(`float too large for this writer: ${x}`);
    return new Raw(x.toFixed(1));
  }
  const text = String(x);
  if (/e/i.test(text) || Math.abs(x) < 1e-4) throw new Error(`float with an exponent in Python: ${text}`);
  return new Raw(text);
}

const pads = [];
function pad(indent, depth) {
  const n = indent * depth;
  return (pads[n] ??= '\n' + ' '.repeat(n));
}

/**
 * Serialise `v`. `indent` 0 means Python's `indent=None`; `depth` is the nesting level the value
 * starts at (only matters with an indent).
 */
export function dumps(v, indent = 0, depth = 0) {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      // Beyond 2^53 the digits would be wrong: such integers (nanosecond times) must be BigInt.
      if (Number.isInteger(v) && !Number.isSafeInteger(v)) throw new Error(`unsafe integer ${v}; use BigInt`);
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    default:
      break;
  }
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (!indent) {
      let s = '[' + dumps(v[0]);
      for (let i = 1; i < v.length; i++) s += ', ' + dumps(v[i]);
      return s + ']';
    }
    const inner = pad(indent, depth + 1);
    let s = '[' + inner + dumps(v[0], indent, depth + 1);
    for (let i = 1; i < v.length; i++) s += ',' + inner + dumps(v[i], indent, depth + 1);
    return s + pad(indent, depth) + ']';
  }
  let s = '';
  const sep = indent ? ',' + pad(indent, depth + 1) : ', ';
  for (const k in v) {
    const x = v[k];
    if (x === undefined) continue;
    s += (s ? sep : '') + JSON.stringify(k) + ': ' + dumps(x, indent, depth + 1);
  }
  if (!s) return '{}';
  return indent ? '{' + pad(indent, depth + 1) + s + pad(indent, depth) + '}' : '{' + s + '}';
}

const NON_ASCII = /[\u007f-\uffff]/;
const NON_ASCII_G = /[\u007f-\uffff]/g;
const escapes = new Map();
const escapeChar = (c) => {
  let e = escapes.get(c);
  if (e === undefined) escapes.set(c, (e = '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')));
  return e;
};

/**
 * Python's `ensure_ascii=True`: every code unit outside printable ASCII becomes `\uXXXX`
 * (astral characters as their surrogate pair, as Python does). Safe on whole documents because
 * non-ASCII can only occur inside strings.
 */
export function ensureAscii(text) {
  return NON_ASCII.test(text) ? text.replace(NON_ASCII_G, escapeChar) : text;
}
