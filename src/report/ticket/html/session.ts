import type { Finding } from '../../../engine/analyze/findings.js';
import type { ReportSession } from '../../../engine/report/data.js';
import type { ReproduceCommands } from '../commands.js';
import { duration, utcTime } from '../../../shared/time.js';
import { esc } from '../../../shared/escape/html.js';
import { cut } from '../../../shared/text.js';
import { findingList, isRootCause, turnLink, type PageLinks } from './findings.js';
import { scorerErrorHtml, STATUS, turnSection, verdictHtml } from './turn.js';
import { plural } from '../../../shared/plural.js';

/** What a session section needs besides the session. */
export interface SessionContext {
  /** The session's id on the page (`s1`); its turns are `s1-t<n>`. */
  anchor: string;
  commands: ReproduceCommands;
  /** Findings about this session or its turns, in the engine's order. */
  findings: readonly Finding[];
  links: PageLinks;
  said: Set<string>;
}

/** The id of turn `n` of the session whose id is `anchor`. */
export function turnAnchor(anchor: string, n: number): string {
  return `${anchor}-t${n}`;
}

/**
 * One session in detail: its header and the commands that reproduce it, the strip of turns,
 * the root-cause box (highlighted, with its evidence), session-level assessments, findings about
 * the session as a whole, then each turn.
 */
export function sessionSection(s: ReportSession, ctx: SessionContext): string {
  const id = ctx.anchor;
  const out = [
    `<section class="session" id="${id}" tabindex="-1" aria-labelledby="${id}-h">`,
    `<h2 id="${id}-h">Session <code>${esc(s.id)}</code></h2>`,
    `<p class="meta">${sessionMeta(s)}</p>`,
    '<p class="cmd">Reproduce:</p>',
    `<pre><code>${[ctx.commands.session(s.id), ctx.commands.analyzeSession(s.id), ctx.commands.report(s.id, 'html')].map(esc).join('\n')}</code></pre>`,
    strip(s, id),
  ];
  const roots = ctx.findings.filter(isRootCause);
  roots.forEach((f, i) => {
    const turn = f.turn === null ? '' : ` at ${turnLink(turnAnchor(id, f.turn), f.turn)}`;
    out.push(`<div class="box root-cause" id="${id}-root${i + 1}">`, `<h3>Root cause${turn}</h3>`);
    out.push(findingList([f], ctx.links, { evidence: 'open', said: ctx.said, inTurn: false }), '</div>');
  });
  out.push(...sessionAssessments(s, id));
  const aboutSession = ctx.findings.filter((f) => f.turn === null);
  if (aboutSession.length > 0) {
    out.push(`<h3>Findings about the session (${aboutSession.length})</h3>`);
    out.push(findingList(aboutSession, ctx.links, { evidence: 'folded', said: ctx.said, inTurn: false }));
  }
  // The findings of each turn, grouped in one pass (in the engine's order), not filtered per turn.
  const byTurn = new Map<number, Finding[]>();
  for (const f of ctx.findings) {
    if (f.turn === null) continue;
    const list = byTurn.get(f.turn);
    if (list === undefined) byTurn.set(f.turn, [f]);
    else list.push(f);
  }
  for (const turn of s.turnList) {
    out.push(
      turnSection(turn, {
        anchor: turnAnchor(id, turn.number),
        traceCommand: ctx.commands.trace(turn.traceId),
        findings: byTurn.get(turn.number) ?? [],
        links: ctx.links,
        said: ctx.said,
      }),
    );
  }
  out.push('</section>');
  return out.join('\n');
}

function sessionMeta(s: ReportSession): string {
  const parts = [`user ${s.user === null ? '-' : `<code>${esc(s.user)}</code>`}`, plural(s.turns, 'turn')];
  if (s.experiments.length > 0) parts.unshift(`experiment${s.experiments.length === 1 ? '' : 's'} ${s.experiments.map((e) => `<code>${esc(e)}</code>`).join(', ')}`);
  if (s.firstTimeMs !== null) parts.push(`from ${utcTime(s.firstTimeMs)}${s.durationMs === null ? '' : ` for ${duration(s.durationMs)}`}`);
  parts.push(`${plural(s.findings, 'finding')}${s.worst === null ? '' : `, worst <span class="sev-${s.worst}">${s.worst}</span>`}`);
  parts.push(plural(s.failedTurns, 'failed turn'));
  return parts.join(' · ');
}

/**
 * One box per turn, each a link to the turn, coloured and marked by status, named in full for
 * assistive technology and in the tooltip (with why the turn failed). Plain links: the page
 * scrolls to the turn without the script; the script adds the highlight.
 */
function strip(s: ReportSession, id: string): string {
  const boxes = s.turnList.map((t) => {
    const status = STATUS[t.status];
    const name = `Turn ${t.number}: ${status.label}`;
    const title = t.failure === null ? name : `${name}: ${cut(t.failure, 200)}`;
    return `<li><a class="st-${t.status}" href="#${turnAnchor(id, t.number)}" title="${esc(title)}" aria-label="${esc(name)}">${t.number}<span class="glyph" aria-hidden="true">${status.glyph}</span></a></li>`;
  });
  const legend = (['passed', 'failed', 'root-cause', 'inherited'] as const).map((k) => `<span class="st-${k}">${STATUS[k].glyph} ${STATUS[k].label}</span>`).join('');
  return [`<nav class="strip" aria-label="Turns of session ${esc(s.id)}">`, `<ol>\n${boxes.join('\n')}\n</ol>`, `<p class="legend">${legend}</p>`, '</nav>'].join('\n');
}

function sessionAssessments(s: ReportSession, id: string): string[] {
  const out = ['<h3>Session-level assessments</h3>'];
  const logged = (turn: number): string => ` <span class="muted">(logged on ${turnLink(turnAnchor(id, turn), turn)})</span>`;
  if (s.sessionVerdicts.length === 0) out.push('<p class="muted">None.</p>');
  else out.push(`<ul class="plain">\n${s.sessionVerdicts.map((v) => `<li>${verdictHtml(v.verdict, logged(v.turn))}</li>`).join('\n')}\n</ul>`);
  if (s.sessionScorerErrors.length > 0) {
    out.push('<h4>Session-level scorer errors <span class="muted">(a judge that failed, not the session)</span></h4>');
    out.push(`<ul class="plain">\n${s.sessionScorerErrors.map((e) => `<li>${scorerErrorHtml(e.error, logged(e.turn))}</li>`).join('\n')}\n</ul>`);
  }
  return out;
}
