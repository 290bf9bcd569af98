import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/make-inputs.js';
import { expectTourOutput, README, TOUR } from './helpers/readme-tour.js';

// A new user's first hour, scripted: (a) a fresh clone of the committed HEAD, where the README's
// set-up (`make demo`) and tour commands run as the README writes them; (b) the packed package
// installed globally into a temporary prefix, where `tracetriage --help`, `tracetriage samples`
// and then every example of every command's --help run in an empty folder.
//
// No network: the clone's node_modules is a hard-link copy (`cp -al`) of the repository's (same
// packages, no download; `make` sees its stamp and does not run npm ci), and the global install
// takes its packages from npm's cache (`--prefer-offline`, as test/api-pack.test.ts does; the
// cache that `make install` filled holds them all, `--offline` works too). One `npm pack`, one
// install.

const MINUTES = 60_000;
/** The set-up block: the first ```sh block of the README. */
const SETUP = /```sh\n([\s\S]*?)```/.exec(README)?.[1] ?? '';
/** How the README says to run `tracetriage …` from a clone: "run them as `npx tracetriage …` ..., or `node dist/cli/main.js …`". */
const FROM_CLONE = [...(/run them as (.*?);/s.exec(README)?.[1] ?? '').matchAll(/`([^`]+?) …`/g)].map((m) => m[1]!);
const SQLITE_STORE = join(REPO_ROOT, 'test', 'stores', 'sqlite_3.9__dric2018_chat-app', 'mlflow.db');

let root = '';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function sh(script: string, cwd: string, env: NodeJS.ProcessEnv): Run {
  const result = spawnSync('bash', ['-c', script], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ok(script: string, cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const run = sh(script, cwd, env);
  if (run.status !== 0) throw new Error(`${script} exited ${String(run.status)}:\n${run.stderr}\n${run.stdout}`);
  return run.stdout;
}

/** Plain text whatever the environment says about colour. */
const PLAIN = { NO_COLOR: '1', FORCE_COLOR: '0' };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tracetriage-first-hour-'));
}, MINUTES);

afterAll(() => {
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

describe('a first hour from a clean clone, following the README', () => {
  let clone = '';
  // npm must not run in the clone: `npm ci` there would fetch packages. NPM is the Makefile's npm.
  let env: NodeJS.ProcessEnv = process.env;

  beforeAll(() => {
    clone = join(root, 'clone');
    ok(`git clone --quiet "${REPO_ROOT}" "${clone}"`, root);
    ok(`cp -al "$(realpath "${join(REPO_ROOT, 'node_modules')}")" "${join(clone, 'node_modules')}"`, root);
    // A stamp of the clone's own (the linked one is the repository's file), newer than package.json.
    rmSync(join(clone, 'node_modules', '.installed'), { force: true });
    writeFileSync(join(clone, 'node_modules', '.installed'), '');
    const guard = join(root, 'no-npm');
    writeFileSync(guard, '#!/bin/sh\necho "npm was run in the clone: node_modules is seeded, nothing may be installed" >&2\nexit 99\n');
    chmodSync(guard, 0o755);
    env = { ...process.env, ...PLAIN, NPM: guard };
  }, 5 * MINUTES);

  it('the README says how to set up and how to run the CLI from the clone', () => {
    expect(SETUP).toMatch(/^make demo\b/m);
    expect(FROM_CLONE).toEqual(['npx tracetriage', 'node dist/cli/main.js']);
    expect(TOUR.length).toBeGreaterThanOrEqual(8);
  });

  it(
    'runs `make demo` as the README writes it: installs (here: seeded), builds, runs the tour of samples/ and writes the HTML report',
    () => {
      const demo = /^(make demo)\b/m.exec(SETUP)![1]!;
      const run = sh(demo, clone, env);
      expect(run.stderr).not.toContain('npm was run in the clone');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('$ tracetriage analyze samples/');
      expect(run.stdout).toContain('sess-refund-7f3a   went wrong at turn 3: error-propagation');
      expect(run.stdout).toContain('user cust-88121 · 5 turns · 1 turn with errors');
      expect(run.stdout).toContain(`Open the report: file://${join(clone, 'demo-report.html')}`);
      expect(readFileSync(join(clone, 'demo-report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    },
    8 * MINUTES,
  );

  it.each(TOUR.map(({ command, output }) => [command, output] as const))(
    'prints what the README shows for `%s`, run as `npx tracetriage …`',
    (command, output) => {
      const run = sh(command.replace(/\btracetriage\b/g, FROM_CLONE[0]!), clone, env);
      expect(run.stderr).not.toContain('internal error');
      // The status of the pipeline's last command: 1 for records that could not be read, or for
      // analyze's findings at --fail-on (its summary line says `→ exit 1`) (README, exit codes).
      const piped = /\| *sed /.test(command);
      expect(run.status).toBe(!piped && (/\b[1-9][0-9]* rejected\b/.test(output) || /→ exit 1\b/.test(output)) ? 1 : 0);
      expectTourOutput(run.stdout, output);
    },
    2 * MINUTES,
  );

  it(
    'runs the tour with the other way the README gives, `node dist/cli/main.js …`',
    () => {
      const run = sh(`${FROM_CLONE[1]!} sessions samples/`, clone, env);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('4 sessions, 12 turns');
    },
    2 * MINUTES,
  );
});

/**
 * The examples of one `--help`, each unwrapped into one line. yargs lays them out in two columns
 * and wraps each cell; a command goes on over the next lines while the left column is not blank,
 * a quote is open or it ends with a pipe, and a new one starts with a command's name (tracetriage, or what feeds it: mlflow, gunzip, ls).
 */
function examplesOf(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf('Examples:');
  if (start < 0) return [];
  const section: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    section.push(line);
  }
  // Where the description column starts: after the first command and two spaces or more.
  const first = /^ {2}(\S(?:.*?\S)?) {2,}\S/.exec(section[0] ?? '');
  const column = first ? first[0].length - 1 : undefined;
  const out: string[] = [];
  for (const line of section) {
    const left = line.slice(0, column).trim();
    if (left === '') continue;
    const previous = out.at(-1);
    const open = previous !== undefined && (/\|$/.test(previous) || (previous.match(/'/g) ?? []).length % 2 === 1 || (previous.match(/"/g) ?? []).length % 2 === 1);
    if (previous !== undefined && (open || !/^(tracetriage|mlflow|gunzip|ls) /.test(`${left} `))) out[out.length - 1] = `${previous} ${left}`;
    else out.push(left);
  }
  return out;
}

describe('a first hour from a global install', () => {
  let prefix = '';
  let work = '';
  let packed: string[] = [];
  let env: NodeJS.ProcessEnv = process.env;
  let hasNodeSqlite = false;

  beforeAll(async () => {
    // Packed from a copy of the committed tree, as a publisher would (prepack builds its dist/).
    const source = join(root, 'pack-source');
    ok(`git clone --quiet "${REPO_ROOT}" "${source}"`, root);
    ok(`ln -s "$(realpath "${join(REPO_ROOT, 'node_modules')}")" "${join(source, 'node_modules')}"`, root);
    const out = join(root, 'tarball');
    mkdirSync(out);
    const report = JSON.parse(ok(`npm pack --json --pack-destination "${out}"`, source)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    packed = report[0]!.files.map((f) => f.path);
    prefix = join(root, 'prefix');
    // --ignore-scripts: better-sqlite3's install script (a compile of minutes) does not run, which is
    // what npm's allow-scripts policy does to it (--strict-allow-scripts, or a later npm): the case
    // whose message is checked below. npm 11 runs it by default, with a warning (docs/inputs.md).
    ok(`npm install -g --prefix "${prefix}" --no-audit --no-fund --prefer-offline --ignore-scripts "${join(out, report[0]!.filename)}"`, root);
    work = join(root, 'somewhere-else');
    mkdirSync(work);
    // MLflow's CLI stands in the examples for the producer of an export: a stand-in prints one.
    const bin = join(root, 'stand-ins');
    mkdirSync(bin);
    writeFileSync(join(bin, 'mlflow'), `#!/bin/sh\n# stands in for MLflow's CLI in the examples: prints an export\ncat "${join(REPO_ROOT, 'samples', 'search-sess-refund-7f3a.json')}"\n`);
    chmodSync(join(bin, 'mlflow'), 0o755);
    env = { ...process.env, ...PLAIN, PATH: `${join(prefix, 'bin')}:${bin}:${process.env['PATH'] ?? ''}` };
    hasNodeSqlite = await import('node:sqlite' as string).then((m: { DatabaseSync?: unknown }) => typeof m.DatabaseSync === 'function').catch(() => false);
  }, 8 * MINUTES);

  it('ships the samples (and no sources or tests)', () => {
    const samples = readdirSync(join(REPO_ROOT, 'samples'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(REPO_ROOT.length + 1))
      .sort();
    expect(samples.length).toBeGreaterThanOrEqual(8);
    for (const file of samples) expect(packed).toContain(file);
    expect(packed.filter((path) => path.startsWith('src/') || path.startsWith('test/'))).toEqual([]);
  });

  it('`tracetriage --help` in an empty folder lists the commands and says how to get the samples the examples read', () => {
    const run = sh('tracetriage --help', work, env);
    expect(run.status).toBe(0);
    for (const command of ['analyze', 'report', 'sessions', 'session', 'trace', 'search', 'get', 'query', 'validate', 'stats', 'rules', 'samples']) {
      expect(run.stdout).toMatch(new RegExp(`^ {2}tracetriage ${command}\\b`, 'm'));
    }
    expect(run.stdout.replace(/\s+/g, ' ')).toContain('Examples read samples/, the sample traces the package ships: run `tracetriage samples` to copy them here.');
  });

  it('`tracetriage samples` copies them into ./samples; again, it says they are there; a changed file is kept unless --force', () => {
    const first = sh('tracetriage samples', work, env);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^copied 8 sample files into samples\n/);
    expect(readFileSync(join(work, 'samples', 'traces', 'sess-wrapper-19c2-turn2.json'))).toEqual(readFileSync(join(REPO_ROOT, 'samples', 'traces', 'sess-wrapper-19c2-turn2.json')));

    const again = sh('tracetriage samples', work, env);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^samples already holds the 8 sample files; nothing copied\n/);

    const mine = join(work, 'mine');
    mkdirSync(join(mine, 'traces'), { recursive: true });
    writeFileSync(join(mine, 'legacy-v2.json'), 'my own notes\n');
    const refused = sh('tracetriage samples mine', work, env);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      'tracetriage: mine already holds 1 file of the same name as a sample but different (legacy-v2.json): nothing copied; --force replaces it, or name another folder (tracetriage samples <dir>)\n',
    );
    expect(readdirSync(mine, { recursive: true }).sort()).toEqual(['legacy-v2.json', 'traces']);
    const forced = sh('tracetriage samples mine --force', work, env);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toMatch(/^copied 8 sample files into mine, replacing 1 file that differed \(legacy-v2\.json\)\n/);
  });

  it(
    'runs every example of every --help, placeholders filled, with the documented exit status',
    () => {
      expect(existsSync(join(work, 'samples', 'search-sess-refund-7f3a.json'))).toBe(true);
      // What a user would put in place of each <placeholder>: files made from the samples.
      ok('tar czf samples.tgz samples && gzip -c samples/otel-genai.jsonl > dump.jsonl.gz', work, env);
      const fill: Record<string, string> = {
        'export.json': 'samples/search-sess-refund-7f3a.json',
        'dumps/': 'samples/',
        'archive.tgz': 'samples.tgz',
        'dump.jsonl.gz': 'dump.jsonl.gz',
      };
      const help = sh('tracetriage --help', work, env).stdout;
      const commands = [...help.matchAll(/^ {2}tracetriage ([a-z]+)\b/gm)].map((m) => m[1]!);
      const sources = ['', ...new Set(commands)];
      const failures: string[] = [];
      let count = 0;
      for (const command of sources) {
        const examples = examplesOf(sh(`tracetriage ${command} --help`, work, env).stdout);
        // The unwrapping is checked against the source: one example per .example() call.
        const file = command === '' ? join(REPO_ROOT, 'src', 'cli', 'main.ts') : join(REPO_ROOT, 'src', 'cli', 'commands', `${command}.ts`);
        expect([command, examples.length]).toEqual([command, (readFileSync(file, 'utf8').match(/\.example\(/g) ?? []).length]);
        for (const example of examples) {
          count++;
          const filled = example.replace(/<([\w./-]+)>/g, (whole, name: string) => {
            const value = fill[name];
            if (value === undefined) failures.push(`${example}: no file to put in place of ${whole}`);
            return value ?? whole;
          });
          const run = sh(filled, work, env);
          // merge prints what analyze prints, exit status included.
          const expected = /^tracetriage (analyze|merge)\b/.test(filled) ? 1 : 0;
          if (run.status !== expected || /internal error|\n\s+at /.test(run.stderr)) failures.push(`${filled}: exit ${String(run.status)} (expected ${expected})\n${run.stderr}`);
        }
      }
      expect(failures).toEqual([]);
      expect(count).toBeGreaterThanOrEqual(35);
    },
    8 * MINUTES,
  );

  it('reads an mlflow.db, or says in one line what to do when this Node cannot (Node 20 without a built better-sqlite3)', () => {
    const inputs = readFileSync(join(REPO_ROOT, 'docs', 'inputs.md'), 'utf8');
    const run = sh(`tracetriage sessions "${SQLITE_STORE}"`, work, env);
    if (hasNodeSqlite) {
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('5 traces without a session');
      return;
    }
    // Installed without its install script: the package is there, its compiled part is not.
    expect(run.status).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      `tracetriage: ${SQLITE_STORE}: reading an SQLite store needs Node 22.13 or later (node:sqlite) or the optional package better-sqlite3, which is installed but not built for this Node (its install script did not run): run npm rebuild -g better-sqlite3 (npm rebuild better-sqlite3 in a project), or use Node 22.13 or later`,
    );
    expect(inputs).toContain(lines[0]!.replace(SQLITE_STORE, 'mlflow.db'));
    expect(lines[1]).toBe('tracetriage: exit 2: no trace could be read from the inputs: 1 input unreadable');

    // Not installed at all (--omit=optional, or a failed build npm dropped): the other fix.
    const addon = join(prefix, 'lib', 'node_modules', 'tracetriage', 'node_modules', 'better-sqlite3');
    renameSync(addon, `${addon}.away`);
    try {
      const missing = sh(`tracetriage sessions "${SQLITE_STORE}"`, work, env);
      expect(missing.status).toBe(2);
      expect(missing.stderr.split('\n')[0]).toBe(
        `tracetriage: ${SQLITE_STORE}: reading an SQLite store needs Node 22.13 or later (node:sqlite) or the optional package better-sqlite3, which is not installed: use Node 22.13 or later, or install tracetriage again with it (npm install -g tracetriage --include=optional; it compiles with python3 and a C++ compiler)`,
      );
    } finally {
      renameSync(`${addon}.away`, addon);
    }
  });
});
