import type { ValidateResult } from '../../engine/validate.js';
import type { Provenance } from '../../ingest/record.js';
import { safeText } from '../../shared/escape/terminal.js';
import { fitLines } from '../shared/terminal.js';

/** Where a record is, as `file:line:column record N (byte B)`, or `store trace_info tr-… (record N)` for a store's trace. */
export function where(p: Provenance): string {
  if (p.within !== undefined) return `${safeText(p.source)} ${safeText(p.within)} (record ${p.index})`;
  return `${safeText(p.source)}:${p.line}:${p.column} record ${p.index} (byte ${p.offset})`;
}

/** Human text for `validate`: each rejected record, then warnings and notes, then the count line. */
export function validateText(result: ValidateResult, options: { warnings: boolean; width?: number | undefined }): string {
  const out: string[] = [];
  for (const r of result.rejections) {
    const col = r.at.column !== undefined ? `:${r.at.column}` : '';
    const at = r.at.offset !== r.provenance.offset ? `; at line ${r.at.line}${col}, byte ${r.at.offset}` : '';
    out.push(`${where(r.provenance)}: ${safeText(r.message)} [${r.code}${at}]`);
  }
  if (options.warnings && result.warnings.length > 0) {
    if (out.length > 0) out.push('');
    out.push(`warnings (${result.warnings.length}):`);
    for (const w of result.warnings) {
      const id = w.traceId ? ` ${safeText(w.traceId)}` : '';
      out.push(`  ${where(w.provenance)}${id} ${safeText(w.jsonPath)}: ${safeText(w.message)} [${w.code}]`);
    }
  }
  if (result.notes.length > 0) {
    if (out.length > 0) out.push('');
    out.push('notes:');
    for (const n of result.notes) {
      const at = n.line !== undefined ? `:${n.line}` : '';
      out.push(`  ${safeText(n.source)}${at}: ${n.kind}: ${safeText(n.message)}`);
    }
  }
  if (out.length > 0) out.push('');
  // Records that are not traces past a file's first are folded into one note: counted here too.
  const rejected = result.records - result.valid;
  out.push(`${result.records} records: ${result.valid} valid, ${rejected} rejected`);
  return fitLines(out.join('\n'), options.width, 'wrap') + '\n';
}

/** The JSON form of `validate` (schemas/validate-output.schema.json). */
export function validateJson(result: ValidateResult, exitCode: number): object {
  const prov = (p: Provenance) => ({ source: p.source, index: p.index, offset: p.offset, length: p.length, line: p.line, column: p.column, ...(p.within !== undefined ? { within: p.within } : {}) });
  return {
    schema_version: 1,
    records: result.records,
    valid: result.valid,
    rejected: result.records - result.valid,
    rejections: result.rejections.map((r) => ({
      ...prov(r.provenance),
      code: r.code,
      message: r.message,
      at: { offset: r.at.offset, line: r.at.line, ...(r.at.column !== undefined ? { column: r.at.column } : {}) },
      ...(r.jsonPath !== undefined ? { json_path: r.jsonPath } : {}),
      ...(r.expected !== undefined ? { expected: r.expected } : {}),
      ...(r.found !== undefined ? { found: r.found } : {}),
    })),
    warnings: result.warnings.map((w) => ({ ...prov(w.provenance), trace_id: w.traceId, code: w.code, message: w.message, json_path: w.jsonPath })),
    notes: result.notes,
    exit_code: exitCode,
  };
}
