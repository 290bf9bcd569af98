const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Normalizes a span or OTel trace id to lowercase hex, whatever the version wrote:
 * `0x`-prefixed hex (2.14–2.21.0), plain hex (2.21.1+, 3.5.0 span ids), base64 of the raw bytes
 * (3.0–3.4, 3.5.1+, REST), an MLflow `tr-<hex>` id (3.5.0 span `trace_id`) or `trace:/<loc>/<hex>`.
 * Base64 is recognised by length: 12 characters for 8 bytes, 24 for 16 bytes, which no hex id has.
 * Anything else is returned lowercased as it is, so it still compares equal to itself.
 */
export function normalizeId(id: string): string {
  if (id.startsWith('0x') || id.startsWith('0X')) return id.slice(2).toLowerCase();
  if (id.startsWith('tr-')) return id.slice(3).toLowerCase();
  if (id.startsWith('trace:/'))
    return id
      .slice(id.lastIndexOf('/') + 1)
      .replace(/^tr-/, '')
      .toLowerCase();
  if ((id.length === 16 || id.length === 32) && HEX.test(id)) return id.toLowerCase();
  if ((id.length === 12 || id.length === 24) && BASE64.test(id)) {
    return Buffer.from(id, 'base64').toString('hex');
  }
  return id.toLowerCase();
}

/** True for the empty parent markers: missing, `null`, `""`. */
export function isNoParent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}
