import { withRows } from './columns.js';

/** Ids an index starts with room for; its columns double when full. */
const FIRST_IDS = 1024;
/** Bytes its text starts with; doubles when full. */
const FIRST_BYTES = 64 << 10;

/**
 * Strings numbered in the order first seen, held as bytes in one buffer and found through a hash
 * table of numbers: what a run keeps of every trace id (copies, locations) without a string, a
 * `Map` entry and a `Set` entry per trace. A 32-digit trace id costs its 32 bytes and about 20
 * more (its start, width and hash, and two table slots), against about 140 as a string held by a
 * `Set` and a `Map`. {@link at} makes a new string each time it is asked.
 *
 * Any string is taken: one whose code units are all below 256 is kept one byte a unit (latin1),
 * any other two bytes a unit (UTF-16), so it always comes back exactly as it was given.
 */
export class IdIndex {
  private text = Buffer.allocUnsafeSlow(FIRST_BYTES);
  private used = 0;
  /** Where each id's bytes start. */
  private start = new Float64Array(FIRST_IDS);
  /** Each id's length in code units; negative for one kept as UTF-16. */
  private width = new Int32Array(FIRST_IDS);
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
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === 0) return -1;
      if (this.hash[slot - 1] === h && this.equals(slot - 1, id)) return slot - 1;
    }
  }

  /** The number of `id`, given it if new. */
  numberOf(id: string): number {
    const h = hashOf(id);
    const mask = this.slots.length - 1;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === 0) break;
      if (this.hash[slot - 1] === h && this.equals(slot - 1, id)) return slot - 1;
    }
    const n = this.count;
    if (n === this.start.length) {
      this.start = withRows(this.start, n + 1);
      this.width = withRows(this.width, n + 1);
      this.hash = withRows(this.hash, n + 1);
    }
    const wide = !narrow(id);
    const bytes = wide ? id.length * 2 : id.length;
    if (this.used + bytes > this.text.length) this.growText(bytes);
    this.text.write(id, this.used, wide ? 'utf16le' : 'latin1');
    this.start[n] = this.used;
    this.width[n] = wide ? -id.length : id.length;
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
    const w = this.width[n]!;
    const from = this.start[n]!;
    return w >= 0 ? this.text.toString('latin1', from, from + w) : this.text.toString('utf16le', from, from - 2 * w);
  }

  private equals(n: number, id: string): boolean {
    const w = this.width[n]!;
    const from = this.start[n]!;
    const { text } = this;
    if (w >= 0) {
      if (w !== id.length) return false;
      for (let k = 0; k < w; k++) if (text[from + k] !== id.charCodeAt(k)) return false;
      return true;
    }
    if (-w !== id.length) return false;
    for (let k = 0; k < id.length; k++) if (text.readUInt16LE(from + 2 * k) !== id.charCodeAt(k)) return false;
    return true;
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

function narrow(id: string): boolean {
  for (let k = 0; k < id.length; k++) if (id.charCodeAt(k) > 0xff) return false;
  return true;
}
