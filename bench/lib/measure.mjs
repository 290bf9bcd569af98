/**
 * Run one Node script as a child process and measure it: wall-clock seconds (spawn to exit,
 * Node start-up included, the same for every command) and peak RSS reported by report-rss.mjs.
 */
import { spawn } from 'node:child_process';
import { pathToFileURL, fileURLToPath } from 'node:url';

const RSS_HOOK = pathToFileURL(fileURLToPath(new URL('../report-rss.mjs', import.meta.url))).href;
const MARKER = /\n?__PEAK_RSS_KB=(\d+)\n?/g;
const CPU_MARKER = /\n?__CPU_US=(\d+)\n?/g;
const STDOUT_CAP = 1 << 20;
const STDERR_TAIL = 64 << 10;

/** Children started here and still running, so an interrupted harness can stop exactly those. */
export const liveChildren = new Set();

/**
 * Resolves to `{ ok, code, signal, seconds, cpuSeconds, peakRssBytes, stdout, stderr, argv }`; `ok` is false
 * when the child failed to start, exited non-zero, died of a signal or reported no RSS.
 */
export function runMeasured(args, { cwd }) {
  const argv = [process.execPath, '--import', RSS_HOOK, ...args];
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    let seconds = NaN;
    let stdout = '';
    let stderr = '';
    let settled = false;
    const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    liveChildren.add(child);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      if (stdout.length < STDOUT_CAP) stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-STDERR_TAIL);
    });
    child.on('exit', () => {
      seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    });
    const done = (code, signal, error) => {
      if (settled) return;
      settled = true;
      liveChildren.delete(child);
      let peakKb = null;
      for (const m of stderr.matchAll(MARKER)) peakKb = Number(m[1]);
      stderr = stderr.replace(MARKER, '');
      let cpuUs = null;
      for (const m of stderr.matchAll(CPU_MARKER)) cpuUs = Number(m[1]);
      stderr = stderr.replace(CPU_MARKER, '');
      const peakRssBytes = peakKb === null ? null : peakKb * 1024;
      const cpuSeconds = cpuUs === null ? null : cpuUs / 1e6;
      const ok = !error && code === 0 && peakRssBytes !== null;
      resolve({ ok, code, signal, error: error?.message, seconds, cpuSeconds, peakRssBytes, stdout, stderr, argv });
    };
    child.on('error', (err) => done(null, null, err));
    child.on('close', (code, signal) => done(code, signal));
  });
}

/**
 * Runs a command `runs` times and keeps its best wall time and CPU time (user + system) and its
 * highest peak RSS, in MB; a failed run throws, explained.
 */
export async function bestOf(label, args, { cwd, runs }) {
  let seconds = Infinity;
  let cpuSeconds = Infinity;
  let peakRssMb = 0;
  for (let run = 0; run < runs; run++) {
    const r = await runMeasured(args, { cwd });
    if (!r.ok) throw new Error(describeFailure(label, r));
    seconds = Math.min(seconds, r.seconds);
    cpuSeconds = Math.min(cpuSeconds, r.cpuSeconds ?? Infinity);
    peakRssMb = Math.max(peakRssMb, r.peakRssBytes / 1e6);
  }
  return { seconds, cpuSeconds, peakRssMb };
}

/** Explain a failed run in a few lines: what ran, how it ended, the end of its stderr. */
export function describeFailure(label, r) {
  const how = r.error ? `could not start (${r.error})` : r.signal ? `was killed by ${r.signal}` : r.code !== 0 ? `exited with code ${r.code}` : 'exited without reporting its peak RSS';
  const tail = r.stderr.trim().split('\n').slice(-25).join('\n');
  return `bench: ${label} ${how}\n  command: ${r.argv.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}` + (tail ? `\n  stderr (last lines):\n${tail.replace(/^/gm, '    ')}` : '');
}

/** Run a command to completion, stdout collected, stderr passed through. */
export function run(argv, { cwd }) {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    liveChildren.add(child);
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.on('error', (err) => {
      liveChildren.delete(child);
      resolve({ code: null, signal: null, error: err.message, stdout });
    });
    child.on('close', (code, signal) => {
      liveChildren.delete(child);
      resolve({ code, signal, stdout });
    });
  });
}
