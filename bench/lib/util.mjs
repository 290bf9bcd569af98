/** Small formatting helpers shared by the trace model. */

export const b64 = (hex) => Buffer.from(hex, 'hex').toString('base64');

export const uuid = (rng) => {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
};

/** Protobuf Timestamp JSON as MLflow prints it: milliseconds, no fraction when they are 0. */
export const iso = (ms) => new Date(Math.floor(ms)).toISOString().replace('.000Z', 'Z');

/** MLflow-style truncation with `...`, never splitting a surrogate pair. */
export const truncate = (s, n) => {
  if (s.length <= n) return s;
  let cut = n - 3;
  const c = s.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return s.slice(0, cut) + '...';
};

/** Rough token count of a text (4 characters a token). */
export const tokens = (chars) => Math.max(1, Math.ceil(chars / 4));

/** 32 (or `digits`) hex digits from a text (FNV-1a rounds; deterministic, not cryptographic). */
export function hexOf(text, digits = 32) {
  let out = '';
  let h = 0x811c9dc5;
  for (let round = 0; out.length < digits; round++) {
    const s = `${round}:${text}`;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, digits);
}

/** `n` words picked from `vocabulary`, joined by spaces. */
export function words(rng, vocabulary, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(rng.pick(vocabulary));
  return out.join(' ');
}
