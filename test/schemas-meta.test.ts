import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';

// The runtime uses validators compiled ahead of time (scripts/build-validators.mjs); this is where
// every schema in schemas/ is checked against the JSON Schema meta-schema and in strict mode.
const dir = new URL('../schemas/', import.meta.url);

describe('schemas/', () => {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort();

  it('holds the input schema and one schema per JSON output', () => {
    expect(files).toEqual([
      'analyze-output.schema.json',
      'config.schema.json',
      'rules-output.schema.json',
      'session-output.schema.json',
      'sessions-output.schema.json',
      'stats-output.schema.json',
      'trace-output.schema.json',
      'trace-record.schema.json',
      'validate-output.schema.json',
    ]);
  });

  for (const file of files) {
    it(`${file} is a valid draft-07 schema that compiles in strict mode`, () => {
      const schema = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { $id: string };
      const ajv = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true });
      ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
      for (const other of files) if (other !== file) ajv.addSchema(JSON.parse(readFileSync(new URL(other, dir), 'utf8')) as object);
      expect(ajv.validateSchema(schema), ajv.errorsText(ajv.errors)).toBe(true);
      expect(() => ajv.compile(schema)).not.toThrow();
    });
  }
});
