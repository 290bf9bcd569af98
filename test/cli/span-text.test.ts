import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeWorkspace, runCliAsync, type CliRun, type Workspace } from '../helpers/make-inputs.js';

// A record read span by span (bigger than the scanner's record limit; `--max-record-mb` lowers the
// limit so that small files reach that path) by a command that never shows the record itself has
// its spans' long attribute strings kept in a temporary file: everything such a command prints
// must be what `JSON.parse` of the whole record gives.

const COMMANDS: Record<string, string[]> = {
  'analyze json': ['analyze', '--format', 'json', '--no-config', '--fail-on', 'none'],
  'analyze text': ['analyze', '--no-config', '--verbose', '--fail-on', 'none'],
  'analyze sarif': ['analyze', '--format', 'sarif', '--no-config', '--fail-on', 'none'],
  'report markdown': ['report', '--format', 'markdown', '--no-config'],
  'report html': ['report', '--format', 'html', '--no-config'],
  'sessions json': ['sessions', '--format', 'json', '--no-config'],
  'stats json': ['stats', '--format', 'json'],
  digest: ['digest'],
};

let ws: Workspace;
let chat: string;
let huge: string;

beforeAll(() => {
  ws = makeWorkspace('tracetriage-span-text-');
  chat = join(ws.dir, 'chat.jsonl');
  huge = join(ws.dir, 'huge.jsonl');
  // Chat traces of about 8 KB with their histories (attribute strings of several KB), and one trace
  // of 1,300 spans of model calls, tools with failures and retrievals.
  execFileSync(process.execPath, [join(REPO_ROOT, 'bench', 'gen-chat.mjs'), '--out', chat, '--bytes', '1e6', '--quiet'], { stdio: 'ignore' });
  execFileSync(process.execPath, [join(REPO_ROOT, 'bench', 'gen-huge-trace.mjs'), '--out', huge, '--bytes', '8e6', '--quiet'], { stdio: 'ignore' });
}, 120_000);

afterAll(() => ws?.cleanup());

/** What `stats` says of time: not part of what is compared. */
function withoutTimes(text: string): string {
  return text.replace(/"(elapsed_seconds|mb_per_s)": [0-9.e+-]+/g, '"$1": 0');
}

function same(whole: CliRun, spanBySpan: CliRun): void {
  expect(spanBySpan.status).toBe(whole.status);
  expect(spanBySpan.stderr).toBe(whole.stderr);
  expect(withoutTimes(spanBySpan.stdout)).toBe(withoutTimes(whole.stdout));
}

describe('long strings of spans read span by span are kept in a temporary file', () => {
  for (const [command, args] of Object.entries(COMMANDS)) {
    it(`${command}: every chat record span by span prints what JSON.parse of each record gives`, async () => {
      const [whole, spanBySpan] = await Promise.all([
        runCliAsync([...args, '--max-record-mb', '1000', chat], { cwd: ws.dir }),
        runCliAsync([...args, '--max-record-mb', '0.001', chat], { cwd: ws.dir }),
      ]);
      same(whole, spanBySpan);
      expect(whole.stdout.length).toBeGreaterThan(500);
    }, 120_000);
  }

  it('reads one trace of 1,300 spans span by span as JSON.parse would, in one thread and in workers', async () => {
    const args = COMMANDS['analyze json']!;
    const [whole, spanBySpan, workers] = await Promise.all([
      runCliAsync([...args, '--max-record-mb', '1000', huge], { cwd: ws.dir }),
      runCliAsync([...args, '--max-record-mb', '0.5', huge], { cwd: ws.dir }),
      runCliAsync([...args, '--max-record-mb', '0.5', '--jobs', '2', '--worker-threshold-mb', '0', huge], { cwd: ws.dir }),
    ]);
    same(whole, spanBySpan);
    same(whole, workers);
    const { summary } = JSON.parse(whole.stdout) as { summary: { traces: number; findings: number } };
    expect(summary.traces).toBe(1);
    expect(summary.findings).toBeGreaterThan(0);
  }, 120_000);

  it('leaves the long strings in place for a command that reads the record itself (query)', async () => {
    const query = '$.data.spans[*].attributes["mlflow.spanInputs"]';
    const [whole, spanBySpan] = await Promise.all([
      runCliAsync(['query', query, '--max-record-mb', '1000', chat], { cwd: ws.dir }),
      runCliAsync(['query', query, '--max-record-mb', '0.001', chat], { cwd: ws.dir }),
    ]);
    same(whole, spanBySpan);
    // Chat histories: JSON text of several KB, above the length that goes to the file.
    expect(whole.stdout).toMatch(/messages[^\n]{2000}/);
  }, 120_000);
});
