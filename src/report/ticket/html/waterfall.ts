import type { Waterfall, WaterfallSpan } from '../../../engine/report/data.js';
import { duration } from '../../../shared/time.js';
import { esc } from '../../../shared/escape/html.js';
import { cut } from '../../../shared/text.js';
import { plural } from '../../../shared/plural.js';

// A trace's spans as an inline SVG: one row per span, the name indented by depth on the left,
// the bar placed by start and duration on a 0-based axis, the duration on the right. Geometry
// goes in SVG attributes and colours in classes: a hash-only style-src refuses style="…".

const WIDTH = 1000;
const LABEL_X = 4;
const BAR_X0 = 320;
const BAR_X1 = 900;
const DURATION_X = WIDTH - 4;
const AXIS_H = 20;
const ROW_H = 20;
const BAR_H = 12;
const INDENT = 12;
const MAX_INDENT_DEPTH = 12;
/** Width of an average label character at the waterfall's 12-unit font. */
const CHAR_W = 7;
/** A bar this narrow still shows (a span of 0 ms is a line, not nothing). */
const MIN_BAR = 1.5;

/**
 * The waterfall of one turn's trace as an `<svg>` (plus a note when spans were left out), or a
 * line saying there are no spans. `label` names the trace for assistive technology.
 */
export function waterfallSvg(waterfall: Waterfall, label: string): string {
  const { spans, totalMs, omitted } = waterfall;
  const notShown = omitted > 0 ? `\n<p class="muted">${plural(omitted, 'span')} not shown (a waterfall draws at most ${spans.length}).</p>` : '';
  if (spans.length === 0) return `<p class="muted">No spans to draw.</p>${notShown}`;
  const height = AXIS_H + spans.length * ROW_H + 4;
  const total = totalMs === null ? 'total time unknown' : duration(totalMs);
  const out = [
    `<svg class="wf" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${esc(`${label}: ${plural(spans.length, 'span')}, ${total}`)}">`,
    `<line class="axis" x1="${BAR_X0}" y1="${AXIS_H - 4}" x2="${BAR_X1}" y2="${AXIS_H - 4}"/>`,
    `<text x="${BAR_X0}" y="${AXIS_H - 8}">0</text>`,
    `<text x="${BAR_X1}" y="${AXIS_H - 8}" text-anchor="end">${esc(total)}</text>`,
  ];
  spans.forEach((span, i) => out.push(row(span, i, totalMs)));
  out.push('</svg>');
  return out.join('\n') + notShown;
}

function row(span: WaterfallSpan, i: number, totalMs: number | null): string {
  const top = AXIS_H + i * ROW_H;
  const textY = num(top + ROW_H / 2 + 4);
  const indent = Math.min(span.depth, MAX_INDENT_DEPTH);
  const mark = span.status === 'ERROR' ? '✗ ' : span.turnIo ? '⇄ ' : '';
  const name = cut(mark + span.name, Math.floor((BAR_X0 - 8 - LABEL_X - indent * INDENT) / CHAR_W));
  const geometry = barGeometry(span, totalMs);
  const classes = ['bar', ...(span.status === 'ERROR' ? ['err'] : []), ...(span.turnIo ? ['io'] : []), ...(geometry.known ? [] : ['unknown'])];
  const textClass = span.status === 'ERROR' ? ' class="err"' : '';
  return [
    `<g class="row">`,
    `<title>${esc(tooltip(span))}</title>`,
    `<text x="${LABEL_X + indent * INDENT}" y="${textY}"${textClass}>${esc(name)}</text>`,
    `<rect class="${classes.join(' ')}" x="${num(geometry.x)}" y="${num(top + (ROW_H - BAR_H) / 2)}" width="${num(geometry.width)}" height="${BAR_H}" rx="2"/>`,
    `<text class="dur" x="${DURATION_X}" y="${textY}" text-anchor="end">${esc(geometry.text)}</text>`,
    `</g>`,
  ].join('');
}

/** Where the bar goes: placed by its times when both are known, else dashed to the axis end. */
function barGeometry(span: WaterfallSpan, totalMs: number | null): { x: number; width: number; known: boolean; text: string } {
  const scale = (ms: number): number => (totalMs === null || totalMs <= 0 ? 0 : (ms / totalMs) * (BAR_X1 - BAR_X0));
  if (span.startMs === null) return { x: BAR_X0, width: BAR_X1 - BAR_X0, known: false, text: 'time unknown' };
  const x = BAR_X0 + Math.min(scale(span.startMs), BAR_X1 - BAR_X0 - MIN_BAR);
  if (span.durationMs === null) return { x, width: Math.max(MIN_BAR, BAR_X1 - x), known: false, text: 'unfinished' };
  return { x, width: Math.max(MIN_BAR, Math.min(scale(span.durationMs), BAR_X1 - x)), known: true, text: duration(span.durationMs) };
}

function tooltip(span: WaterfallSpan): string {
  const parts = [span.name, span.type ?? 'no type'];
  parts.push(span.durationMs === null ? (span.startMs === null ? 'time unknown' : 'unfinished') : duration(span.durationMs));
  if (span.startMs !== null) parts.push(`starts at ${duration(span.startMs)}`);
  parts.push(`span ${span.spanId}`);
  if (span.turnIo) parts.push("the turn's input and output");
  if (span.status === 'ERROR') parts.push(`error: ${span.error ?? 'no message'}`);
  return parts.join(' · ');
}

/** A coordinate with at most one decimal: enough for a 1000-unit axis, and the same on every run. */
function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}
