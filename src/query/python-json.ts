import { SpilledText } from '../model/spilled-text.js';

/** How a JS number that holds an integer is written: as a Python `int` (`4`) or `float` (`4.0`). */
export type IntegralNumbers = 'int' | 'float';

/** Options of {@link pythonJsonDumps}. */
export interface PythonJsonOptions {
  /**
   * `JSON.parse` turns both `4` and `4.0` into the number 4, so the text cannot say which one
   * Python held. `'int'` (the default) writes `4`, `'float'` writes `4.0`. Non-integral numbers
   * are always floats, and so are integral numbers of 1e21 and more (they come from literals such
   * as `1e300`). A lossless-json `LosslessNumber` or a `bigint` keeps its own kind instead.
   */
  integralNumbers?: IntegralNumbers;
}

/**
 * The text Python's `json.dumps(value)` gives with default settings: separators `', '` and
 * `': '`, `ensure_ascii=True` (every character outside space..`~` escaped as `\uXXXX`, astral
 * characters as surrogate pairs, DEL included), floats as Python's `repr` prints them (`0.5`,
 * `1e-05`, `1e+16`, `NaN`, `Infinity`), keys in insertion order.
 *
 * MLflow compares filters against this text: the SQL store keeps assessment values as
 * `json.dumps(value)` and span content as `json.dumps(span_dict)`
 * (`mlflow/store/tracking/dbmodels/models.py` `SqlAssessments.from_mlflow_entity`,
 * `mlflow/store/tracking/sqlalchemy_store.py` `log_spans`).
 *
 * `bigint` values and lossless-json `LosslessNumber`s are written with their exact digits (a
 * 19-digit nanosecond time survives). `undefined` object members are left out, as
 * `JSON.stringify` does; `undefined` in an array is `null`.
 */
export function pythonJsonDumps(value: unknown, options: PythonJsonOptions = {}): string {
  const integral = options.integralNumbers ?? 'int';
  const parts: string[] = [];
  write(value, integral, parts, 0);
  return parts.join('');
}

/** Past this depth the writer stops, so hostile nesting cannot exhaust the stack. */
const MAX_DEPTH = 512;

function write(value: unknown, integral: IntegralNumbers, out: string[], depth: number): void {
  if (depth > MAX_DEPTH) throw new RangeError(`value nested deeper than ${MAX_DEPTH} levels`);
  if (value === null || value === undefined) {
    out.push('null');
  } else if (typeof value === 'string') {
    out.push(pythonJsonString(value));
  } else if (value instanceof SpilledText) {
    out.push(pythonJsonString(value.text()));
  } else if (typeof value === 'number') {
    out.push(formatNumber(value, integral));
  } else if (typeof value === 'boolean') {
    out.push(value ? 'true' : 'false');
  } else if (typeof value === 'bigint') {
    out.push(value.toString());
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(', ');
      write(item, integral, out, depth + 1);
    });
    out.push(']');
  } else if (typeof value === 'object') {
    const lossless = losslessText(value);
    if (lossless !== null) {
      out.push(formatNumberText(lossless));
      return;
    }
    out.push('{');
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      if (!first) out.push(', ');
      first = false;
      out.push(pythonJsonString(key), ': ');
      write(item, integral, out, depth + 1);
    }
    out.push('}');
  } else {
    // Functions and symbols are not JSON; Python would raise TypeError on them.
    throw new TypeError(`cannot serialize a ${typeof value} as JSON`);
  }
}

/** A JSON string literal as Python writes it with `ensure_ascii=True`. */
export function pythonJsonString(text: string): string {
  let out = '"';
  let plainFrom = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    out += text.slice(plainFrom, i) + escapeUnit(c);
    plainFrom = i + 1;
  }
  return out + text.slice(plainFrom) + '"';
}

function escapeUnit(c: number): string {
  switch (c) {
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    default:
      // JS strings are UTF-16 already, so an astral character arrives as the surrogate pair
      // Python writes for it (and a lone surrogate as itself, as Python does).
      return `\\u${c.toString(16).padStart(4, '0')}`;
  }
}

function formatNumber(n: number, integral: IntegralNumbers): string {
  // Below 1e21 JS prints an integer with all its digits, as Python prints an int. Past that a
  // double's digits are mostly noise, and such numbers come from float literals (`1e300`).
  if (integral === 'int' && Number.isInteger(n) && Math.abs(n) < 1e21) return String(n === 0 ? 0 : n);
  return pythonFloatRepr(n);
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (the same digits JS picks), in
 * fixed notation when the decimal exponent is in [-4, 16), else `d.ddde±XX`; fixed notation
 * always has a fractional part (`4.0`).
 */
export function pythonFloatRepr(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const sign = n < 0 ? '-' : '';
  const [mantissa = '', exp = '0'] = Math.abs(n).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 16) {
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exponent).toString().padStart(2, '0');
    return `${sign}${digits[0]}${rest}e${exponent < 0 ? '-' : '+'}${e}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const frac = digits.slice(exponent + 1);
  return `${sign}${whole}.${frac === '' ? '0' : frac}`;
}

/** The literal of a lossless-json `LosslessNumber` (duck-typed: this module has no dependency on it). */
function losslessText(value: object): string | null {
  const v = value as { isLosslessNumber?: unknown; value?: unknown };
  return v.isLosslessNumber === true && typeof v.value === 'string' ? v.value : null;
}

const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/;

/** A JSON number literal as Python re-writes it after `json.loads`: ints exactly, floats by repr. */
function formatNumberText(text: string): string {
  if (INTEGER_TEXT.test(text)) return text.startsWith('-0') && text.length === 2 ? '0' : text;
  return pythonFloatRepr(Number(text));
}
