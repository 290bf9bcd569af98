import type { ReportTurn, TurnStatus } from '../../../engine/report/data.js';
import type { Evidence, Finding } from '../../../engine/analyze/findings.js';
import type { ErrorSpanDigest, ScorerErrorDigest, VerdictDigest } from '../../../model/digest-types.js';
import type { Severity } from '../../../rules/api.js';
import { excerpt } from '../../../shared/text.js';
import { mdCode, mdInline } from '../../../shared/escape/markdown.js';
import { polarityNote } from '../../shared/polarity-note.js';

// The wording the Markdown report shares between sessions, turns and the loose findings: one
// line per finding, evidence, verdict, scorer error and error span. Trace text goes through the
// escapers of src/shared/escape/markdown.ts; our own words do not need to.

/** How long the texts of a rendering may be: cut further when the report is over its budget. */
export interface Lengths {
  /** User texts, answers and tool-call arguments (code points). */
  textChars: number;
  /** Rationales, exception and scorer messages, finding messages, evidence labels (code points). */
  noteChars: number;
}

/** Evidence lines listed per finding (`analyze --format json` lists all). */
export const SHOWN_EVIDENCE = 8;

const SEVERITY: Record<Severity, string> = { error: '**error**', warn: 'warn', info: 'info' };

/** How a turn's status reads in a heading or a table. */
export const STATUS: Record<TurnStatus, string> = {
  'root-cause': '**root cause**',
  inherited: 'inherited the failure',
  failed: 'failed',
  passed: 'passed',
};

/** The finding every session story starts from: where the conversation went wrong. */
export function isRootCause(f: Finding): boolean {
  return f.role === 'rootCause';
}

/** `turn 3`, `turns 3 and 4`, `turns 3, 4 and 5`. */
export function turnsWords(turns: readonly number[]): string {
  if (turns.length === 1) return `turn ${turns[0]}`;
  // A long session may name hundreds of turns: the first few, then how many more (the
  // reproduce commands list them all), so a line stays short whatever the input.
  if (turns.length > LISTED_TURNS) return `turns ${turns.slice(0, LISTED_TURNS).join(', ')} and ${turns.length - LISTED_TURNS} more`;
  return `turns ${turns.slice(0, -1).join(', ')} and ${turns[turns.length - 1]}`;
}

/** Turn numbers a list of turns names at most before "and N more". */
export const LISTED_TURNS = 10;

/**
 * A finding as a list item (lines; continuation lines indented under it): severity, rule and
 * message, where it is (`where` words, already Markdown), its evidence (at most
 * {@link SHOWN_EVIDENCE}) and, with `suggest`, its suggestion.
 */
export function findingItem(f: Finding, where: string, suggest: boolean, lengths: Lengths): string[] {
  const head = `- ${SEVERITY[f.severity]} · ${mdCode(`${f.ruleId}/${f.messageId}`)}${where === '' ? '' : ` · ${where}`}: ${note(f.message, lengths)}`;
  const out = [head];
  for (const e of f.evidence.slice(0, SHOWN_EVIDENCE)) out.push(`  - ${evidenceWords(e, lengths)}`);
  if (f.evidence.length > SHOWN_EVIDENCE) out.push(`  - … ${f.evidence.length - SHOWN_EVIDENCE} more (\`analyze --format json\` lists all)`);
  if (suggest && f.suggestion !== null) out.push(`  - Suggestion: ${note(f.suggestion, lengths)}`);
  return out;
}

/**
 * True the first time a finding's suggestion comes up in `said` (and remembers it): the same
 * advice under every turn is noise, so it is said once.
 */
export function firstSaid(f: Finding, said: Set<string>): boolean {
  if (f.suggestion === null || said.has(f.suggestion)) return false;
  said.add(f.suggestion);
  return true;
}

/** `turn 4 · span `e211…` · `$.data.spans[2]`: label`. */
export function evidenceWords(e: Evidence, lengths: Lengths): string {
  const where = [e.turn === null ? null : `turn ${e.turn}`, e.spanId === null ? null : `span ${mdCode(e.spanId)}`, e.path === null ? null : mdCode(e.path)];
  const at = where.filter((w): w is string => w !== null).join(' · ');
  return `${at === '' ? '' : `${at}: `}${note(e.label, lengths)}`;
}

/** A verdict as a list item: polarity, name = value, source, whether it counts, rationale. */
export function verdictItem(v: VerdictDigest, lengths: Lengths, loggedOn: number | null = null): string {
  const mark = v.effective && v.polarity === 'fail' ? '**fail**' : v.polarity;
  const notes = [`${mdInline(v.sourceType)}${v.sourceId === null ? '' : ` ${mdInline(v.sourceId)}`}`];
  if (loggedOn !== null) notes.push(`logged on turn ${loggedOn}`);
  if (v.level === 'session' && v.levelBasis === 'scorer-name') notes.push('session-level by its scorer name');
  if (v.spanId !== null) notes.push(`on span ${mdCode(v.spanId)}`);
  const inferred = polarityNote(v.polarityBasis);
  if (inferred !== null) notes.push(inferred);
  if (v.ineffective === 'superseded') notes.push('superseded: does not count');
  // `assessment 3`, not `#3`: GitHub would link `#3` to an issue.
  if (v.ineffective === 'human-disagrees') notes.push(`outvoted by HUMAN assessment ${v.overriddenByHuman ?? '?'}: does not count`);
  const rationale = v.rationale === null || v.rationale === '' ? '' : `: ${note(v.rationale, lengths)}`;
  return `- ${mark} ${mdCode(v.name)} = ${mdCode(excerpt(v.value, lengths.noteChars))} (${notes.join(', ')})${rationale}`;
}

/** A scorer error as a list item: the judge failed, which says nothing about the app. */
export function scorerErrorItem(e: ScorerErrorDigest, lengths: Lengths, loggedOn: number | null = null): string {
  const what = [e.code, e.message].filter((x): x is string => x !== null && x !== '').join(': ');
  const notes = [loggedOn === null ? '' : `logged on turn ${loggedOn}`, e.levelBasis === 'scorer-name' ? 'session-level by its scorer name' : '', e.superseded ? 'superseded' : '']
    .filter((n) => n !== '')
    .join(', ');
  return `- ${mdCode(e.name)}: ${what === '' ? 'failed' : note(what, lengths)}${notes === '' ? '' : ` (${notes})`}`;
}

/** An error span as a list item: name, span id, its exception (or status message). */
export function errorSpanItem(e: ErrorSpanDigest, lengths: Lengths): string {
  const what = e.exception ? [e.exception.type, e.exception.message].filter((x): x is string => x !== null && x !== '').join(': ') : e.statusMessage;
  const recovered = e.recovered ? ' (recovered: a later attempt succeeded)' : '';
  return `- ${mdCode(e.name || '(unnamed)')} (span ${mdCode(e.spanId || '?')}): ${what === '' ? 'no message' : note(what, lengths)}${recovered}`;
}

/** Where the turn's input and output were read from, in words (Markdown). */
export function ioWords(io: ReportTurn['io']): string {
  const span = mdCode(io.name ?? '(unnamed)');
  const below = io.wrapperChain.length > 0 ? ` below ${io.wrapperChain.map((w) => mdCode(w)).join(' › ')}` : '';
  switch (io.selection) {
    case 'none':
      return 'no input or output found in any span or preview';
    case 'preview':
      return "MLflow's truncated previews (no span has input or output)";
    case 'failed':
      return `span ${span}${below}, which ended in error`;
    case 'partial':
      return `span ${span}${below} (no span has both input and output)`;
    default:
      return `span ${span}${below}`;
  }
}

/** A rationale, message or label: cut to the note length, then escaped. */
export function note(text: string, lengths: Lengths): string {
  return mdInline(excerpt(text, lengths.noteChars));
}
