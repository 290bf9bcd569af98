import { describe, expect, it } from 'vitest';
import { expectGolden } from '../helpers/golden.js';
import { runCliAsync } from '../helpers/make-inputs.js';

// `analyze` text and JSON over samples/, pinned whole (the CI formats and the reports have their
// own golden files: analyze-ci-formats, report-markdown, report-html). A change in wording,
// order or a finding shows up here as a diff to review, then `UPDATE_GOLDEN=1`.
describe('analyze over samples/ (golden files)', () => {
  for (const [format, name, extra] of [
    ['text', 'analyze.txt', []],
    ['text', 'analyze-verbose.txt', ['--verbose']],
    ['json', 'analyze.json', []],
  ] as const) {
    it(`--format ${format} ${extra.join(' ')}`, async () => {
      const run = await runCliAsync(['analyze', 'samples/', '--format', format, ...extra]);
      expect(run.status).toBe(1);
      // The text's summary line states the status; the other formats close on stderr.
      const closing = format === 'text' ? '' : 'tracetriage: exit 1: findings at or above error\n';
      expect(run.stderr).toBe(`tracetriage: 1 file(s) skipped: not trace exports\n${closing}`);
      expectGolden(name, run.stdout);
    });
  }
});
