import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { REPO_ROOT } from './make-inputs.js';

/**
 * A validator of the OASIS SARIF 2.1.0 schema (test/vendor/sarif), for every test that checks a
 * SARIF log: the schema is draft-04 (ajv 8 has no draft-04
 * mode), so `$schema` is dropped and `id` becomes `$id`, in memory only (test/vendor/sarif/README.md
 * says why that keeps its meaning); its formats get small checks, as ajv leaves formats to a plug-in.
 */
export function sarifValidator(): ValidateFunction {
  const raw = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'vendor', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  const { $schema: _draft, id, ...rest } = raw;
  const ajv = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'http://base.invalid/'));
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/u.test(s) && !Number.isNaN(Date.parse(s)));
  return ajv.compile({ $id: id as string, ...rest });
}
