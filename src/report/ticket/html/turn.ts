import type { ErrorSpanDigest, ScorerErrorDigest, VerdictDigest } from '../../../model/digest-types.js';
import type { Finding } from '../../../engine/analyze/findings.js';
import type { ReportTurn, TurnStatus } from '../../../engine/report/data.js';
import { duration, utcTime } from '../../../shared/time.js';
import { esc, htmlLines } from '../../../shared/escape/html.js';
import { polarityNote } from '../../shared/polarity-note.js';
import { findingList, type FindingShape, type PageLinks } from './findings.js';
import { waterfallSvg } from './waterfall.js';
import { plural } from '../../../shared/plural.js';

/** How each status reads: in words, and as a glyph beside the colour (colour alone is not enough). */
export const STATUS: Record<TurnStatus, { label: string; glyph: string }> = {
  'root-cause': { label: 'root cause', glyph: '◆' },
  inherited: { label: 'inherited', glyph: '↳' },
  failed: { label: 'failed', glyph: '✗' },
  passed: { label: 'passed', glyph: '✓' },
};

/** What a turn section needs besides the turn. */
export interface TurnContext {
  /** The turn's id on the page (`s1-t3`). */
  anchor: string;
  /** The command that shows this trace span by span. */
  traceCommand: string;
  /** Findings about this turn, in the engine's order. */
  findings: readonly Finding[];
  links: PageLinks;
  said: Set<string>;
}

/**
 * One turn: status, time, why it failed, what the user said and the app answered (bounded
 * excerpts in `<details>`, open, so the page reads without the script), tool calls, where the
 * I/O came from, verdicts with rationale, scorer errors (the judge's failures, not the app's),
 * error spans with their exception messages, the span waterfall, and the findings on the turn.
 */
export function turnSection(turn: ReportTurn, ctx: TurnContext): string {
  const status = STATUS[turn.status];
  const id = ctx.anchor;
  const out = [
    `<section class="turn st-${turn.status}" id="${id}" tabindex="-1" aria-labelledby="${id}-h">`,
    `<h3 id="${id}-h">Turn ${turn.number} <span class="badge st-${turn.status}">${status.glyph} ${status.label}</span></h3>`,
    `<p class="meta">${meta(turn)}</p>`,
  ];
  if (turn.failure !== null) out.push(`<p class="failure">Why it failed: ${esc(turn.failure)}</p>`);
  out.push(`<p class="cmd">Span by span: <code>${esc(ctx.traceCommand)}</code></p>`);
  if (!turn.detailed) {
    // A long session: this turn keeps its place, status and findings, not its texts and spans.
    out.push(
      '<p class="muted">Details left out: in a session this long the report details a bounded number of turns (those that did not pass first, then from the start); the command above shows this one.</p>',
    );
    out.push(...findingsOnTurn(ctx), '</section>');
    return out.join('\n');
  }
  const answer = turn.answerText !== '' ? turn.answerText : turn.toolCalls.length > 0 ? '(no text: the output asks for tool calls)' : '(no answer)';
  out.push(textBlock('User said', turn.userText !== '' ? turn.userText : '(no user message found)'));
  out.push(textBlock('App answered', answer));
  if (turn.textsCut) out.push(`<p class="muted">Texts cut to an excerpt; the command above shows them whole.</p>`);
  if (turn.toolCalls.length > 0) {
    const calls = turn.toolCalls.map((c) => `<li><code>${esc(c.name)}(${esc(c.arguments)})</code></li>`).join('\n');
    out.push(`<details><summary>Tool calls (${turn.toolCalls.length})</summary>\n<ul class="plain">\n${calls}\n</ul>\n</details>`);
  }
  out.push(`<p class="meta">${ioWords(turn)}</p>`);
  if (turn.verdicts.length > 0) out.push('<h4>Assessments</h4>', `<ul class="plain">\n${turn.verdicts.map((v) => `<li>${verdictHtml(v)}</li>`).join('\n')}\n</ul>`);
  if (turn.scorerErrors.length > 0) {
    out.push('<h4>Scorer errors <span class="muted">(a judge that failed, not the turn)</span></h4>');
    out.push(`<ul class="plain">\n${turn.scorerErrors.map((e) => `<li>${scorerErrorHtml(e)}</li>`).join('\n')}\n</ul>`);
  }
  if (turn.assessmentsOmitted > 0) {
    const n = turn.assessmentsOmitted;
    out.push(`<p class="muted">… and ${plural(n, 'more assessment')} not listed: <code>tracetriage trace</code> shows them all.</p>`);
  }
  if (turn.errors.length > 0) {
    const more = turn.errorSpanCount > turn.errors.length ? `<li class="muted">… ${turn.errorSpanCount - turn.errors.length} more</li>` : '';
    out.push(`<h4>Error spans (${turn.errorSpanCount})</h4>`);
    out.push(`<ul class="plain">\n${turn.errors.map((e) => `<li>${errorSpanHtml(e)}</li>`).join('\n')}${more}\n</ul>`);
  }
  const open = turn.status === 'passed' ? '' : ' open';
  const spans = turn.waterfall.spans.length + turn.waterfall.omitted;
  out.push(`<details class="waterfall"${open}><summary>Span waterfall (${plural(spans, 'span')})</summary>`);
  out.push(waterfallSvg(turn.waterfall, `Spans of turn ${turn.number}`), '</details>');
  out.push(...findingsOnTurn(ctx), '</section>');
  return out.join('\n');
}

function findingsOnTurn(ctx: TurnContext): string[] {
  if (ctx.findings.length === 0) return [];
  const shape: FindingShape = { evidence: 'folded', said: ctx.said, inTurn: true };
  return [`<h4>Findings on this turn (${ctx.findings.length})</h4>`, findingList(ctx.findings, ctx.links, shape)];
}

function meta(turn: ReportTurn): string {
  const parts: string[] = [];
  parts.push(turn.timeMs === null ? 'time unknown' : utcTime(turn.timeMs) + (turn.gapMs === null ? '' : ` (+${duration(turn.gapMs)})`));
  if (turn.durationMs !== null) parts.push(`took ${duration(turn.durationMs)}`);
  parts.push(turn.state === 'OK' ? 'state OK' : `<span class="sev-error">state ${esc(turn.state)}</span>`);
  parts.push(`trace <code>${esc(turn.traceId)}</code>`);
  return parts.join(' · ');
}

function textBlock(label: string, text: string): string {
  return `<details class="io" open><summary>${label}</summary>\n<pre>${htmlLines(text)}</pre>\n</details>`;
}

/** How the turn's I/O span was chosen, in words (see src/model/turn-io.ts). */
const SELECTION: Record<ReportTurn['io']['selection'], string> = {
  root: 'the root span',
  descendant: 'below the root',
  failed: 'it ended in error: nothing deeper is taken as the answer',
  partial: 'no span has both input and output',
  preview: "MLflow's truncated previews: no span has input and output",
  none: 'none found in any span or preview',
};

function ioWords(turn: ReportTurn): string {
  const { io } = turn;
  if (io.name === null) return `Input and output: ${SELECTION[io.selection]}.`;
  const wrappers = io.wrapperChain.length === 0 ? '' : `; wrapper spans passed over: ${io.wrapperChain.map((w) => `<code>${esc(w)}</code>`).join(' › ')}`;
  return `Input and output from span <code>${esc(io.name)}</code> (${SELECTION[io.selection]})${wrappers}.`;
}

const MARK: Record<VerdictDigest['polarity'], string> = { pass: 'pass', fail: 'FAIL', unknown: '?' };

/** A verdict: mark, `name = value`, source, whether it counts, and its rationale. */
export function verdictHtml(v: VerdictDigest, where = ''): string {
  const notes = [esc(v.sourceType)];
  if (v.spanId !== null) notes.push(`span <code>${esc(v.spanId)}</code>`);
  const inferred = polarityNote(v.polarityBasis);
  if (inferred !== null) notes.push(inferred);
  if (v.ineffective === 'superseded') notes.push('superseded: does not count');
  if (v.ineffective === 'human-disagrees') notes.push(`outvoted by the HUMAN assessment #${v.overriddenByHuman ?? '?'}: does not count`);
  const cls = v.effective ? `verdict-${v.polarity}` : 'dim';
  const head = `<span class="${cls}">${MARK[v.polarity]}</span> <strong>${esc(v.name)}</strong> = <code>${esc(v.value)}</code> <span class="muted">(${notes.join(', ')})</span>${where}`;
  return v.rationale === null || v.rationale === '' ? head : `${head}<br>\n<span class="muted">rationale:</span> ${esc(v.rationale)}`;
}

/** A scorer that failed, labelled as the judge's failure. */
export function scorerErrorHtml(e: ScorerErrorDigest, where = ''): string {
  const what = [e.code, e.message].filter((x): x is string => x !== null && x !== '').join(': ');
  const notes = e.superseded ? ' <span class="muted">(superseded)</span>' : '';
  return `<span class="judge">judge failed</span> <strong>${esc(e.name)}</strong>: ${esc(what || 'no message')}${notes}${where}`;
}

function errorSpanHtml(e: ErrorSpanDigest): string {
  const what = e.exception ? [e.exception.type, e.exception.message].filter((x): x is string => x !== null && x !== '').join(': ') : e.statusMessage;
  return `<span class="error-span">✗ <code>${esc(e.name)}</code></span> <span class="muted">(depth ${e.depth ?? '?'}, span <code>${esc(e.spanId || '?')}</code>)</span>: ${esc(what || 'no message')}${e.recovered ? ' <span class="muted">(recovered: a later attempt succeeded)</span>' : ''}`;
}
