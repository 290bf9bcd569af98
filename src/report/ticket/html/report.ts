import type { Finding } from '../../../engine/analyze/findings.js';
import { guardSession, type SessionGuard } from '../session-guard.js';
import type { ReportData, ReportSession, SessionLine } from '../../../engine/report/data.js';
import { reproduceCommands } from '../commands.js';
import { reportPolicy } from './csp.js';
import { esc } from '../../../shared/escape/html.js';
import { findingList, type PageLinks } from './findings.js';
import { REPORT_SCRIPT } from './script.js';
import { sessionSection, turnAnchor } from './session.js';
import { REPORT_CSS } from './style.js';
import { plural } from '../../../shared/plural.js';
import { SEVERITIES } from '../../../shared/severity.js';

// The HTML ticket report: one self-contained file that opens from file:// with no network. The
// page is built from our own markup, and trace text enters it only through `esc` (src/shared/
// escape/html.ts); the CSS and the script are constants allowed by their hashes in the page's
// Content-Security-Policy, so nothing a trace says can become a style or a script.

/**
 * Sessions not shown in detail whose findings are still listed, and findings listed per section
 * outside sessions. The page must open quickly on a big dump: on the 1 GB bench export (3 362
 * sessions, 14 243 findings) listing every finding made an 18.6 MB page; past these bounds the
 * page says how many were left out and which command lists them.
 */
export const MAX_OTHER_SESSIONS_LISTED = 50;
/** At most what the data keeps of each kind when it leaves some out (`OUTSIDE_KEPT`). */
export const MAX_LOOSE_FINDINGS = 200;

/**
 * The report as one HTML document: title and summary (with the command for every finding),
 * controls (severity filter, expand/collapse all; shown by the script), the overview of every
 * session, each detailed session (strip of turns, root cause, assessments, turns with span
 * waterfalls), then the findings of sessions not shown in detail, of traces without a session,
 * and about the dump. Deterministic: the same data gives the same bytes.
 */
export function reportHtml(data: ReportData, guard?: SessionGuard): string {
  const commands = reproduceCommands(data.inputs);
  const anchors = new Map(data.sessions.map((s, i) => [s.id, { anchor: `s${i + 1}`, turns: new Set(s.turnList.map((t) => t.number)) }]));
  const byTrace = new Map(data.sessions.flatMap((s) => s.turnList.map((t) => [t.traceId, turnAnchor(anchors.get(s.id)!.anchor, t.number)] as const)));
  const links: PageLinks = {
    turn(sessionId, turn) {
      const at = sessionId === null ? undefined : anchors.get(sessionId);
      return at === undefined || turn === null || !at.turns.has(turn) ? null : turnAnchor(at.anchor, turn);
    },
    trace: (traceId) => (traceId === null ? null : (byTrace.get(traceId) ?? null)),
  };
  const bySession = new Map<string, Finding[]>();
  for (const f of data.findings) {
    if (f.sessionId === null) continue;
    const list = bySession.get(f.sessionId);
    if (list) list.push(f);
    else bySession.set(f.sessionId, [f]);
  }
  const said = new Set<string>();

  const body = [
    '<header>',
    '<h1>tracetriage report</h1>',
    summary(data),
    `<p class="cmd">Every finding in a terminal: <code>${esc(commands.analyze)}</code></p>`,
    '</header>',
    controls(data),
    overview(data, anchors, links),
  ];
  const told = new Set<string>();
  data.sessions.forEach((s) => {
    const anchor = anchors.get(s.id)!.anchor;
    body.push(
      guardSession(
        s,
        guard,
        told,
        () => sessionSection(s, { anchor, commands, findings: bySession.get(s.id) ?? [], links, said }),
        (message) =>
          `<section id="${anchor}"><h2>Session <code>${esc(s.id)}</code></h2><p class="muted">${esc(message)}; <code>${esc(commands.session(s.id))}</code> shows it in a terminal.</p></section>`,
      ),
    );
  });

  const others = [...bySession.keys()].filter((id) => !anchors.has(id));
  // The findings of other sessions the data left out (`unlistedFindings`) are counted, not listed.
  const unlisted = data.unlistedFindings ?? { sessions: 0, findings: 0 };
  const otherCount = others.length + unlisted.sessions;
  if (otherCount > 0) {
    body.push('<section id="other-sessions" aria-labelledby="other-sessions-h">', '<h2 id="other-sessions-h">Findings in sessions not shown in detail</h2>');
    for (const id of others.slice(0, MAX_OTHER_SESSIONS_LISTED)) {
      body.push(`<h3>Session <code>${esc(id)}</code></h3>`, `<p class="cmd">In detail: <code>${esc(commands.report(id, 'html'))}</code></p>`);
      body.push(findingList(bySession.get(id)!, links, { evidence: 'folded', said, inTurn: false }));
    }
    if (otherCount > MAX_OTHER_SESSIONS_LISTED) {
      const left = others.slice(MAX_OTHER_SESSIONS_LISTED).reduce((n, id) => n + bySession.get(id)!.length, unlisted.findings);
      body.push(
        `<p class="muted">${plural(left, 'finding')} in ${plural(otherCount - MAX_OTHER_SESSIONS_LISTED, 'more session')} not listed here: <code>${esc(commands.analyze)}</code> lists every finding.</p>`,
      );
    }
    body.push('</section>');
  }
  const loose = data.findings.filter((f) => f.sessionId === null && f.traceId !== null);
  const outside = data.unlistedOutside ?? { traces: 0, dump: 0 };
  if (loose.length + outside.traces > 0) body.push(looseSection('traces-without-session', 'Traces without a session', loose, outside.traces, links, said, commands.analyze));
  const dump = data.findings.filter((f) => f.sessionId === null && f.traceId === null);
  if (dump.length + outside.dump > 0) body.push(looseSection('dump', 'About the dump as a whole', dump, outside.dump, links, said, commands.analyze));
  body.push('<footer><p class="muted">Made by <code>tracetriage report --format html</code>. Offline: this page loads nothing.</p></footer>');

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${reportPolicy(REPORT_CSS, REPORT_SCRIPT)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>tracetriage report: ${plural(data.summary.sessions, 'session')}, ${plural(data.summary.rootCauses, 'root cause')}, ${plural(data.summary.findings, 'finding')}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    ...body,
    `<script>${REPORT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function summary(data: ReportData): string {
  const s = data.summary;
  const bySeverity = SEVERITIES.map((k) => `${s.bySeverity[k]} ${k}`).join(', ');
  const lines = [
    `Read <strong>${plural(s.traces, 'trace')}</strong>: <strong>${plural(s.sessions, 'session')}</strong> with <strong>${plural(s.turns, 'turn')}</strong>, and ${plural(s.tracesWithoutSession, 'trace')} without a session, ${s.tracesWithoutSession === 1 ? '' : 'each '}analysed as a one-turn conversation${s.failedWithoutSession > 0 ? ` (<strong>${s.failedWithoutSession} failed</strong>)` : ''}.`,
    `Found <strong>${plural(s.rootCauses, 'root cause')}</strong> and <strong>${plural(s.findings, 'finding')}</strong> (${bySeverity}), with ${plural(s.rules.length, 'rule')}; config ${s.config === null ? 'none' : `<code>${esc(s.config)}</code>`}.`,
    `Left out: ${plural(s.rejected, 'record')} that could not be read, ${plural(s.duplicates, 'copy', 'copies')} of traces already read${s.outsideSelection > 0 ? `, ${plural(s.outsideSelection, 'trace')} of other sessions` : ''}.`,
  ];
  if (data.sessionFilter.length > 0) lines.push(`Only ${data.sessionFilter.length === 1 ? 'session' : 'sessions'} ${data.sessionFilter.map((id) => `<code>${esc(id)}</code>`).join(', ')}.`);
  return `<p class="summary">${lines.join('\n')}</p>`;
}

function controls(data: ReportData): string {
  const boxes = SEVERITIES.map((k) => `<label class="sev-${k}"><input type="checkbox" data-filter-severity value="${k}" checked> ${k} (${data.summary.bySeverity[k]})</label>`).join('\n');
  return [
    '<nav id="controls" class="controls" aria-label="Page controls" hidden>',
    `<fieldset><legend>Findings</legend>\n${boxes}\n</fieldset>`,
    '<span id="filter-note" class="muted" role="status"></span>',
    '<span><button type="button" data-details="open">Expand all</button> <button type="button" data-details="close">Collapse all</button></span>',
    '</nav>',
  ].join('\n');
}

function overview(data: ReportData, anchors: ReadonlyMap<string, { anchor: string }>, links: PageLinks): string {
  const row = (s: SessionLine | ReportSession): string => {
    const at = anchors.get(s.id);
    const name = at === undefined ? `<code>${esc(s.id)}</code> <span class="muted">(not in detail)</span>` : `<a href="#${at.anchor}"><code>${esc(s.id)}</code></a>`;
    const roots = s.rootCauseTurns.map((t) => {
      const anchor = links.turn(s.id, t);
      return anchor === null ? String(t) : `<a href="#${anchor}">${t}</a>`;
    });
    const worst = s.worst === null ? '-' : `<span class="sev-${s.worst}">${s.worst}</span>`;
    const cells = [name, s.user === null ? '-' : esc(s.user), num(s.turns), num(s.findings), worst, roots.length === 0 ? '-' : roots.join(', '), num(s.failedTurns)];
    return `<tr>${cells.map((c) => (c.startsWith('<td') ? c : `<td>${c}</td>`)).join('')}</tr>`;
  };
  const all = [...data.sessions, ...data.otherSessions];
  const out = ['<section id="overview" aria-labelledby="overview-h">', '<h2 id="overview-h">Sessions</h2>'];
  if (all.length === 0) out.push('<p class="muted">No sessions.</p>');
  else {
    out.push(
      '<table>',
      '<thead><tr><th scope="col">session</th><th scope="col">user</th><th scope="col">turns</th><th scope="col">findings</th><th scope="col">worst</th><th scope="col">root-cause turns</th><th scope="col">failed turns</th></tr></thead>',
    );
    out.push('<tbody>', ...all.map(row), '</tbody>', '</table>');
  }
  if (data.otherSessions.length > 0)
    out.push(`<p class="muted">${plural(data.otherSessions.length, 'session')} not shown turn by turn: <code>--session &lt;id&gt;</code> or <code>--max-sessions</code> shows them.</p>`);
  out.push('</section>');
  return out.join('\n');
}

/** A section of findings outside the sessions: `findings` (the first listed), and `unlisted` more the data left out. */
function looseSection(id: string, title: string, findings: readonly Finding[], unlisted: number, links: PageLinks, said: Set<string>, analyze: string): string {
  const shown = findings.slice(0, MAX_LOOSE_FINDINGS);
  const total = findings.length + unlisted;
  const out = [`<section id="${id}" aria-labelledby="${id}-h">`, `<h2 id="${id}-h">${title} (${total})</h2>`, findingList(shown, links, { evidence: 'folded', said, inTurn: false })];
  if (total > shown.length) out.push(`<p class="muted">${plural(total - shown.length, 'more finding')} not listed here: <code>${esc(analyze)}</code> lists every finding.</p>`);
  out.push('</section>');
  return out.join('\n');
}

function num(n: number): string {
  return `<td class="num">${n}</td>`;
}
