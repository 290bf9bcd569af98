import { createHash } from 'node:crypto';

/**
 * The `'sha256-…'` source expression of an inline block: the base64 SHA-256 of its exact text
 * (what lies between `<style>` and `</style>`, UTF-8), as CSP matches it. A pure function of
 * the text; the renderer hashes its own constant CSS and script, never trace text.
 */
export function cspHash(block: string): string {
  return `'sha256-${createHash('sha256').update(block, 'utf8').digest('base64')}'`;
}

/**
 * The policy of the report page: nothing may load (`default-src 'none'`: no fetch, image, font,
 * frame or connection), the one stylesheet and the one script run only because their hashes
 * match, and no `<base>` or form can redirect anything. A `<meta>` policy cannot carry
 * `frame-ancestors`, `report-uri` or `sandbox`; none is needed for a file read locally.
 */
export function reportPolicy(css: string, script: string): string {
  return ["default-src 'none'", `style-src ${cspHash(css)}`, `script-src ${cspHash(script)}`, "base-uri 'none'", "form-action 'none'"].join('; ');
}
