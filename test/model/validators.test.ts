import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate, OUTPUT } from '../../scripts/build-validators.mjs';

describe('src/model/generated/trace-record-validators.ts', () => {
  it('is what scripts/build-validators.mjs makes of schemas/trace-record.schema.json (run `make validators`)', () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(generate());
  });
});
