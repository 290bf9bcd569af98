import { describe, expect, it } from 'vitest';
import { ANALYZE_FORMAT_NAMES, ANALYZE_FORMATS } from '../../src/report/analyze/formats.js';
import { formatNames } from '../../src/report/format.js';
import { RULES_FORMAT_NAMES, RULES_FORMATS } from '../../src/report/rules/formats.js';
import { SEARCH_FORMAT_NAMES } from '../../src/report/search/formats.js';
import { SESSION_FORMAT_NAMES } from '../../src/report/session/formats.js';
import { SESSIONS_FORMAT_NAMES } from '../../src/report/sessions/formats.js';
import { STATS_FORMAT_NAMES } from '../../src/report/stats/formats.js';
import { TICKET_FORMAT_NAMES, TICKET_FORMATS } from '../../src/report/ticket/formats.js';
import { TRACE_FORMAT_NAMES } from '../../src/report/trace/formats.js';
import { VALIDATE_FORMAT_NAMES } from '../../src/report/validate/formats.js';
import { ruleRows } from '../../src/engine/analyze/rule-set.js';
import { runCli } from '../helpers/make-inputs.js';

/** The choices yargs lists for `option` in `tracetriage <command> --help`. */
function helpChoices(command: string, option: string): string[] {
  const { stdout, status } = runCli([command, '--help']);
  expect(status).toBe(0);
  const flat = stdout.replace(/\s+/g, ' ');
  const at = flat.indexOf(`--${option}`);
  expect(at).toBeGreaterThanOrEqual(0);
  const choices = /\[choices: ([^\]]+)\]/.exec(flat.slice(at));
  expect(choices).not.toBeNull();
  return [...choices![1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
}

describe('one registry per view, shared by the CLI', () => {
  it.each([
    ['analyze', 'format', ANALYZE_FORMAT_NAMES],
    ['sessions', 'format', SESSIONS_FORMAT_NAMES],
    ['session', 'format', SESSION_FORMAT_NAMES],
    ['trace', 'format', TRACE_FORMAT_NAMES],
    ['search', 'output', SEARCH_FORMAT_NAMES],
    ['stats', 'format', STATS_FORMAT_NAMES],
    ['validate', 'format', VALIDATE_FORMAT_NAMES],
    ['rules', 'format', RULES_FORMAT_NAMES],
    ['report', 'format', [...TICKET_FORMAT_NAMES]],
  ] as const)("%s --%s offers exactly the registry's formats", (command, option, names) => {
    expect(helpChoices(command, option)).toEqual([...names]);
  });

  it("lists a registry's formats in declaration order", () => {
    expect(formatNames(ANALYZE_FORMATS)).toEqual(['text', 'json', 'junit', 'sarif', 'parquet']);
    // The report's names live apart from its registry (loaded only when a report is made): they agree.
    expect(formatNames(TICKET_FORMATS)).toEqual([...TICKET_FORMAT_NAMES]);
  });

  it("gives each format of a view as text chunks, the same view in, the CLI's output out", () => {
    const rows = ruleRows({});
    const json = [...RULES_FORMATS.json(rows, {})].join('');
    const parsed = JSON.parse(json) as { rules: Array<{ id: string; configured_severity: unknown }> };
    expect(parsed.rules.map((r) => r.id)).toEqual(rows.map((r) => r.meta.id));
    expect(ruleRows({ 'turn-gap': { severity: 'off' } }).find((r) => r.meta.id === 'turn-gap')?.configured).toBe('off');
    expect([...RULES_FORMATS.text(rows, {})].join('')).toBe(runCli(['rules']).stdout);
    expect(json).toBe(runCli(['rules', '--format', 'json']).stdout);
  });
});
