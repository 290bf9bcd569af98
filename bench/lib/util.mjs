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
