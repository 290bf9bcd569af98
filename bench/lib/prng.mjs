/**
 * A small seeded PRNG (mulberry32) and the draws the generator needs. Everything random in the
 * benchmark export comes from here, so a seed fixes every byte of the file.
 */

/** mulberry32: 32-bit state, period 2^32, good enough for synthetic data and very fast. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random source with the helpers used by the trace model. */
export class Rng {
  constructor(seed) {
    this.next = mulberry32(seed);
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p) {
    return this.next() < p;
  }

  pick(arr) {
    return arr[Math.floor(this.next() * arr.length)];
  }

  /** Log-uniform value in [lo, hi]: many small values, a long tail of large ones. */
  logUniform(lo, hi) {
    return Math.round(Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo))));
  }

  /** Like `logUniform`, skewed further towards `lo`: the median is lo·(hi/lo)^(0.5^k) (k = 2: a quarter up the log range). */
  skewed(lo, hi, k = 2) {
    return Math.round(Math.exp(Math.log(lo) + this.next() ** k * (Math.log(hi) - Math.log(lo))));
  }

  /** n lowercase hex digits. */
  hex(n) {
    let s = '';
    while (s.length < n) s += ((this.next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
    return s.slice(0, n);
  }

  /** A derived, independent stream (for pools built once at start-up). */
  fork() {
    return new Rng((this.next() * 4294967296) >>> 0);
  }
}
