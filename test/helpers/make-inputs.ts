import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { constants as zlibConstants, createGzip, gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { readTraces, type ReadEvent, type ReadOptions } from '../../src/engine/read/read.js';

/** The repository root: the CLI runs from here, and fixture paths are relative to it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The built CLI (`make build` / `npx tsc -p tsconfig.json`). */
export const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

/** A fresh directory under the OS temp dir, for one test file's inputs; removed by `cleanup`. */
export interface Workspace {
  readonly dir: string;
  /** Absolute path of `rel` inside the workspace. */
  path(rel: string): string;
  /** Writes `content` at `rel` (parents created) and returns the absolute path. */
  write(rel: string, content: string | Buffer): string;
  /** Every file under the workspace, relative and sorted (to prove nothing else was written). */
  list(): string[];
  cleanup(): void;
}

export function makeWorkspace(prefix = 'tracetriage-test-'): Workspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = (rel: string): string => join(dir, rel);
  return {
    dir,
    path,
    write(rel, content) {
      const target = path(rel);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
      return target;
    },
    list() {
      const out: string[] = [];
      const walk = (d: string): void => {
        for (const entry of readdirSync(d, { withFileTypes: true })) {
          const p = join(d, entry.name);
          if (entry.isDirectory()) walk(p);
          else out.push(relative(dir, p));
        }
      };
      walk(dir);
      return out.sort();
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The bytes of `test/fixtures/<name>`. */
export function fixture(name: string): Buffer {
  return readFileSync(join(REPO_ROOT, 'test', 'fixtures', name));
}

/** A fixture re-serialized on one line (what a JSON Lines export holds), without the line break. */
export function fixtureLine(name: string): string {
  return JSON.stringify(fixtureValue(name));
}

/** A fixture parsed, to edit before serializing it again. */
export function fixtureValue(name: string): Record<string, unknown> {
  return JSON.parse(fixture(name).toString('utf8')) as Record<string, unknown>;
}

/** JSON Lines: each line followed by `\n`. */
export function jsonl(lines: readonly string[]): string {
  return lines.map((l) => `${l}\n`).join('');
}

export function gzip(data: string | Buffer): Buffer {
  return gzipSync(data);
}

/**
 * A gzip stream of `before + after`, and the byte length of the compressed prefix that decodes to
 * exactly `before` (a sync flush sits there). Cutting the stream at that length gives a truncated
 * `.gz` whose readable part is known to the byte.
 */
export async function gzipWithFlushPoint(before: string | Buffer, after: string | Buffer): Promise<{ gz: Buffer; flushAt: number }> {
  const gz = createGzip();
  const chunks: Buffer[] = [];
  gz.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((res, rej) => {
    gz.on('end', () => res());
    gz.on('error', rej);
  });
  gz.write(before);
  await new Promise<void>((res) => gz.flush(zlibConstants.Z_SYNC_FLUSH, () => res()));
  // 'data' events for the flushed bytes are delivered before the flush callback returns control.
  await new Promise<void>((res) => setImmediate(res));
  const flushAt = chunks.reduce((n, c) => n + c.length, 0);
  gz.end(after);
  await ended;
  return { gz: Buffer.concat(chunks), flushAt };
}

/** One entry of a tar archive built at test time. */
export type TarEntry = { name: string; content: string | Buffer } | { name: string; type: 'directory' };

/** A ustar archive of `entries`, in order, built in memory with tar-stream. */
export async function tarball(entries: readonly TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  for (const entry of entries) {
    if ('type' in entry) pack.entry({ name: entry.name, type: 'directory', mtime: new Date(0) });
    else pack.entry({ name: entry.name, mtime: new Date(0) }, typeof entry.content === 'string' ? Buffer.from(entry.content) : entry.content);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Every event `readTraces` yields for `inputs`. */
export async function readAll(inputs: readonly string[], options: ReadOptions = {}): Promise<ReadEvent[]> {
  const events: ReadEvent[] = [];
  for await (const event of readTraces(inputs, options)) events.push(event);
  return events;
}

/** `readAll` over one in-memory buffer given as stdin (`-`): no file involved. */
export function readStdin(bytes: Buffer, options: ReadOptions = {}): Promise<ReadEvent[]> {
  return readAll(['-'], { ...options, stdin: Readable.from([bytes]) });
}

/** What a run of the real binary gave. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/** Runs `node dist/cli/main.js ...args` (from the repo root unless `cwd` is given). */
export function runCli(args: readonly string[], options: { input?: string | Buffer; cwd?: string } = {}): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    input: options.input ?? '',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8'), stdoutBytes: result.stdout };
}

/**
 * `runCli` without blocking the thread, so scenario tables can run concurrently (`it.concurrent`).
 * `env` goes over the default environment (plain text: `NO_COLOR=1`, `FORCE_COLOR=0`); a key set
 * to undefined is removed.
 */
export function runCliAsync(args: readonly string[], options: { input?: string | Buffer; cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return new Promise((resolvePromise, rejectPromise) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? REPO_ROOT, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', rejectPromise);
    child.on('close', (status) => {
      const stdoutBytes = Buffer.concat(out);
      resolvePromise({ status, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
    // A command that never reads stdin may close it first; that is not the test's concern.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** `validate --format json` output (schemas/validate-output.schema.json), as the tests read it. */
export interface ValidateJson {
  schema_version: number;
  records: number;
  valid: number;
  rejected: number;
  rejections: Array<{
    source: string;
    index: number;
    offset: number;
    length: number;
    line: number;
    column: number;
    code: string;
    message: string;
    at: { offset: number; line: number; column?: number };
    json_path?: string;
    expected?: string;
    found?: string;
  }>;
  warnings: Array<{ source: string; index: number; trace_id: string; code: string; message: string; json_path: string }>;
  notes: Array<{ source: string; kind: string; message: string; offset?: number; line?: number }>;
  exit_code: number;
}
