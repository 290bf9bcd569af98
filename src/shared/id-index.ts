import { withRows } from './columns.js';

/** Ids an index starts with room for; its columns double when full. */
const FIRST_IDS = 1024;
/** Bytes its text starts with; doubles when full. */
const FIRST_BYTES = 64 << 10;

/**
 * Strings numbered in the order first seen, held as bytes in one buffer and found through a hash
 * table of numbers: what a run keeps of every trace id (copies, locations) without a string, a
 * `Map` entry and a `Set` entry per trace. A trace id as MLflow writes it (`tr-` and 32 hex digits)
 * costs 16 bytes and about 21 more (its start, length, kind and hash, and two table slots), against
 * about 140 as a string held by a `Set` and a `Map`. {@link at} makes a new string each time it is
 * asked.
 *
 * Any string is taken and always comes back exactly as it was given: lower-case hex digits of even
 * length, alone or after `tr-` (MLflow's and OpenTelemetry's trace ids), are kept as the bytes they
 * spell, half their length; any other string whose code units are all below 256 one byte a unit
 * (latin1); any other two bytes a unit (UTF-16).
 */
export class IdIndex {
  private text = Buffer.allocUnsafeSlow(FIRST_BYTES);
  private used = 0;
  /** Where each id's bytes start. */
  private start = new Float64Array(FIRST_IDS);
  /** Each id's length in bytes. */
  private width = new Int32Array(FIRST_IDS);
  /** How each id is kept: a {@link Kind}. */
  private kind = new Uint8Array(FIRST_IDS);
  private hash = new Int32Array(FIRST_IDS);
  /** Open addressing: a slot holds an id's number + 1, or 0 when free. Never more than half full. */
  private slots = new Int32Array(FIRST_IDS * 2);
  private count = 0;

  /** Ids held. */
  get size(): number {
    return this.count;
  }

  /** The number of `id`, or -1 when it is not held. */
  find(id: string): number {
    const h = hashOf(id);
    const kind = kindOf(id);
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === 0) return -1;
      if (this.hash[slot - 1] === h && this.equals(slot - 1, id, kind)) return slot - 1;
    }
  }

  /** The number of `id`, given it if new. */
  numberOf(id: string): number {
    const h = hashOf(id);
    const kind = kindOf(id);
    const mask = this.slots.length - 1;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === 0) break;
      if (this.hash[slot - 1] === h && this.equals(slot - 1, id, kind)) return slot - 1;
    }
    const n = this.count;
    if (n === this.start.length) {
      this.start = withRows(this.start, n + 1);
      this.width = withRows(this.width, n + 1);
      this.kind = withRows(this.kind, n + 1);
      this.hash = withRows(this.hash, n + 1);
    }
    const bytes = kind === Kind.Utf16 ? id.length * 2 : kind === Kind.Latin1 ? id.length : (id.length - (kind === Kind.TraceHex ? TR.length : 0)) / 2;
    if (this.used + bytes > this.text.length) this.growText(bytes);
    if (kind === Kind.Hex || kind === Kind.TraceHex) this.text.write(kind === Kind.TraceHex ? id.slice(TR.length) : id, this.used, bytes, 'hex');
    else this.text.write(id, this.used, kind === Kind.Utf16 ? 'utf16le' : 'latin1');
    this.start[n] = this.used;
    this.width[n] = bytes;
    this.kind[n] = kind;
    this.hash[n] = h;
    this.used += bytes;
    this.count = n + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    else this.slots[i] = n + 1;
    return n;
  }

  /** The id numbered `n` (a new string). */
  at(n: number): string {
    if (!(n >= 0 && n < this.count)) throw new RangeError(`no id numbered ${n} (${this.count} held)`);
    const from = this.start[n]!;
    const to = from + this.width[n]!;
    switch (this.kind[n] as Kind) {
      case Kind.Latin1:
        return this.text.toString('latin1', from, to);
      case Kind.Utf16:
        return this.text.toString('utf16le', from, to);
      case Kind.Hex:
        return this.text.toString('hex', from, to);
      case Kind.TraceHex:
        return TR + this.text.toString('hex', from, to);
    }
  }

  /** Whether id `n` is `id`, which is kept as `kind` (equal strings are always kept alike). */
  private equals(n: number, id: string, kind: Kind): boolean {
    if (this.kind[n] !== kind) return false;
    const w = this.width[n]!;
    const from = this.start[n]!;
    const { text } = this;
    switch (kind) {
      case Kind.Latin1:
        if (w !== id.length) return false;
        for (let k = 0; k < w; k++) if (text[from + k] !== id.charCodeAt(k)) return false;
        return true;
      case Kind.Utf16:
        if (w !== id.length * 2) return false;
        for (let k = 0; k < id.length; k++) if (text.readUInt16LE(from + 2 * k) !== id.charCodeAt(k)) return false;
        return true;
      case Kind.Hex:
      case Kind.TraceHex: {
        // The prefix, if any, is in both (the kinds are equal).
        const skip = kind === Kind.TraceHex ? TR.length : 0;
        if (w * 2 !== id.length - skip) return false;
        for (let k = 0; k < w; k++) if (text[from + k] !== (hexValue(id.charCodeAt(skip + 2 * k)) << 4) + hexValue(id.charCodeAt(skip + 2 * k + 1))) return false;
        return true;
      }
    }
  }

  private growText(needed: number): void {
    let size = this.text.length * 2;
    while (this.used + needed > size) size *= 2;
    const text = Buffer.allocUnsafeSlow(size);
    this.text.copy(text, 0, 0, this.used);
    this.text = text;
  }

  /** Doubles the table and puts every id back in it. */
  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let n = 0; n < this.count; n++) {
      let i = this.hash[n]! & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = n + 1;
    }
    this.slots = slots;
  }
}

/** FNV-1a over the code units, mixed at the end so that the low bits (the table's index) vary. */
function hashOf(id: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < id.length; k++) {
    h ^= id.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h | 0;
}

/** How an id is kept. */
// biome-ignore lint/suspicious/noConstEnum: file-local and never exported; read on every lookup
const enum Kind {
  /** One byte a code unit: every code unit is below 256. */
  Latin1,
  /** Two bytes a code unit. */
  Utf16,
  /** Lower-case hex digits, an even number of them: one byte per two digits. */
  Hex,
  /** `tr-` then what {@link Kind.Hex} keeps (MLflow's trace ids). */
  TraceHex,
}

const TR = 'tr-';

function kindOf(id: string): Kind {
  const skip = id.startsWith(TR) ? TR.length : 0;
  const digits = id.length - skip;
  let hex = digits > 0 && digits % 2 === 0;
  for (let k = 0; k < id.length; k++) {
    const c = id.charCodeAt(k);
    if (c > 0xff) return Kind.Utf16;
    if (hex && k >= skip && hexValue(c) < 0) hex = false;
  }
  return hex ? (skip > 0 ? Kind.TraceHex : Kind.Hex) : Kind.Latin1;
}

/** The value of a lower-case hex digit, or -1 (upper-case digits are not taken: the id would not come back as it was). */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}
