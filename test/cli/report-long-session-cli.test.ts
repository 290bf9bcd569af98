import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, REPO_ROOT, runCliAsync, type Workspace } from '../helpers/make-inputs.js';

// Issue 12, "Nothing crashes": `report --format markdown` at its default budget (60 000 bytes)
// fails on no input. A session of 2 000 turns with 48 root causes took 76 915 bytes at its
// smallest, and the report exited 2 with nothing: the root causes named hundreds of turns each,
// and every root cause kept its box. Now the turn lists are bounded, the first session's root
// causes after the first are named in one line, and its turn table keeps the telling rows.
// Through the real binary, on the bench's deterministic generator. Generous timeouts: a loaded
// two-core machine.

const TIMEOUT = 300_000;
let ws: Workspace;
let file: string;
/** The input's name as the commands in the report say it: relative, so the sizes do not depend on the temporary directory. */
const NAME = 'ls2000.jsonl';

beforeAll(() => {
  ws = makeWorkspace('tracetriage-report-long-');
  file = ws.path(NAME);
  const gen = spawnSync(process.execPath, [join(REPO_ROOT, 'bench/gen-long-session.mjs'), '--out', file, '--turns', '2000', '--window', '20', '--quiet'], { encoding: 'utf8' });
  expect(gen.status).toBe(0);
}, TIMEOUT);
afterAll(() => ws.cleanup());

describe('report --format markdown of a 2 000-turn session', () => {
  it(
    'fits the default budget, exits 0, keeps the root cause in the turn table and says what was cut',
    async () => {
      const r = await runCliAsync(['report', NAME, '--format', 'markdown', '--no-config'], { cwd: ws.path('.') });
      expect(r.status).toBe(0);
      expect(r.stdoutBytes.length).toBeLessThanOrEqual(60_000);
      const lines = r.stdout.split('\n');
      expect(lines.find((l) => l.startsWith('> Cut to fit '))).toBe(
        '> Cut to fit 60 000 bytes: left out of the first session: 2000 turns in detail, session-level assessments, ' +
          "the turn table's rows of turns that passed, 20 evidence lines, 36 root causes (named in one line). " +
          'A larger `--max-bytes` keeps more, `--session <id>` reports one session.',
      );
      // The first root cause (turn 5) keeps its box and its row; the first and the last turn keep theirs.
      expect(lines).toContain('> [!CAUTION]');
      expect(lines.filter((l) => l.startsWith('| 5 | **root cause** |'))).toHaveLength(1);
      expect(lines.filter((l) => l.startsWith('| 1 | passed |'))).toHaveLength(1);
      expect(lines.filter((l) => l.startsWith('| 2000 | passed |'))).toHaveLength(1);
      expect(lines).toContain('1727 rows of turns that passed left out to fit the size limit: the first command above shows every turn.');
      expect(lines).toContain('36 more root causes left out to fit the size limit (turns 401, 456, 467, 500, 533, 555, 588, 654, 687, 709 and 26 more): the second command above lists them.');
      // Every turn that did not pass keeps its row: 2 000 turns less the 1 727 rows left out.
      const rows = lines.filter((l) => /^\| \d+ \| /u.test(l));
      expect(rows).toHaveLength(2000 - 1727);
      expect(rows.filter((l) => l.includes('| passed |'))).toHaveLength(2);
    },
    TIMEOUT,
  );

  it.each([40_000, 20_000, 10_000, 5_000])(
    'keeps within --max-bytes %i and exits 0',
    async (max) => {
      const r = await runCliAsync(['report', NAME, '--format', 'markdown', '--no-config', '--max-bytes', String(max)], { cwd: ws.path('.') });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdoutBytes.length).toBeLessThanOrEqual(max);
      expect(r.stdout).toContain('> [!CAUTION]');
      expect(r.stdout.split('\n').filter((l) => l.startsWith('> Cut to fit '))).toHaveLength(1);
    },
    TIMEOUT,
  );

  it(
    'fails only when a budget the user set cannot hold the smallest report, and says the size that can',
    async () => {
      const r = await runCliAsync(['report', NAME, '--format', 'markdown', '--no-config', '--max-bytes', '1500'], { cwd: ws.path('.') });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      const min = /allow at least (\d+)\n$/u.exec(r.stderr)?.[1];
      expect(min).toBeDefined();
      const fits = await runCliAsync(['report', NAME, '--format', 'markdown', '--no-config', '--max-bytes', min!], { cwd: ws.path('.') });
      expect(fits.status).toBe(0);
      expect(fits.stdoutBytes.length).toBeLessThanOrEqual(Number(min));
    },
    TIMEOUT,
  );
});
