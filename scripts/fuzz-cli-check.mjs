/**
 * The checks of the CLI-level mutation campaign (`make fuzz`, scripts/fuzz-cli.mjs), shared with
 * the `cli-records` property of test/fuzz/ so that a minimised failure replays in `make test`.
 * One JSON Lines file of many records goes through validate, analyze, sessions and report of the
 * real binary (one process per command and file, not per record), and each answer is checked.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

/** C0 controls but tab and line feed, DEL and C1: never raw on stdout (text views: tabs and bidi controls too). */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;
const INVISIBLE = /[\u0009\u200b-\u200f\u202a-\u202e\u2066-\u2069]/u;

/** The commands each file goes through: name, arguments after the file, and whether people read it. */
export const COMMANDS = [
  { name: 'validate', args: ['--format', 'json'], forEyes: false },
  { name: 'analyze', args: ['--format', 'json', '--no-config'], forEyes: false },
  { name: 'analyze', args: ['--format', 'text', '--no-config'], forEyes: true },
  { name: 'sessions', args: ['--format', 'text', '--no-config'], forEyes: true },
  { name: 'report', args: ['--format', 'markdown', '--no-config', '--max-bytes', '400000'], forEyes: true },
];

function run(args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (status, signal) => resolvePromise({ status, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** First line of an internal error, numbers and quoted parts left out: one class per bug, not per record. */
function errorClass(stderr) {
  const line = stderr.split('\n').find((l) => /internal error/iu.test(l)) ?? '';
  return line
    .replace(/^.*internal error:?\s*/iu, '')
    .replace(/"[^"]*"|'[^']*'|\d+/gu, '#')
    .slice(0, 80);
}

/**
 * Runs every command over the records (one JSON text a line) and returns what went wrong, each
 * failure with a class (`internal-error: …`, `exit-N`, `count`, `lines`, `control`, `signal`),
 * the command and a detail, plus how many records each command was given.
 */
export async function checkRecords(lines) {
  const dir = mkdtempSync(join(tmpdir(), 'tracetriage-fuzz-cli-'));
  const failures = [];
  try {
    const file = join(dir, 'records.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    let valid = null;
    for (const command of COMMANDS) {
      const what = `${command.name} ${command.args.join(' ')}`;
      const r = await run([command.name, file, ...command.args]);
      const fail = (kind, detail) => failures.push({ class: kind, command: what, detail: detail.slice(0, 400) });
      if (r.signal) fail('signal', `killed by ${r.signal}`);
      if (/internal error/iu.test(r.stderr)) fail(`internal-error: ${errorClass(r.stderr)}`, r.stderr);
      if (command.name === 'validate' && r.status !== null && r.status <= 1) {
        const v = JSON.parse(r.stdout);
        valid = v.valid;
        if (v.records !== v.valid + v.rejected) fail('count', `records ${v.records} ≠ valid ${v.valid} + rejected ${v.rejected}`);
        if (v.records !== lines.length) fail('lines', `${v.records} records for ${lines.length} lines`);
      }
      // 2 is for a run that could read nothing: only when validate found no valid record, and said why.
      const twoMeant = r.status === 2 && valid === 0 && r.stderr.trim() !== '' && !/internal error/iu.test(r.stderr);
      if (r.status !== 0 && r.status !== 1 && !twoMeant) fail(`exit-${r.status}`, r.stderr);
      const bad = CONTROLS.exec(r.stdout) ?? (command.forEyes ? INVISIBLE.exec(r.stdout) : null);
      if (bad) fail('control', `raw U+${bad[0].codePointAt(0).toString(16).padStart(4, '0')} in stdout: ${JSON.stringify(r.stdout.slice(Math.max(0, bad.index - 40), bad.index + 20))}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return failures;
}
