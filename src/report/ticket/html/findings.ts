import type { Evidence, Finding } from '../../../engine/analyze/findings.js';
import { esc } from '../../../shared/escape/html.js';

/** Where the page can link to: the anchor of a turn shown in detail, if it is on the page. */
export interface PageLinks {
  /** `s1-t3` for turn 3 of the first detailed session; null when that turn is not on the page. */
  turn(sessionId: string | null, turn: number | null): string | null;
  /** The anchor of the turn whose trace this is (a dump-level finding's evidence has no session). */
  trace(traceId: string | null): string | null;
}

/** The finding a session's story starts with: where the conversation went wrong. */
export function isRootCause(f: Finding): boolean {
  return f.role === 'rootCause';
}

/** How much of a finding to show where. */
export interface FindingShape {
  /** Evidence open (the root-cause box) or folded in a `<details>` (elsewhere). */
  evidence: 'open' | 'folded';
  /** Suggestions already shown on the page: each is said once, at its first finding. */
  said: Set<string>;
  /** Leave out the link to the finding's own turn (the finding is listed inside that turn). */
  inTurn: boolean;
}

/**
 * One finding as a list item that the severity filter can hide (`data-severity`): its message,
 * where it points (turn link, trace, span, JSONPath, rule), related turns, evidence with links to
 * the turns it names, and the suggestion the first time it is given.
 */
export function findingItem(f: Finding, links: PageLinks, shape: FindingShape): string {
  const own = links.turn(f.sessionId, f.turn);
  const turn = f.turn === null || shape.inTurn ? '' : own !== null ? `${turnLink(own, f.turn)} ` : `<span class="muted">turn ${f.turn}</span> `;
  const out = [
    `<li class="finding sev-${f.severity}" data-severity="${f.severity}">`,
    `<p><span class="badge sev-${f.severity}">${f.severity}</span> ${turn}${esc(f.message)}</p>`,
    `<p class="where">${whereOf(f)}</p>`,
  ];
  if (f.relatedTurns.length > 0) {
    const related = f.relatedTurns.map((t) => {
      const anchor = links.turn(f.sessionId, t);
      return anchor === null ? `turn ${t}` : turnLink(anchor, t);
    });
    out.push(`<p class="where">related turns: ${related.join(', ')}</p>`);
  }
  if (f.evidence.length > 0) {
    const items = `<ul class="evidence">\n${f.evidence.map((e) => `<li>${evidenceItem(e, f.sessionId, links)}</li>`).join('\n')}\n</ul>`;
    out.push(shape.evidence === 'open' ? `<p class="where">evidence:</p>\n${items}` : `<details><summary>Evidence (${f.evidence.length})</summary>\n${items}\n</details>`);
  }
  if (f.suggestion !== null && !shape.said.has(f.suggestion)) {
    shape.said.add(f.suggestion);
    out.push(`<p><strong>Fix:</strong> ${esc(f.suggestion)}</p>`);
  }
  out.push('</li>');
  return out.join('\n');
}

/** A list of findings, or nothing when there are none. */
export function findingList(findings: readonly Finding[], links: PageLinks, shape: FindingShape): string {
  if (findings.length === 0) return '';
  return `<ul class="findings">\n${findings.map((f) => findingItem(f, links, shape)).join('\n')}\n</ul>`;
}

function whereOf(f: Finding): string {
  const parts: string[] = [];
  if (f.sessionId !== null && f.turn === null) parts.push(`session <code>${esc(f.sessionId)}</code>`);
  if (f.traceId !== null) parts.push(`trace <code>${esc(f.traceId)}</code>`);
  if (f.spanId !== null) parts.push(`span <code>${esc(f.spanId)}</code>`);
  if (f.path !== null) parts.push(`<code>${esc(f.path)}</code>`);
  parts.push(`<span class="rule">${esc(`${f.ruleId}/${f.messageId}`)}</span>`);
  return parts.join(' · ');
}

function evidenceItem(e: Evidence, sessionId: string | null, links: PageLinks): string {
  const anchor = links.trace(e.traceId) ?? links.turn(sessionId, e.turn);
  const where: string[] = [];
  if (e.turn !== null) where.push(anchor === null ? `turn ${e.turn}` : turnLink(anchor, e.turn));
  if (e.spanId !== null) where.push(`span <code>${esc(e.spanId)}</code>`);
  if (e.path !== null) where.push(`<code>${esc(e.path)}</code>`);
  return `${esc(e.label)}${where.length === 0 ? '' : ` <span class="where">(${where.join(' · ')})</span>`}`;
}

/** A link to a turn on the page; `anchor` is an id the renderer made, never trace text. */
export function turnLink(anchor: string, turn: number): string {
  return `<a href="#${anchor}">turn ${turn}</a>`;
}
