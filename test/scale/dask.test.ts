import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, makeWorkspace, REPO_ROOT, runCliAsync } from '../helpers/make-inputs.js';

// The Dask recipe of docs/scale-out.md on a LocalCluster of worker processes, over a few hundred
// files: its merged output must be the local analyze's. Debian's python3-dask and
// python3-distributed, for Debian's own /usr/bin/python3 (.ci/run installs them).
const PYTHON = '/usr/bin/python3';
const available = spawnSync(PYTHON, ['-c', 'import dask.bag, dask.distributed'], { stdio: 'ignore' }).status === 0;
const ws = makeWorkspace('tracetriage-dask-');
afterAll(() => ws.cleanup());

const name = 'the Dask recipe on a 3-process LocalCluster over 300+ files gives the output and exit status of analyze';
const why = ` (skipped: ${PYTHON} cannot import dask.distributed; install Debian's python3-dask and python3-distributed, as .ci/run does)`;

describe('scale-out on Dask', () => {
  it.skipIf(!available)(
    available ? name : `${name}${why}`,
    async () => {
      const chat = ws.path('chat.jsonl');
      execFileSync(process.execPath, [join(REPO_ROOT, 'bench/gen-chat.mjs'), '--out', chat, '--bytes', '3e6'], { stdio: 'ignore' });
      const dir = ws.path('files');
      mkdirSync(dir);
      // One trace per file: the sessions are spread over files, tasks and partitions.
      const lines = readFileSync(chat, 'utf8').trimEnd().split('\n');
      lines.forEach((line, i) => writeFileSync(join(dir, `t${String(i).padStart(4, '0')}.jsonl`), `${line}\n`));
      expect(lines.length).toBeGreaterThan(300);
      const out = ws.path('dask.json');
      const run = spawnSync(
        PYTHON,
        [
          join(REPO_ROOT, 'docs/recipes/dask_analyze.py'),
          '--tool',
          `${process.execPath} ${CLI}`,
          '--workers',
          '3',
          '--partitions',
          '5',
          '--files-per-task',
          '40',
          '--format',
          'json',
          '--out',
          out,
          dir,
        ],
        { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 540_000 },
      );
      const local = await runCliAsync(['analyze', dir, '--format', 'json']);
      expect(run.stderr).not.toMatch(/Traceback|Error/);
      expect(run.status).toBe(local.status);
      const merged = readFileSync(out, 'utf8');
      expect(JSON.parse(merged).findings.length).toBeGreaterThan(50);
      expect(merged).toBe(local.stdout);
    },
    600_000,
  );
});
