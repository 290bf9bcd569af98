/**
 * The CLI-level mutation campaign of `make fuzz`: real records (samples/, test/fixtures/ and any
 * --corpus directory, e.g. MLflow's own exports) damaged many ways, in JSON Lines files of
 * --batch records, each file through validate, analyze, sessions and report of the real binary
 * (scripts/fuzz-cli-check.mjs says what is checked). A failure is minimised by bisection to the
 * fewest records that still fail the same way and written to test/fuzz/found/ as a case of the
 * `cli-records` property, which `make test` replays.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRecords, COMMANDS } from './fuzz-cli-check.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FOUND_DIR = join(ROOT, 'test', 'fuzz', 'found');

/** mulberry32: a small seeded PRNG (the campaign is replayed by its seed). */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (list) => list[Math.floor(next() * list.length)] };
}

/** Trace objects of the corpus: documents, arrays and search envelopes opened, JSON Lines split. */
export function loadCorpus(dirs) {
  const traces = [];
  const files = [];
  const walk = (path) => {
    if (statSync(path).isDirectory()) for (const e of readdirSync(path).sort()) walk(join(path, e));
    else if (/\.jsonl?$/u.test(path)) files.push(path);
  };
  for (const d of dirs) if (existsSync(d)) walk(d);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    let values;
    try {
      values = [JSON.parse(text)];
    } catch {
      values = [];
      for (const l of text.split('\n')) {
        try {
          if (l.trim() !== '') values.push(JSON.parse(l));
        } catch {
          // A corpus line that is not JSON is not a trace to start from: left out.
        }
      }
    }
    for (const v of values) {
      if (Array.isArray(v)) traces.push(...v);
      else if (v && typeof v === 'object' && Array.isArray(v.traces)) traces.push(...v.traces);
      else if (v && typeof v === 'object' && (v.info || v.trace || v.data)) traces.push(v);
    }
  }
  return { traces: traces.filter((t) => t && typeof t === 'object'), files: files.map((f) => relative(ROOT, f)) };
}

const HOSTILE = [
  '\u001b[2J',
  '\u009b31m',
  '\r',
  '\u0000',
  '\u007f',
  '\u0085',
  '\u202e',
  '\u200b',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '@team',
  '#12',
  '`',
  '```',
  '| x |',
  '[a](javascript:alert(1))',
  'http://evil.example',
  '$x$',
  '\ud800',
  '\udc00',
  '😀',
  '\n# heading',
  '\t',
];
/** Values that break times, numbers, texts and depth (raw JSON text). */
const RAW_VALUES = [
  '1e400',
  '-1e30',
  '-1',
  '0',
  '1e300',
  '8640000000000001',
  '-8640000000000001',
  '9007199254740993',
  'true',
  'false',
  'null',
  '""',
  '"not a time"',
  '"+275760-09-13T00:00:00.001Z"',
  '"2026-13-45T99:99:99Z"',
  '{}',
  '[]',
  '"1e400"',
  'NaN',
  'Infinity',
  '-Infinity',
];
const GARBAGE = ['{', '}', '[', ']', '"', '\\', ',', ':', 'NaN', '1e400', '\u00e9', '\u0000', 'hello', '\ufeff', '\ud83d', '{"info": {}}'];

function paths(value, prefix = [], out = []) {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

/** One damaged record as a JSON Lines line, and the kind of damage (for the figures). */
function mutate(traces, r) {
  const base = structuredClone(r.pick(traces));
  const kind = r.pick(['value', 'value', 'value', 'hostile', 'bytes', 'two', 'unclosed', 'deep', 'drop']);
  const marker = '__FZ_RAW__';
  let raw = null;
  if (kind === 'value' || kind === 'hostile' || kind === 'deep' || kind === 'drop') {
    const all = paths(base).filter((p) => p.length > 0);
    const path = r.pick(all);
    let parent = base;
    for (const k of path.slice(0, -1)) parent = parent[k];
    const key = path[path.length - 1];
    if (kind === 'drop') {
      if (Array.isArray(parent)) parent.splice(key, 1);
      else delete parent[key];
    } else if (kind === 'hostile') parent[key] = Array.from({ length: 1 + r.int(3) }, () => r.pick(HOSTILE)).join(typeof parent[key] === 'string' ? parent[key] : '');
    else {
      parent[key] = marker;
      const depth = r.pick([600, 20_000, 100_000]);
      raw = kind === 'deep' ? (r.next() < 0.5 ? '['.repeat(depth) + '1' + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) : r.pick(RAW_VALUES);
    }
  }
  let text = JSON.stringify(base);
  if (raw !== null) text = text.replace(`"${marker}"`, raw);
  if (kind === 'bytes') {
    const buf = Buffer.from(text);
    const at = r.int(buf.length);
    const op = r.int(3);
    text =
      op === 0
        ? buf.subarray(0, at).toString('utf8')
        : op === 1
          ? Buffer.concat([buf.subarray(0, at), buf.subarray(at + 1 + r.int(100))]).toString('utf8')
          : Buffer.concat([buf.subarray(0, at), Buffer.from(r.pick(GARBAGE)), buf.subarray(at)]).toString('utf8');
  } else if (kind === 'two') text = `${text} ${text}`;
  else if (kind === 'unclosed') text = `[${text.slice(0, Math.floor(text.length / 2))}`;
  text = text.replace(/[\r\n]/gu, ' ');
  return { line: text.trim() === '' ? '{' : text, kind };
}

/** The failures of `lines` whose class is `kind` (or none). */
async function failsAs(lines, kind) {
  return (await checkRecords(lines)).some((f) => f.class === kind);
}

/**
 * The fewest records (after the intact first line) that still fail as `kind`: halves while one
 * half fails alone, then single records dropped while it still fails (until `deadline`).
 */
async function minimise(lines, kind, deadline) {
  let rest = lines.slice(1);
  while (rest.length > 1 && Date.now() < deadline) {
    const half = rest.slice(0, Math.ceil(rest.length / 2));
    const other = rest.slice(half.length);
    if (await failsAs([lines[0], ...half], kind)) rest = half;
    else if (await failsAs([lines[0], ...other], kind)) rest = other;
    else break;
  }
  // The failure needs records from both halves (an unclosed array and the line after it): drop
  // one record at a time while it still fails.
  for (let i = rest.length - 1; i >= 0 && rest.length > 1 && Date.now() < deadline; i--) {
    const without = rest.filter((_, k) => k !== i);
    if (await failsAs([lines[0], ...without], kind)) rest = without;
  }
  return [lines[0], ...rest];
}

function writeFound(found) {
  mkdirSync(FOUND_DIR, { recursive: true });
  // As test/fuzz/found.ts names it: sha256 of the counterexample as codec.ts writes it (an array of strings is itself).
  const name = `${found.property}-${createHash('sha256')
    .update(JSON.stringify(found.counterexample, null, 1))
    .digest('hex')
    .slice(0, 8)}.json`;
  writeFileSync(join(FOUND_DIR, name), JSON.stringify(found, null, 1) + '\n');
  return name;
}

/**
 * Runs the campaign: batches until `minutes` have passed (or `batches` are done). Returns the
 * figures: records per command, damage kinds, failures by class with the files written.
 */
export async function cliCampaign({ seed, minutes, batches = null, batchSize = 200, corpus = [] }) {
  const r = prng(seed);
  const { traces, files } = loadCorpus([join(ROOT, 'samples'), join(ROOT, 'test', 'fixtures'), ...corpus]);
  const started = Date.now();
  const deadline = started + minutes * 60_000;
  const figures = { seed, corpusFiles: files.length, corpusTraces: traces.length, batches: 0, records: 0, perCommand: {}, kinds: {}, failures: {}, found: [] };
  for (const c of COMMANDS) figures.perCommand[`${c.name} ${c.args.join(' ')}`] = 0;
  while (batches === null ? Date.now() < deadline : figures.batches < batches) {
    const lines = [JSON.stringify(r.pick(traces))];
    while (lines.length < batchSize) {
      const { line, kind } = mutate(traces, r);
      lines.push(line);
      figures.kinds[kind] = (figures.kinds[kind] ?? 0) + 1;
    }
    const failures = await checkRecords(lines);
    figures.batches++;
    figures.records += lines.length;
    for (const key of Object.keys(figures.perCommand)) figures.perCommand[key] += lines.length;
    for (const f of failures) {
      const known = figures.failures[f.class];
      if (known) {
        known.batches++;
        continue;
      }
      figures.failures[f.class] = { batches: 1, command: f.command, detail: f.detail };
      const minimal = await minimise(lines, f.class, Date.now() + 5 * 60_000);
      const file = writeFound({
        property: 'cli-records',
        seed,
        path: null,
        error: `${f.class} (${f.command}): ${f.detail.split('\n')[0]}`.slice(0, 500),
        counterexample: minimal,
        found: `${new Date().toISOString()} make fuzz FUZZ_SEED=${seed} (CLI campaign, batch ${figures.batches})`,
      });
      figures.failures[f.class].file = file;
      figures.failures[f.class].minimalRecords = minimal.length;
      figures.found.push(file);
      process.stdout.write(`  found ${f.class} (${f.command}) → test/fuzz/found/${file} (${minimal.length} records)\n`);
    }
    if (figures.batches % 5 === 0)
      process.stdout.write(
        `  CLI campaign: ${figures.batches} files, ${figures.records} records, ${Object.keys(figures.failures).length} failure classes, ${Math.round((Date.now() - started) / 1000)} s\n`,
      );
  }
  figures.seconds = Math.round((Date.now() - started) / 1000);
  return figures;
}
