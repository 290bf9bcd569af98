import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeWorkspace, runCliAsync, type CliRun, type Workspace } from '../helpers/make-inputs.js';

// `--jobs` on analyze, report and sessions: the per-trace stage runs in worker threads and the
// output (stdout, stderr, exit status) is byte for byte that of --jobs 1. `--worker-threshold-mb 0`
// starts the workers at the first record, so small files reach them: JSON Lines files by line
// ranges, other inputs by batches cut in the main thread.

const SAMPLES = join(REPO_ROOT, 'samples');
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

/** The commands and formats compared, with what each prints for the inputs. */
const COMMANDS: Record<string, string[]> = {
  'analyze json': ['analyze', '--format', 'json', '--no-config'],
  'analyze text': ['analyze', '--no-config', '--verbose'],
  'analyze sarif': ['analyze', '--format', 'sarif', '--no-config'],
  'analyze junit': ['analyze', '--format', 'junit', '--no-config'],
  'report markdown': ['report', '--format', 'markdown', '--no-config'],
  'sessions text': ['sessions', '--no-config'],
  'sessions json': ['sessions', '--format', 'json', '--no-config'],
};

let ws: Workspace;
let chat: string;
let chatLines: string[];
/** A trace id in the middle of the chat export, for the fault injection. */
let middleId: string;

beforeAll(() => {
  ws = makeWorkspace('tracetriage-jobs-');
  chat = join(ws.dir, 'chat.jsonl');
  execFileSync(process.execPath, [join(REPO_ROOT, 'bench', 'gen-chat.mjs'), '--out', chat, '--bytes', '3e6', '--quiet'], { stdio: 'ignore' });
  chatLines = readFileSync(chat, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  middleId = (JSON.parse(chatLines[Math.floor(chatLines.length / 2)]!) as { info: { trace_id: string } }).info.trace_id;
  // Broken lines among good ones: not JSON, cut short, JSON that is not a trace, and a copy of a trace.
  const broken = [...chatLines.slice(0, 40), 'hello', chatLines[41]!.slice(0, 300), '{"a": 1}', chatLines[3]!, ...chatLines.slice(42, 120)];
  ws.write('broken.jsonl', `${broken.join('\n')}\n`);
  // The same traces as one `mlflow traces search` export: cut by the main thread, parsed in batches.
  ws.write('search.json', `{"traces": [${chatLines.slice(0, 150).join(',\n')}], "next_page_token": null}\n`);
}, 120_000);

afterAll(() => ws?.cleanup());

/** Runs a command with --jobs 1, 2 and 3 side by side. */
async function byJobs(args: readonly string[], env: Record<string, string> = {}, jobs: readonly number[] = [1, 2, 3]): Promise<CliRun[]> {
  return Promise.all(jobs.map((j) => runCliAsync([...args, '--jobs', String(j), '--worker-threshold-mb', '0'], { cwd: ws.dir, env })));
}

function same(runs: readonly CliRun[]): void {
  const [one, ...others] = runs;
  for (const other of others) {
    expect(other.status).toBe(one!.status);
    expect(other.stderr).toBe(one!.stderr);
    // Compared as bytes: a difference anywhere (order, ordinals, a digit) fails.
    expect(other.stdoutBytes.equals(one!.stdoutBytes)).toBe(true);
  }
}

describe('--jobs: the same output from worker threads as from one thread', () => {
  const cases: Array<[string, () => string[], (run: CliRun) => void]> = [
    ['the samples', () => [SAMPLES], (run) => expect(run.stdout).toContain('sess-refund-7f3a')],
    ['the test fixtures (every MLflow version, other tracers)', () => [FIXTURES], (run) => expect(run.stdout.length).toBeGreaterThan(200)],
    ['a generated chat export (3 MB)', () => [chat], (run) => expect(run.stdout).toMatch(/root[ -_]?cause/i)],
    ['broken lines, a copy, and a search export read in batches', () => ['broken.jsonl', 'search.json'], (run) => expect(run.stdout.length).toBeGreaterThan(200)],
  ];
  for (const [name, inputs, check] of cases) {
    for (const [command, args] of Object.entries(COMMANDS)) {
      it(`${command}: ${name}`, async () => {
        // Three workers too for the JSON forms (an uneven split of ranges and batches).
        const runs = await byJobs([...args, ...inputs()], {}, command.endsWith('json') ? [1, 2, 3] : [1, 2]);
        same(runs);
        if (!name.startsWith('broken') && !name.startsWith('the test') && !command.startsWith('sessions')) check(runs[0]!);
        if (name.startsWith('a generated') && command === 'sessions json') expect(runs[0]!.stdout).toContain('"session_id"');
      }, 120_000);
    }
  }

  it('says the rejected records of the broken file the same way, in the same order', async () => {
    const runs = await byJobs(['analyze', '--format', 'json', '--no-config', '--verbose', 'broken.jsonl', 'search.json']);
    same(runs);
    const problems = runs[0]!.stderr.split('\n').filter((l) => l.includes('broken.jsonl:'));
    expect(problems.length).toBeGreaterThanOrEqual(3);
    const { summary } = JSON.parse(runs[0]!.stdout) as { summary: { duplicate_traces: number; rejected_records: number; traces: number } };
    // The copy of line 4 inside broken.jsonl, and the 150 traces search.json repeats (118 of them
    // in broken.jsonl already: 32 more traces).
    expect(summary).toMatchObject({ duplicate_traces: 119, rejected_records: 3, traces: 118 + 1 + 150 });
  }, 120_000);

  it('selects the same sessions and traces (--session, --filter-string) in the workers', async () => {
    const session = (JSON.parse((await byJobs(['sessions', '--format', 'json', '--no-config', chat], {}, [1]))[0]!.stdout) as { sessions: Array<{ session_id: string }> }).sessions[2]!.session_id;
    const runs = await byJobs(['analyze', '--format', 'json', '--no-config', '--session', session, chat]);
    same(runs);
    expect(JSON.parse(runs[0]!.stdout)).toMatchObject({ sessions: [{ session_id: session }] });
    const filtered = await byJobs(['sessions', '--format', 'json', '--no-config', '--filter-string', "status = 'ERROR'", chat]);
    same(filtered);
    const all = await byJobs(['report', '--no-config', '--filter-string', "status = 'ERROR'", chat], {}, [1, 2]);
    same(all);
    // A span clause whose text most records lack: those are left out unparsed, in the workers too.
    const tools = await byJobs(['analyze', '--format', 'json', '--no-config', '--filter-string', "span.type = 'TOOL' AND span.attributes.mlflow.spanFunctionName = 'lookup_order'", chat]);
    same(tools);
    const { summary } = JSON.parse(tools[0]!.stdout) as { summary: { traces: number } };
    expect(summary.traces).toBeGreaterThan(0);
    expect(summary.traces).toBeLessThan(chatLines.length / 2);
  }, 120_000);

  for (const [stage, commands] of [
    ['read', ['analyze', 'sessions', 'report']],
    ['digest', ['analyze', 'sessions', 'report']],
    ['rules', ['analyze', 'report']],
  ] as const) {
    for (const command of commands) {
      it(`an internal error at ${stage} in a worker is the same problem: ${command}`, async () => {
        const args = command === 'analyze' ? ['analyze', '--format', 'json', '--no-config'] : [command, '--no-config'];
        const runs = await byJobs([...args, chat], { TRACETRIAGE_TEST_FAULT: `${stage}:${middleId}` });
        same(runs);
        expect(runs[0]!.status).toBe(2);
        expect(runs[0]!.stderr).toContain(`test fault injected at ${stage} for ${middleId}`);
      }, 120_000);
    }
  }

  it('runs the per-trace stage in the workers: the stack of an internal error is a worker task', async () => {
    const [one, two] = await byJobs(['analyze', '--format', 'json', '--no-config', '--debug', chat], { TRACETRIAGE_TEST_FAULT: `digest:${middleId}` }, [1, 2]);
    expect(one!.stderr).toContain('AnalysisCollector.add');
    expect(two!.stderr).not.toContain('AnalysisCollector.add');
    expect(two!.stderr).toMatch(/analyze-task\.js/);
    // Everything but the stack is the same.
    expect(two!.stdoutBytes.equals(one!.stdoutBytes)).toBe(true);
  }, 120_000);
});
