import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze, formatAnalyze, formatAnalyzeChunks } from '../../src/index.js';
import { FINDING_COLUMNS, SUMMARY_METADATA_KEY } from '../../src/report/analyze/parquet.js';
import { makeWorkspace, REPO_ROOT, runCliAsync, type CliRun, type Workspace } from '../helpers/make-inputs.js';

// `analyze --format parquet`: the samples' findings written to a file by the real binary, read
// back by an independent reader (hyparquet, and pyarrow when installed): the same rows as
// `--format json`, in the same order, plus each finding's role; the JSON summary in the file's
// metadata; binary refused on a terminal.

const SAMPLES = join(REPO_ROOT, 'samples');

interface JsonOutput {
  schema_version: number;
  summary: Record<string, unknown>;
  sessions: Array<{ session_id: string; root_cause_turns: number[] }>;
  findings: Array<Record<string, unknown>>;
}

let workspace: Workspace;
let file: string;
let written: CliRun;
let piped: CliRun;
let json: JsonOutput;

beforeAll(async () => {
  workspace = makeWorkspace('parquet-');
  file = workspace.path('findings.parquet');
  [written, piped] = await Promise.all([runCliAsync(['analyze', SAMPLES, '--format', 'parquet', '-o', file]), runCliAsync(['analyze', SAMPLES, '--format', 'parquet'])]);
  json = JSON.parse((await runCliAsync(['analyze', SAMPLES, '--format', 'json'])).stdout) as JsonOutput;
}, 60_000);

afterAll(() => workspace.cleanup());

function arrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
}

/** A row as `--format json` has the finding: the int64 turn as a number, JSON columns parsed (hyparquet parses them), no role. */
function asJsonFinding(row: Record<string, unknown>): Record<string, unknown> {
  const { role: _role, ...rest } = row;
  return { ...rest, turn: typeof row.turn === 'bigint' ? Number(row.turn) : row.turn };
}

describe('analyze --format parquet', () => {
  it('writes the file with -o, with the exit status and notes of the other formats', () => {
    expect(written.status).toBe(1);
    expect(written.stdout).toBe('');
    expect(written.stderr).toContain('exit 1: findings at or above error');
    expect(written.stderr).toMatch(/wrote .*findings\.parquet \(\d+ bytes\)/);
  });

  it('has the rows of --format json, in its order and under its names, plus the role', async () => {
    const bytes = readFileSync(file);
    const rows = await parquetReadObjects({ file: arrayBuffer(bytes) });
    expect(json.findings.length).toBeGreaterThan(0);
    expect(rows.map(asJsonFinding)).toEqual(json.findings);
    expect(Object.keys(rows[0]!)).toEqual(FINDING_COLUMNS.map((c) => c.name));
    // The role marks the root causes that --format json lists per session.
    const roots = new Map<string, number[]>();
    for (const row of rows) if (row.role === 'rootCause') roots.set(row.session_id as string, [...(roots.get(row.session_id as string) ?? []), Number(row.turn)]);
    expect(Object.fromEntries(roots)).toEqual(Object.fromEntries(json.sessions.filter((s) => s.root_cause_turns.length > 0).map((s) => [s.session_id, s.root_cause_turns])));
    expect(new Set(rows.map((r) => r.role))).toEqual(new Set(['rootCause', 'inherited', null]));
  });

  it("carries --format json's summary in the file's metadata", () => {
    const meta = parquetMetadata(arrayBuffer(readFileSync(file)));
    const entry = meta.key_value_metadata?.find((m) => m.key === SUMMARY_METADATA_KEY);
    expect(JSON.parse(entry!.value!)).toEqual({ schema_version: json.schema_version, summary: json.summary });
    expect(meta.created_by).toMatch(/^tracetriage version \d+\.\d+\.\d+/);
  });

  it('writes the same bytes to a redirected stdout, and the API gives them too', async () => {
    const bytes = readFileSync(file);
    expect(piped.status).toBe(1);
    expect(piped.stdoutBytes.equals(bytes)).toBe(true);
    const result = await analyze(SAMPLES);
    expect(Buffer.concat([...formatAnalyzeChunks(result, 'parquet')]).equals(bytes)).toBe(true);
    expect(() => formatAnalyze(result, 'parquet' as 'json')).toThrow('"parquet" is a binary format: use formatAnalyzeChunks');
  });

  it('refuses to write Parquet to a terminal, before reading anything', () => {
    // A terminal for stdout: `script` (util-linux) runs the command under a pseudo-terminal.
    const run = spawnSync('script', ['-qec', `${process.execPath} dist/cli/main.js analyze samples/ --format parquet`, '/dev/null'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('tracetriage: --format parquet writes a binary file: name it with -o/--output-file <file> (or redirect stdout to a file)');
  });
});

/** A Python with pyarrow: the first `python3` on the PATH, or Debian's own. */
const PYARROW_PYTHON = ['python3', '/usr/bin/python3'].find((python) => spawnSync(python, ['-c', 'import pyarrow'], { stdio: 'ignore' }).status === 0);

describe('analyze --format parquet read by pyarrow', () => {
  it.skipIf(PYARROW_PYTHON === undefined)(
    `has the rows of --format json${PYARROW_PYTHON === undefined ? ' (skipped: pyarrow is not installed for python3 or /usr/bin/python3; Debian: apt-get install python3-pyarrow)' : ''}`,
    () => {
      const script = 'import sys, json, pyarrow.parquet as pq\nt = pq.read_table(sys.argv[1])\nprint(json.dumps({"names": t.column_names, "rows": t.to_pylist()}))';
      const run = spawnSync(PYARROW_PYTHON!, ['-c', script, file], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      const read = JSON.parse(run.stdout) as { names: string[]; rows: Array<Record<string, unknown>> };
      expect(read.names).toEqual(FINDING_COLUMNS.map((c) => c.name));
      const rows = read.rows.map((r) => asJsonFinding({ ...r, related_turns: JSON.parse(r.related_turns as string), evidence: JSON.parse(r.evidence as string) }));
      expect(rows).toEqual(json.findings);
    },
  );
});
