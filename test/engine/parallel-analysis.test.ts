import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeInputs, type AnalyzeOptions } from '../../dist/engine/analyze/analyze.js';
import { selectRules } from '../../dist/engine/analyze/rule-set.js';
import { reportInputs } from '../../dist/engine/report/report.js';
import { readSessions } from '../../dist/engine/session-reader.js';
import type { FrameEvent } from '../../src/engine/read/read-events.js';
import { REPO_ROOT } from '../helpers/make-inputs.js';

// The engine's analysis, report and session listing with the per-trace stage in worker threads
// (`jobs` > 1; threshold 0, so the samples reach them): the same results as one thread, the same
// problems in the same order. Runs the built package: the workers load dist/engine/read/worker.js.
const INPUTS = [join(REPO_ROOT, 'samples'), join(REPO_ROOT, 'test', 'fixtures')];

function options(events: FrameEvent[], jobs: number): AnalyzeOptions & { jobs: number; workerThresholdBytes: number } {
  const { rules, severityOverride } = selectRules({}, []);
  return { rules, severityOverride, onEvent: (e) => events.push(e), jobs, workerThresholdBytes: 0 };
}

describe('the per-trace stage in worker threads', () => {
  it('analyzeInputs: the same result and events with 1, 2 and 3 jobs', async () => {
    const runs = [];
    for (const jobs of [1, 2, 3]) {
      const events: FrameEvent[] = [];
      const result = await analyzeInputs(INPUTS, options(events, jobs));
      runs.push({ result, events });
    }
    expect(runs[0]!.result.findings.length).toBeGreaterThan(5);
    expect(Array.from(runs[0]!.result.sessions, (s) => s.sessionId)).toContain('sess-refund-7f3a');
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  }, 60_000);

  it('reportInputs: the same report data with 1 and 2 jobs', async () => {
    const [one, two] = await Promise.all([1, 2].map((jobs) => reportInputs(INPUTS, { ...options([], jobs), maxSessions: 20, config: null, rejected: () => 0 })));
    expect(one!.sessions.length).toBeGreaterThan(2);
    expect(two).toEqual(one);
  }, 60_000);

  it('readSessions: the same sessions with 1 and 2 jobs', async () => {
    const [one, two] = await Promise.all([1, 2].map((jobs) => readSessions(INPUTS, { jobs, workerThresholdBytes: 0 })));
    expect(one!.sessions.length).toBeGreaterThan(3);
    expect(two).toEqual(one);
  }, 60_000);

  it('stays on one thread, and says why, when a rule is not one of the built-in table (a worker cannot load it)', async () => {
    const events: FrameEvent[] = [];
    const base = options(events, 2);
    const custom = { ...base.rules[0]!, module: { ...base.rules[0]!.module } };
    const said: string[] = [];
    const result = await analyzeInputs(INPUTS, { ...base, rules: [custom, ...base.rules.slice(1)], onSingleThread: (why) => said.push(why) });
    expect(said).toEqual([`rule ${custom.module.meta.id} is not one of the built-in rules, which are all a worker thread can load`]);
    const alone = await analyzeInputs(INPUTS, options([], 1));
    expect(result).toEqual(alone);
  }, 60_000);
});
