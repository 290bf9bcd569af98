import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors.js';
import { loadConfig, parseConfig, type TriageConfig } from '../../src/cli/config.js';
import { sessionIdOf } from '../../src/model/session-keys.js';
import { triageAssessments } from '../../src/model/triage.js';
import { turnIo } from '../../src/model/turn-io.js';
import type { Trace } from '../../src/model/types.js';
import { traceOf } from '../helpers/fixture-traces.js';
import { REPO_ROOT, makeWorkspace, runCliAsync, type Workspace } from '../helpers/make-inputs.js';

// The --config file: what it accepts, what it refuses (with the message a person sees), and that
// each section changes what the model concludes.

const SAMPLES = join(REPO_ROOT, 'samples');
const sample = (rel: string): unknown => JSON.parse(readFileSync(join(SAMPLES, rel), 'utf8')) as unknown;
const refundTurn = (id: string): Trace => {
  const doc = sample('search-sess-refund-7f3a.json') as { traces: Array<{ info: { trace_id: string } }> };
  return traceOf(doc.traces.find((t) => t.info.trace_id === id));
};

async function rejection(text: string): Promise<string> {
  try {
    await parseConfig(text, 'c.json');
  } catch (error) {
    if (error instanceof CliError) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('parseConfig: valid', () => {
  it('an empty config gives empty tables', async () => {
    expect(await parseConfig('{"schema_version": 1}', 'c.json')).toEqual({ sessionKeys: [], userKeys: [], carriers: [], scorers: {}, rules: {}, source: 'c.json' });
    expect(await loadConfig(false)).toEqual({ sessionKeys: [], userKeys: [], carriers: [], scorers: {}, rules: {}, source: null });
  });

  it('converts every section to the model shapes', async () => {
    const text = JSON.stringify({
      $schema: '../schemas/config.schema.json',
      schema_version: 1,
      session_keys: ['conversation_id'],
      user_keys: ['customer'],
      carriers: [{ id: 'app', input: ['app.request'], output: ['app.reply', 'app.answer'] }],
      scorers: {
        helpfulness: { pass_at_least: 0.5 },
        tone: { pass: [' Friendly '], fail: ['RUDE'], booleans: false, level: 'session' },
        latency: { pass_at_most: 2000 },
        guard_flag: { detects: true },
      },
      rules: { 'wrapper-root-span': 'off', 'no-turn-io': { severity: 'error' } },
    });
    const expected: TriageConfig = {
      sessionKeys: ['conversation_id'],
      userKeys: ['customer'],
      carriers: [
        {
          id: 'app',
          convention: 'configuration',
          input: [{ kind: 'attribute', key: 'app.request', json: true }],
          output: [
            { kind: 'attribute', key: 'app.reply', json: true },
            { kind: 'attribute', key: 'app.answer', json: true },
          ],
        },
      ],
      scorers: { helpfulness: { passAtLeast: 0.5 }, tone: { pass: ['friendly'], fail: ['rude'], booleans: false, level: 'session' }, latency: { passAtMost: 2000 }, guard_flag: { detects: true } },
      rules: { 'wrapper-root-span': { severity: 'off' }, 'no-turn-io': { severity: 'error' } },
      source: 'c.json',
    };
    expect(await parseConfig(text, 'c.json')).toEqual(expected);
  });
});

describe('parseConfig: invalid, with the message a person sees', () => {
  it.each([
    ['{}', 'config c.json: $.schema_version: expected 1 (the only config version), found nothing (the key is missing)'],
    ['[]', 'config c.json: $: expected an object (the tracetriage config), found an array of 0 items'],
    ['{"schema_version": 2}', 'config c.json: $.schema_version: expected 1 (the only config version), found number 2'],
    ['{"schema_version": 1, "sesion_keys": []}', 'config c.json: $.sesion_keys: expected one of the keys schema_version, session_keys, user_keys, carriers, scorers, rules, found an unknown key'],
    ['{"schema_version": 1, "session_keys": "a"}', 'config c.json: $.session_keys: expected an array of non-empty strings (keys), found string "a"'],
    ['{"schema_version": 1, "user_keys": ["a", 3]}', 'config c.json: $.user_keys[1]: expected a non-empty string (a key), found number 3'],
    ['{"schema_version": 1, "session_keys": [""]}', 'config c.json: $.session_keys[0]: expected a non-empty string (a key), found string ""'],
    ['{"schema_version": 1, "carriers": [{"id": "x", "input": ["a"]}]}', 'config c.json: $.carriers[0].output: expected an array of non-empty strings (keys), found nothing (the key is missing)'],
    ['{"schema_version": 1, "carriers": [{"id": "x", "input": [], "output": []}]}', 'config c.json: $.carriers[0]: expected at least one input or output key, found none'],
    [
      '{"schema_version": 1, "carriers": [{"id": "mlflow.span", "input": ["a"], "output": []}]}',
      'config c.json: $.carriers[0].id: expected a carrier id not already in the carrier table, found "mlflow.span"',
    ],
    [
      '{"schema_version": 1, "carriers": [{"id": "x", "input": ["a"], "output": []}, {"id": "x", "input": ["b"], "output": []}]}',
      'config c.json: $.carriers[1].id: expected a carrier id not already in the carrier table, found "x"',
    ],
    ['{"schema_version": 1, "scorers": []}', 'config c.json: $.scorers: expected an object mapping assessment names to polarity rules, found an array of 0 items'],
    [
      '{"schema_version": 1, "scorers": {"j": {}}}',
      'config c.json: $.scorers.j: expected a polarity rule: an object with pass, fail, booleans, pass_at_least, pass_at_most, level or detects, found an empty object',
    ],
    ['{"schema_version": 1, "scorers": {"j": {"level": "turn"}}}', 'config c.json: $.scorers.j.level: expected one of "trace", "session", found string "turn"'],
    ['{"schema_version": 1, "scorers": {"j": {"pass": "yes"}}}', 'config c.json: $.scorers.j.pass: expected an array of strings (values that mean pass), found string "yes"'],
    [
      '{"schema_version": 1, "scorers": {"my judge": {"booleans": "no"}}}',
      'config c.json: $.scorers[\'my judge\'].booleans: expected true or false (whether true means pass and false fail), found string "no"',
    ],
    ['{"schema_version": 1, "scorers": {"j": {"pass_at_least": 2, "pass_at_most": 1}}}', 'config c.json: $.scorers.j: expected pass_at_least <= pass_at_most, found 2 > 1'],
    [
      '{"schema_version": 1, "scorers": {"j": {"pass_at_leest": 2}}}',
      'config c.json: $.scorers.j.pass_at_leest: expected one of the keys pass, fail, booleans, pass_at_least, pass_at_most, level, detects, found an unknown key',
    ],
    [
      '{"schema_version": 1, "scorers": {"j": {"detects": "yes"}}}',
      'config c.json: $.scorers.j.detects: expected true or false (whether the scorer detects a problem: yes, true or a high score is then a fail), found string "yes"',
    ],
  ])('%s', async (text, message) => {
    expect(await rejection(text)).toBe(message);
  });

  it('invalid JSON and a missing file name the file', async () => {
    expect(await rejection('{"schema_version": 1,')).toMatch(/^config c\.json: not valid JSON: /);
    await expect(loadConfig(join(SAMPLES, 'no-such-config.json'))).rejects.toThrow(`cannot read config file ${join(SAMPLES, 'no-such-config.json')}: no such file`);
  });
});

describe('the config changes results', () => {
  it('a scorer override gives the HUMAN helpfulness = 1.0 of refund turn 5 a polarity', async () => {
    const trace = refundTurn('tr-eaad7e61ac6baaa620d497e41960925c');
    const polarity = (config: TriageConfig): string | undefined =>
      triageAssessments(trace.assessments, { overrides: config.scorers }).verdicts.find((v) => v.assessment.name === 'helpfulness')?.polarity;
    expect(polarity(await loadConfig(false))).toBe('unknown');
    expect(polarity(await parseConfig('{"schema_version": 1, "scorers": {"helpfulness": {"pass_at_least": 0.5}}}', 'c.json'))).toBe('pass');
    expect(polarity(await parseConfig('{"schema_version": 1, "scorers": {"helpfulness": {"pass_at_least": 2}}}', 'c.json'))).toBe('fail');
  });

  it('an extra session key finds a session in the smoke-test trace (a tag)', async () => {
    const trace = traceOf(sample('traces/no-session-smoke-test.json'));
    expect(sessionIdOf(trace, (await loadConfig(false)).sessionKeys)).toBeNull();
    expect(sessionIdOf(trace, (await parseConfig('{"schema_version": 1, "session_keys": ["purpose"]}', 'c.json')).sessionKeys)).toBe('deploy-smoke-test');
  });

  it('an extra carrier makes the wrapper root the turn I/O span', async () => {
    const record = sample('traces/sess-wrapper-19c2-turn1.json') as { data: { spans: Array<{ attributes: Record<string, string> }> } };
    const root = record.data.spans[0]!;
    root.attributes['app.request'] = JSON.stringify('{"text": "How much baggage can I bring?"}');
    root.attributes['app.reply'] = JSON.stringify('"23 kg"');
    const trace = traceOf(record);
    const io = (config: TriageConfig) => {
      const found = turnIo(trace, { extraCarriers: config.carriers });
      return [found.spanName, found.depth, found.selection, found.input?.carrier];
    };
    expect(io(await loadConfig(false))).toEqual(['booking_agent', 1, 'descendant', 'mlflow.span']);
    const config = await parseConfig('{"schema_version": 1, "carriers": [{"id": "app", "input": ["app.request"], "output": ["app.reply"]}]}', 'c.json');
    expect(io(config)).toEqual(['POST /v1/assistant/chat', 0, 'root', 'app']);
  });
});

describe('trace --config (the real binary)', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = makeWorkspace();
    ws.write('scorers.json', '{"schema_version": 1, "scorers": {"helpfulness": {"pass_at_least": 0.5}}, "session_keys": ["purpose"]}');
    ws.write('bad.json', '{"schema_version": 1, "carriers": [{"id": "app", "input": "app.request", "output": []}]}');
  });
  afterAll(() => ws.cleanup());

  it('changes the verdict shown', async () => {
    const run = await runCliAsync(['trace', 'tr-eaad7e61ac6baaa620d497e41960925c', join(SAMPLES, 'search-sess-refund-7f3a.json'), '--config', ws.path('scorers.json')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('\n  PASS     helpfulness = 1  (HUMAN qa.reviewer@acme-travel.example) on span 2666f4d2ca0f96c9\n');
  });

  it('says in JSON which basis decided each polarity: the config for helpfulness, the table for the built-in judges', async () => {
    const run = await runCliAsync(['trace', 'tr-eaad7e61ac6baaa620d497e41960925c', join(SAMPLES, 'search-sess-refund-7f3a.json'), '--format', 'json', '--config', ws.path('scorers.json')]);
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as { assessments: { feedback: Array<{ name: string; polarity: string; polarity_basis: string }> } };
    expect(doc.assessments.feedback.map((f) => [f.name, f.polarity, f.polarity_basis])).toEqual([
      ['correctness', 'fail', 'table'],
      ['relevance_to_query', 'pass', 'table'],
      ['helpfulness', 'pass', 'config'],
    ]);
  });

  it('changes the session shown', async () => {
    const run = await runCliAsync(['trace', 'tr-13cfe5b30981a23e50c077e461f6a2e6', join(SAMPLES, 'traces'), '--config', ws.path('scorers.json')]);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[1]).toBe('session deploy-smoke-test');
  });

  it('a bad config is exit 2 with one line naming the file, the path and what was expected', async () => {
    const run = await runCliAsync(['trace', 'tr-eaad7e61ac6baaa620d497e41960925c', SAMPLES, '--config', ws.path('bad.json')]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`tracetriage: config ${ws.path('bad.json')}: $.carriers[0].input: expected an array of non-empty strings (keys), found string "app.request"\n`);
  });
});
