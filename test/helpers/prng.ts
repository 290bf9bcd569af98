/**
 * A small seeded generator (mulberry32) for tests that draw many cases, so that a failure can be
 * replayed: `random(seed)` gives numbers in [0, 1); `randomInts(seed)` gives `next(n)` in [0, n).
 */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integers in [0, n) from {@link random}. */
export function randomInts(seed: number): (n: number) => number {
  const next = random(seed);
  return (n) => Math.floor(next() * n);
}
