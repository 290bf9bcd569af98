import type { Finding } from '../../../engine/analyze/findings.js';
import type { ReportData } from '../../../engine/report/data.js';
import { reproduceCommands, shellQuote, type ReproduceCommands } from '../commands.js';
import { mdCode, mdInline } from '../../../shared/escape/markdown.js';
import { guardSession, type SessionGuard } from '../session-guard.js';
import { cutNoteLines, headLines, looseFoot, looseHeading, looseItem, overviewFoot, overviewHead, overviewRow, type RowShown } from './overview.js';
import { ROOT_EVIDENCE, sessionLines, type SessionShape } from './session.js';
import { firstSaid, isRootCause, type Lengths } from './words.js';
import { plural } from '../../../shared/plural.js';
import { group, utf8Bytes } from '../../../shared/text.js';

/** Options of {@link reportMarkdown}. */
export interface MarkdownReportOptions {
  /** Most bytes the report may take in UTF-8 (`--max-bytes`; a ticket's limit). */
  maxBytes: number;
  /** Told of a session that could not be drawn (it is said in its place; see session-guard.ts). */
  guard?: SessionGuard;
}

/**
 * Even the smallest report (summary, one overview row, the first session without its turns) is
 * over `--max-bytes`: `minBytes` is what it needs. A `RangeError`, as the budget is an argument
 * out of range; the CLI reports it in one line and exits 2.
 */
export class ReportTooLargeError extends RangeError {
  /** Bytes the smallest report of this input takes. */
  readonly minBytes: number;

  constructor(minBytes: number, maxBytes: number) {
    super(`the smallest Markdown report of this input takes ${group(minBytes)} bytes, more than ${group(maxBytes)}: allow at least ${minBytes}`);
    this.name = 'ReportTooLargeError';
    this.minBytes = minBytes;
  }
}

/**
 * What one rendering shows, as levels: each is an integer from its stage's `min` to its value in
 * the full report, and more is more content.
 */
interface Plan {
  /** Index into {@link EXCERPTS}: how long texts and notes may be. */
  excerpt: number;
  /** Detailed sessions, from the first, that keep their turn details. */
  turnDetails: number;
  /** Sessions detailed (the others are in the overview table only). */
  sessions: number;
  /** Findings outside the sessions listed (about the dump first, then traces without a session). */
  loose: number;
  /** Rows of the overview table. */
  rows: number;
  /** Turns of the first session shown in detail, the most telling first. */
  firstTurns: number;
  /** 1: the first session's session-level assessments and findings are shown. */
  extras: number;
  /** The first session's table of turns: 0 none, 1 the telling rows, 2 every row. */
  turnTable: number;
  /** Root causes of the first session shown in full, in the engine's order (the most telling first). */
  roots: number;
  /** Evidence lines per root cause of the first session. */
  evidence: number;
}

/**
 * Lengths of user texts and answers, then of rationales and messages (code points), from the
 * shortest to the full excerpt as the engine kept it; tried from the full one down.
 */
const EXCERPTS: ReadonlyArray<Lengths> = [
  { textChars: 80, noteChars: 80 },
  { textChars: 200, noteChars: 200 },
  { textChars: 600, noteChars: 600 },
  { textChars: Infinity, noteChars: Infinity },
];

/**
 * The order things are cut in when the report is over budget: payloads first, structure last,
 * the first session's story very last. Each stage keeps the most that fits (binary search).
 */
const STAGES: ReadonlyArray<{ key: keyof Plan; min: (data: ReportData) => number }> = [
  { key: 'excerpt', min: () => 0 },
  { key: 'turnDetails', min: (d) => Math.min(1, d.sessions.length) },
  { key: 'sessions', min: (d) => Math.min(1, d.sessions.length) },
  { key: 'loose', min: () => 0 },
  { key: 'rows', min: (d) => Math.min(1, d.sessions.length + d.otherSessions.length) },
  { key: 'firstTurns', min: () => 0 },
  { key: 'extras', min: () => 0 },
  // Evidence and root causes after the first before the turn table: the telling rows of the
  // table (every turn that did not pass, each with why) say where a long session went wrong in
  // less room than a box per root cause; the first root cause's box stays to the end.
  { key: 'evidence', min: () => 0 },
  { key: 'roots', min: (d) => Math.min(1, rootCount(d)) },
  { key: 'turnTable', min: () => 0 },
];

/** Root causes of the first detailed session. */
function rootCount(d: ReportData): number {
  const first = d.sessions[0];
  return first === undefined ? 0 : d.findings.filter((f) => f.sessionId === first.id && isRootCause(f)).length;
}

const TABLE: ReadonlyArray<SessionShape['turnTable']> = ['none', 'telling', 'all'];

/**
 * The Markdown ticket report (`report --format markdown`): title and summary, the overview table
 * of sessions, each detailed session (commands, root cause, assessments, turns), then findings
 * outside the sessions. Renders on GitHub and GitLab; every piece of trace text is escaped or
 * fenced (src/shared/escape/markdown.ts). The whole text is at most `maxBytes` in UTF-8: payloads are cut
 * before structure, in the order of {@link STAGES} (excerpts 600 → 200 → 80 characters, turn
 * details of the sessions after the first, those sessions, findings outside the sessions,
 * overview rows, then the first session's turns, assessments, turn table and evidence), each
 * stage keeping the most that fits; a note at the top says what was cut and how to get it back.
 * Throws {@link ReportTooLargeError} when even the smallest report does not fit. Deterministic.
 */
export function reportMarkdown(data: ReportData, options: MarkdownReportOptions): string {
  return reportMarkdownWithPlan(data, options).text;
}

/**
 * {@link reportMarkdown}, with how many sessions the report shows in detail once fitted to
 * `--max-bytes` (the CLI says so when it writes the file; the budget may detail fewer than chosen).
 */
export function reportMarkdownWithPlan(data: ReportData, options: MarkdownReportOptions): { text: string; sessionsInDetail: number } {
  const renderer = new Renderer(data, options.guard);
  const { maxBytes } = options;
  const fits = (plan: Plan): boolean => renderer.bytes(plan, maxBytes) <= maxBytes;
  const done = (plan: Plan): { text: string; sessionsInDetail: number } => ({ text: renderer.text(plan, maxBytes), sessionsInDetail: plan.sessions });
  const { full } = renderer;
  let plan = full;
  if (fits(plan)) return done(plan);
  /** The largest level of `key` in [lo, hi] that fits, lo known to fit. */
  const largest = (key: keyof Plan, lo: number, hi: number): number => {
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits({ ...plan, [key]: mid })) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (const [j, stage] of STAGES.entries()) {
    const min = Math.min(stage.min(data), plan[stage.key]);
    if (!fits({ ...plan, [stage.key]: min })) {
      plan = { ...plan, [stage.key]: min };
      continue;
    }
    plan = { ...plan, [stage.key]: largest(stage.key, min, plan[stage.key] - 1) };
    // Cutting this stage may have freed more room than needed: give it back to the stages cut
    // before it, the most important (the latest cut) first.
    for (const earlier of STAGES.slice(0, j).reverse()) {
      if (plan[earlier.key] < full[earlier.key]) plan = { ...plan, [earlier.key]: largest(earlier.key, plan[earlier.key], full[earlier.key]) };
    }
    return done(plan);
  }
  // The note at the top names the budget, so the smallest report's size depends on the number
  // in it: grow the number until the report fits it (a few steps at most, as digits are few).
  let min = renderer.bytes(plan, maxBytes);
  for (let size = renderer.bytes(plan, min); size > min; size = renderer.bytes(plan, min)) min = size;
  throw new ReportTooLargeError(min, maxBytes);
}

/** Lines of Markdown and their size in UTF-8, each line counted with its line break. */
interface Block {
  lines: readonly string[];
  bytes: number;
}

/** True when the last line is blank: the text ends with the line break before it. */
function endsBlank(blocks: readonly Block[]): boolean {
  const last = blocks[blocks.length - 1]?.lines;
  return last !== undefined && last[last.length - 1] === '';
}

function block(lines: readonly string[]): Block {
  let bytes = 0;
  for (const line of lines) bytes += utf8Bytes(line) + 1;
  return { lines, bytes };
}

/**
 * Renders plans of one report as blocks of lines. A plan is measured by adding up the sizes of
 * its blocks, and the blocks that do not change between plans (a session at an excerpt length,
 * an overview row, a finding) are made once: the budget search renders a few dozen plans, and
 * each costs little more than a sum.
 */
class Renderer {
  private readonly commands: ReproduceCommands;
  /** `analyze` over the same inputs and `--session` filter as the report: every finding it shows. */
  private readonly analyze: string;
  /** Rows of the overview: the sessions shown turn by turn, then the others. */
  private readonly lineCount: number;
  /**
   * Sizes of the other sessions' overview rows added up (entry `n`: the first `n`), made at the
   * first measure: the budget search measures a plan without making those rows again, or holding them.
   */
  private otherRowBytes: Float64Array | null = null;
  private readonly bySession = new Map<string, Finding[]>();
  /** Findings outside the sessions in the order they are kept: about the dump, then traces without a session. */
  private readonly loose: Finding[];
  /** Findings outside the sessions the data left out (`unlistedOutside`): never listed, always said. */
  private readonly unlistedOutside: number;
  /** Position of each of them in that order: part of their cache keys. */
  private readonly looseIndex: Map<Finding, number>;
  private readonly cache = new Map<string, Block>();
  /** The plan of the whole report: what every cut is measured against. */
  readonly full: Plan;

  /** Sessions whose drawing failed, told to the guard once. */
  private readonly told = new Set<string>();

  constructor(
    private readonly data: ReportData,
    private readonly guard?: SessionGuard,
  ) {
    this.commands = reproduceCommands(data.inputs);
    this.analyze = this.commands.analyze + data.sessionFilter.map((id) => ` --session ${shellQuote(id)}`).join('');
    this.lineCount = data.sessions.length + data.otherSessions.length;
    for (const f of data.findings) {
      if (f.sessionId === null) continue;
      const list = this.bySession.get(f.sessionId);
      if (list) list.push(f);
      else this.bySession.set(f.sessionId, [f]);
    }
    const outside = data.findings.filter((f) => f.sessionId === null);
    this.loose = [...outside.filter((f) => f.traceId === null), ...outside.filter((f) => f.traceId !== null)];
    this.looseIndex = new Map(this.loose.map((f, i) => [f, i]));
    this.unlistedOutside = (data.unlistedOutside?.traces ?? 0) + (data.unlistedOutside?.dump ?? 0);
    this.full = this.fullPlan();
  }

  private fullPlan(): Plan {
    const n = this.data.sessions.length;
    const first = this.data.sessions[0];
    const roots = (this.bySession.get(first?.id ?? '') ?? []).filter(isRootCause);
    return {
      excerpt: EXCERPTS.length - 1,
      turnDetails: n,
      sessions: n,
      loose: this.loose.length,
      rows: this.lineCount,
      firstTurns: first?.turnList.length ?? 0,
      extras: 1,
      turnTable: 2,
      roots: roots.length,
      evidence: Math.min(ROOT_EVIDENCE, Math.max(0, ...roots.map((f) => f.evidence.length))),
    };
  }

  /** Bytes of {@link text}, from the sizes of its blocks. */
  bytes(plan: Plan, budget: number): number {
    const blocks = this.blocks(plan, budget, true);
    return blocks.reduce((n, b) => n + b.bytes, 0) - (endsBlank(blocks) ? 1 : 0);
  }

  /** The report `plan` makes, ending in one line break; `budget` is the size the note at the top says it was cut to. */
  text(plan: Plan, budget: number): string {
    const blocks = this.blocks(plan, budget, false);
    const lines = blocks.flatMap((b) => b.lines);
    if (endsBlank(blocks)) lines.pop();
    return lines.join('\n') + '\n';
  }

  /**
   * The report as blocks, each ending in one blank line; when `measuring`, the overview rows of
   * the sessions not shown turn by turn are one block of their size, without their lines.
   */
  private blocks(plan: Plan, budget: number, measuring: boolean): Block[] {
    const { data } = this;
    const lengths = EXCERPTS[plan.excerpt]!;
    const out: Block[] = [this.cached('head', () => headLines(data, this.analyze))];
    const note = cutNoteLines(budget, this.cutWords(plan));
    if (note.length > 0) out.push(block(note));
    out.push(this.cached('overview', () => overviewHead(this.lineCount, data.sessionFilter.length > 0)));
    const detailed = data.sessions.length;
    const rows = Math.min(plan.rows, this.lineCount);
    data.sessions.slice(0, rows).forEach((line, i) => {
      const shown: RowShown = i < plan.sessions ? 'detailed' : 'cut';
      out.push(this.cached(`row|${i}|${shown}`, () => [overviewRow(line, shown)]));
    });
    if (rows > detailed) {
      if (measuring) out.push({ lines: [], bytes: this.otherRows()[rows - detailed]! });
      else {
        let i = detailed;
        for (const line of data.otherSessions) {
          if (i++ >= rows) break;
          out.push(block([overviewRow(line, 'overview')]));
        }
      }
    }
    if (this.lineCount > 0) out.push(block(overviewFoot(this.lineCount - rows, `tracetriage sessions ${data.inputs.map(shellQuote).join(' ')}`)));
    data.sessions.slice(0, plan.sessions).forEach((s, i) => {
      const shape: SessionShape =
        i === 0
          ? {
              ...lengths,
              turns: plan.firstTurns >= s.turnList.length ? 'all' : plan.firstTurns,
              extras: plan.extras > 0,
              turnTable: TABLE[plan.turnTable]!,
              evidence: plan.evidence,
              roots: plan.roots,
            }
          : { ...lengths, turns: i < plan.turnDetails ? 'all' : 'none', extras: true, turnTable: 'all', evidence: ROOT_EVIDENCE, roots: Infinity };
      const key = JSON.stringify(['session', i, plan.excerpt, shape.turns, shape.extras, shape.turnTable, shape.evidence, shape.roots]);
      out.push(
        this.cached(key, () =>
          guardSession(
            s,
            this.guard,
            this.told,
            () => sessionLines(s, this.bySession.get(s.id) ?? [], this.commands, shape),
            (message) => [`## Session ${mdCode(s.id)}`, '', `> ${mdInline(message)}; ${mdCode(this.commands.session(s.id))} shows it in a terminal.`, ''],
          ),
        ),
      );
    });
    out.push(...this.looseBlocks(plan, lengths));
    return out;
  }

  /** Findings outside the sessions: the kept ones in the engine's order, each suggestion said once. */
  private looseBlocks(plan: Plan, lengths: Lengths): Block[] {
    const kept = new Set(this.loose.slice(0, plan.loose));
    const out: Block[] = [];
    const said = new Set<string>();
    for (const kind of ['trace', 'dump'] as const) {
      const list = this.data.findings.filter((f) => kept.has(f) && (f.traceId === null) === (kind === 'dump'));
      if (list.length === 0) continue;
      out.push(this.cached(`loose|${kind}`, () => looseHeading(kind)));
      list.forEach((f) => {
        const suggest = firstSaid(f, said);
        out.push(this.cached(`finding|${this.looseIndex.get(f)}|${plan.excerpt}|${suggest}`, () => looseItem(f, suggest, lengths)));
      });
      out.push(this.cached('blank', () => ['']));
    }
    const foot = looseFoot(this.loose.length - kept.size + this.unlistedOutside, this.analyze);
    if (foot.length > 0) out.push(block(foot));
    return out;
  }

  /** {@link otherRowBytes}, made at the first call. */
  private otherRows(): Float64Array {
    if (this.otherRowBytes === null) {
      const sums = new Float64Array(this.data.otherSessions.length + 1);
      let n = 0;
      for (const line of this.data.otherSessions) {
        sums[n + 1] = sums[n]! + block([overviewRow(line, 'overview')]).bytes;
        n++;
      }
      this.otherRowBytes = sums;
    }
    return this.otherRowBytes;
  }

  private cached(key: string, make: () => readonly string[]): Block {
    let b = this.cache.get(key);
    if (b === undefined) {
      b = block(make());
      this.cache.set(key, b);
    }
    return b;
  }

  /** What `plan` leaves out of the full report, in words, for the note at the top. */
  private cutWords(plan: Plan): string[] {
    const { full } = this;
    const cuts: string[] = [];
    if (plan.excerpt < full.excerpt) {
      const { textChars, noteChars } = EXCERPTS[plan.excerpt]!;
      cuts.push(textChars === noteChars ? `texts cut to ${textChars} characters` : `texts cut to ${textChars} characters, notes to ${noteChars}`);
    }
    const withoutTurns = Math.max(0, plan.sessions - Math.max(plan.turnDetails, 1));
    if (withoutTurns > 0) cuts.push(`turn details of ${plural(withoutTurns, 'session')} left out`);
    if (plan.sessions < full.sessions) cuts.push(`${plural(full.sessions - plan.sessions, 'session')} in the overview only`);
    const outside = full.loose - plan.loose + this.unlistedOutside;
    if (outside > 0) cuts.push(`${plural(outside, 'finding')} outside the sessions left out`);
    if (plan.rows < full.rows) cuts.push(`${plural(full.rows - plan.rows, 'session')} left out of the overview`);
    const first = [
      plan.firstTurns < full.firstTurns ? `${plural(full.firstTurns - plan.firstTurns, 'turn')} in detail` : '',
      plan.extras < full.extras ? 'session-level assessments' : '',
      plan.turnTable === 0 ? 'the turn table' : plan.turnTable < full.turnTable ? "the turn table's rows of turns that passed" : '',
      plan.evidence < full.evidence ? `${plural(full.evidence - plan.evidence, 'evidence line')}` : '',
      plan.roots < full.roots ? `${plural(full.roots - plan.roots, 'root cause')} (named in one line)` : '',
    ].filter((w) => w !== '');
    if (first.length > 0) cuts.push(`left out of the first session: ${first.join(', ')}`);
    return cuts;
  }
}
