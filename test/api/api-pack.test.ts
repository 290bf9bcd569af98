import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/make-inputs.js';

// The package as a user gets it: `npm pack` (its prepack builds dist/ from the sources packed),
// the tarball installed into an empty folder with npm, then every example of docs/api.md run
// there with Node and its TypeScript example type-checked against the installed types. A wrong
// `exports`, a file missing from `files` or a type not exported fails here, not for a user.

const DOC = readFileSync(join(REPO_ROOT, 'docs', 'api.md'), 'utf8');
const blocks = (lang: string): string[] => [...DOC.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]!);
const JS_EXAMPLES = blocks('js');
const TS_EXAMPLES = blocks('ts');
/** The samples of the repository and an MLflow file store: what the examples read. */
const STORE = join(REPO_ROOT, 'test', 'stores', 'filestore_3.x__guru-code-expert_OpenTrace', 'mlruns');
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const MINUTES = 60_000;

let root = '';
let app = '';
let packed: string[] = [];

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ok(command: string, args: readonly string[], cwd: string): string {
  const result = run(command, args, cwd);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${String(result.status)}:\n${result.stderr}\n${result.stdout}`);
  return result.stdout;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tracetriage-pack-'));
  // Packed from a copy of what a publisher's clone holds, so prepack's build writes the copy's
  // dist/, not the repository's, which other test files run at the same time.
  const source = join(root, 'source');
  mkdirSync(source);
  for (const name of ['package.json', 'tsconfig.json', 'README.md', 'LICENSE', 'src', 'schemas', 'docs']) cpSync(join(REPO_ROOT, name), join(source, name), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  const out = join(root, 'out');
  mkdirSync(out);
  const report = JSON.parse(ok('npm', ['pack', '--json', '--pack-destination', out], source)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packed = report[0]!.files.map((f) => f.path);
  const tarball = join(out, report[0]!.filename);

  app = join(root, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'tracetriage-api-check', private: true, type: 'module' }));
  // better-sqlite3 is optional (node:sqlite reads a store where Node has it): left out, it needs no compiler.
  ok('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=optional', tarball], app);
  cpSync(join(REPO_ROOT, 'samples'), join(app, 'samples'), { recursive: true });
  cpSync(STORE, join(app, 'mlruns'), { recursive: true });
}, 5 * MINUTES);

afterAll(() => {
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the built API, its types and the config schema, and no sources or tests', () => {
    for (const path of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/api/analyze.js',
      'dist/api/analyze.d.ts',
      'dist/api/scale.js',
      'dist/api/scale.d.ts',
      'dist/api/lines.js',
      'dist/engine/scale/digest.js',
      'dist/engine/scale/reduce.js',
      'dist/engine/scale/merge.js',
      'dist/cli/main.js',
      'dist/engine/read/worker.js',
      'schemas/config.schema.json',
      'docs/api.md',
      'package.json',
    ]) {
      expect(packed).toContain(path);
    }
    expect(packed.filter((path) => path.startsWith('src/') || path.startsWith('test/'))).toEqual([]);
    expect(
      readdirSync(join(app, 'node_modules', 'tracetriage', 'dist', 'api'))
        .filter((f) => f.endsWith('.js'))
        .sort(),
    ).toEqual(['analyze.js', 'config.js', 'lines.js', 'output.js', 'read.js', 'report.js', 'scale.js', 'search.js', 'sessions.js', 'stats.js', 'trace.js', 'types.js']);
  });

  it('docs/api.md has examples to run', () => {
    expect(JS_EXAMPLES.length).toBeGreaterThanOrEqual(8);
    expect(TS_EXAMPLES.length).toBeGreaterThanOrEqual(1);
    for (const example of JS_EXAMPLES) expect(example).toMatch(/from 'tracetriage';/);
  });

  it.each(JS_EXAMPLES.map((code, i) => [i + 1, code.split('\n').find((line) => line.includes("from 'tracetriage'")) ?? '', code] as const))(
    'runs example %i of docs/api.md (%s) without an error, printing what it checked',
    (n, _imports, code) => {
      const file = join(app, `example-${n}.mjs`);
      writeFileSync(file, code);
      const result = run(process.execPath, [file], app);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout.trim().length).toBeGreaterThan(0);
    },
    2 * MINUTES,
  );

  it(
    'type-checks the TypeScript example against the installed types (NodeNext, strict)',
    () => {
      TS_EXAMPLES.forEach((code, i) => writeFileSync(join(app, `example-${i + 1}.ts`), `${code}export {};\n`));
      const files = TS_EXAMPLES.map((_, i) => `example-${i + 1}.ts`);
      const args = [
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2023',
        '--strict',
        '--noEmit',
        '--exactOptionalPropertyTypes',
        '--typeRoots',
        join(REPO_ROOT, 'node_modules', '@types'),
        '--types',
        'node',
        ...files,
      ];
      const result = run(process.execPath, [TSC, ...args], app);
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    },
    2 * MINUTES,
  );

  it(
    'refuses a type the package does not export, so the check above is a real one',
    () => {
      writeFileSync(join(app, 'wrong.ts'), "import type { NoSuchType } from 'tracetriage';\nexport const x: NoSuchType | null = null;\n");
      const result = run(
        process.execPath,
        [TSC, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--strict', '--noEmit', '--typeRoots', join(REPO_ROOT, 'node_modules', '@types'), '--types', 'node', 'wrong.ts'],
        app,
      );
      expect(result.status).not.toBe(0);
      expect(result.stdout).toContain('NoSuchType');
    },
    2 * MINUTES,
  );
});
