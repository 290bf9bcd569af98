import fc from 'fast-check';
import { expect } from 'vitest';
import { checkRecords } from '../../scripts/fuzz-cli-check.mjs';
import { CORPUS_TRACES } from './arbitraries.js';
import { line, lineText, mutatedTrace } from './properties-ingest.js';
import { defineProperty } from './property.js';

// The CLI-level mutation campaign of `make fuzz` (scripts/fuzz-cli.mjs) as a property: a JSON
// Lines file of damaged real records through validate, analyze, sessions and report of the real
// binary. What the campaign minimises lands in test/fuzz/found/ under this property's name.

/** A JSON Lines record: a corpus trace damaged in its values (written on one line), or in its bytes. */
const record = fc.oneof(
  mutatedTrace.map((v) => JSON.stringify(v) ?? 'null'),
  line.map(lineText),
);

export const cliRecords = defineProperty({
  name: 'cli-records',
  claim:
    'damaged records through validate, analyze, sessions and report: no internal error, exit 0/1 (2 only when nothing could be read), records = valid + rejected = lines, no raw control character',
  // The first line is a whole corpus trace, as in the campaign: the file reads as JSON Lines.
  arbitrary: fc.tuple(fc.nat({ max: CORPUS_TRACES.length - 1 }), fc.array(record, { minLength: 1, maxLength: 12 })).map(([first, rest]) => [JSON.stringify(CORPUS_TRACES[first]), ...rest]),
  suiteRuns: 1,
  costly: true,
  async check(lines) {
    expect(await checkRecords(lines)).toEqual([]);
  },
});

export const CLI_PROPERTIES = [cliRecords];
