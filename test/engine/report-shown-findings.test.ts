import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRules } from '../../src/engine/analyze/rule-set.js';
import { DEFAULT_MAX_BYTES, OTHER_SESSIONS_KEPT, OUTSIDE_KEPT, type ReportData } from '../../src/engine/report/data.js';
import { reportInputs, type ReportOptions } from '../../src/engine/report/report.js';
import { MAX_LOOSE_FINDINGS, MAX_OTHER_SESSIONS_LISTED } from '../../src/report/ticket/html/report.js';
import { TICKET_FORMATS } from '../../src/report/ticket/formats.js';

// `report` on the CLI keeps only the findings its formats can show (`findings: 'shown'`): the
// Markdown and the HTML must be byte for byte what every finding gives, on a dump with more
// sessions with findings than the report lists, and more findings about traces without a session
// than the HTML page lists (about 240 at 16 MB).

let dir = '';
let file = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracetriage-report-shown-'));
  file = join(dir, 'chat.jsonl');
  execFileSync(process.execPath, ['bench/gen-chat.mjs', '--out', file, '--bytes', '16e6'], { stdio: 'ignore' });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function options(findings: 'all' | 'shown'): ReportOptions {
  const { rules, severityOverride } = selectRules({}, []);
  return { rules, severityOverride, filter: null, maxSessions: 3, config: null, rejected: () => 0, findings };
}

function render(data: ReportData, format: 'markdown' | 'html'): string {
  return [...TICKET_FORMATS[format](data, { maxBytes: DEFAULT_MAX_BYTES })].join('');
}

describe("report's findings: only those shown", () => {
  it('keeps at least the other sessions, and the findings outside them, the HTML page lists', () => {
    expect(OTHER_SESSIONS_KEPT).toBeGreaterThanOrEqual(MAX_OTHER_SESSIONS_LISTED);
    expect(OUTSIDE_KEPT).toBeGreaterThanOrEqual(MAX_LOOSE_FINDINGS);
  });

  it('gives the same Markdown and HTML as every finding, and leaves findings out', async () => {
    const all = await reportInputs([file], options('all'));
    const shown = await reportInputs([file], options('shown'));
    expect(all.unlistedFindings).toBeUndefined();
    expect(shown.unlistedFindings!.sessions).toBeGreaterThan(0);
    expect(shown.unlistedOutside!.traces).toBeGreaterThan(0);
    expect(shown.findings.filter((f) => f.sessionId === null && f.traceId !== null)).toHaveLength(OUTSIDE_KEPT);
    expect(shown.findings.length + shown.unlistedFindings!.findings + shown.unlistedOutside!.traces + shown.unlistedOutside!.dump).toBe(all.findings.length);
    expect(shown.summary).toEqual(all.summary);
    expect(shown.sessions).toEqual(all.sessions);
    expect([...shown.otherSessions]).toEqual([...all.otherSessions]);
    expect(render(shown, 'markdown')).toBe(render(all, 'markdown'));
    const html = render(shown, 'html');
    expect(html).toBe(render(all, 'html'));
    expect(html).toContain('more session');
  });
});
