import type { Evidence, Finding } from '../../engine/analyze/findings.js';
import type { RuleMeta, Severity } from '../../rules/api.js';
import type { AnalyzeReport } from './analyze.js';
import { strictText } from '../../shared/escape/terminal.js';
import { FindingCursor } from '../../shared/finding-cursor.js';

/** What the SARIF log says about the tool; the CLI reads both (report/ reads no files). */
export interface SarifTool {
  /** tracetriage's version, from package.json. */
  version: string;
  /** The metadata of the rules that ran, in `report.rules` order: the run's rules table. */
  rules: readonly RuleMeta[];
}

/** The `$schema` of the log: the SARIF 2.1.0 schema's address on SchemaStore, which editors resolve. */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The name (a versioned hierarchical string, SARIF §3.27.17) our fingerprint goes under. */
export const FINGERPRINT_KEY = 'tracetriageFinding/v1';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warn: 'warning', info: 'note' };

/**
 * Logical location kinds. SARIF §3.33.7 lists kinds for code, XML and JSON; none of them is a
 * session, a trace or a span, and the spec lets a tool use its own value then.
 */
type Kind = 'session' | 'trace' | 'span';

interface LogicalLocation {
  name: string;
  fullyQualifiedName: string;
  kind: Kind;
  parentIndex?: number;
}

/**
 * `analyze --format sarif`: a SARIF 2.1.0 log with one run. The rules table is the metadata of
 * the rules that ran; each finding is a result with its level, message, our fingerprint as a
 * partial fingerprint, and a logical location — the span, trace or session it is about, nested
 * session / trace / span through `run.logicalLocations` — with the JSONPath in its properties.
 * Evidence becomes related locations (the label as their message); the suggestion goes to the
 * result's properties (a SARIF `fix` needs a file to edit). Findings about the whole dump have no
 * location. Yields the log in pieces, byte for byte `JSON.stringify(log, null, 2)` and a newline.
 */
export function* analyzeSarifChunks(report: AnalyzeReport, tool: SarifTool): Generator<string> {
  const ruleIndex = new Map(tool.rules.map((r, i) => [r.id, i]));
  const driver = { name: 'tracetriage', version: tool.version, semanticVersion: tool.version, rules: tool.rules.map(ruleDescriptor) };
  const places = new LogicalPlaces(report);
  yield `{\n  "$schema": ${json(SARIF_SCHEMA_URI, 1)},\n  "version": "2.1.0",\n  "runs": [\n    {\n      "tool": ${json({ driver }, 3)},\n      "results": [`;
  let first = true;
  const results = function* (findings: Iterable<Finding>): Generator<string> {
    for (const f of findings) {
      yield `${first ? '' : ','}\n        ${json(result(f, ruleIndex.get(f.ruleId), places), 4)}`;
      first = false;
    }
  };
  // Each session's findings read beside it (`FindingCursor`): evidence in another of its turns is
  // placed by the session's own trace ids, without a map of every trace.
  const cursor = new FindingCursor(report.findings);
  for (const s of report.sessions) {
    const own = cursor.take(s.id);
    if (own.length === 0) continue;
    places.within(s.id, s.turnTraceIds);
    yield* results(own);
  }
  places.within(null, []);
  yield* results(cursor.rest());
  yield first ? ']' : '\n      ]';
  // After the results: only they tell which sessions, traces and spans the run needs.
  // Item by item, byte for byte `json(places.list, 3)`: the list names every session, trace and
  // span a finding points at, and made whole it was three strings of that size at once (several
  // hundred MB at 1 GB of chat traffic).
  if (places.list.length > 0) {
    yield ',\n      "logicalLocations": [';
    let i = 0;
    for (const place of places.list) yield `${i++ === 0 ? '' : ','}\n        ${json(place, 4)}`;
    yield '\n      ]';
  }
  yield `,\n      "properties": ${json({ failOn: report.failOn, failed: report.failed }, 3)}\n    }\n  ]\n}\n`;
}

function json(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/gu, `\n${'  '.repeat(depth)}`);
}

function ruleDescriptor(meta: RuleMeta): Record<string, unknown> {
  const docs = `docs/rules/${meta.id}.md`;
  const messages = Object.entries(meta.messages).map(([id, text]) => `- ${id} (${meta.messageSeverity?.[id] ?? meta.severity}): ${text}`);
  return {
    id: meta.id,
    name: meta.id.replace(/(?:^|-)([a-z0-9])/gu, (_, c: string) => c.toUpperCase()),
    shortDescription: { text: meta.description },
    fullDescription: { text: `${meta.description} Documentation: ${docs} in the tracetriage package.` },
    // No helpUri: SARIF wants an absolute URI there (§3.49.12) and the docs have no public address.
    help: { text: `${meta.description}\n\nMessages:\n${messages.join('\n')}\n\nDocumentation: ${docs} in the tracetriage package.` },
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: { type: meta.type, messages: meta.messages, ...(meta.messageSeverity ? { messageSeverity: meta.messageSeverity } : {}) },
  };
}

function result(f: Finding, ruleIndex: number | undefined, places: LogicalPlaces): Record<string, unknown> {
  const here = places.of(f.sessionId, f.traceId, f.spanId);
  const location = here === null ? null : { logicalLocations: [here], ...(f.path === null ? {} : { properties: { jsonPath: strictText(f.path) } }) };
  const props: Record<string, unknown> = { messageId: f.messageId };
  if (f.turn !== null) props.turn = f.turn;
  if (f.relatedTurns.length > 0) props.relatedTurns = f.relatedTurns;
  if (f.suggestion !== null) props.suggestion = strictText(f.suggestion);
  return {
    ruleId: f.ruleId,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: LEVEL[f.severity],
    message: { text: plainMessage(f.message) },
    ...(location === null ? {} : { locations: [location] }),
    ...(f.evidence.length === 0 ? {} : { relatedLocations: f.evidence.map((e, i) => related(e, i + 1, f, places)) }),
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: props,
  };
}

function related(e: Evidence, id: number, f: Finding, places: LogicalPlaces): Record<string, unknown> {
  // Evidence in another trace sits in that trace's session, which the finding may not name (a dump-level finding).
  const session = e.traceId === null || e.traceId === f.traceId ? f.sessionId : places.sessionOf(e.traceId);
  const there = places.of(session, e.traceId, e.spanId);
  const props: Record<string, unknown> = { kind: e.kind };
  if (e.turn !== null) props.turn = e.turn;
  if (e.path !== null) props.jsonPath = strictText(e.path);
  return { id, message: { text: plainMessage(e.label) }, ...(there === null ? {} : { logicalLocations: [there] }), properties: props };
}

/**
 * The run's logical locations: session, trace and span nested by `parentIndex`, each listed once
 * in order of first use; a result points at the most specific one by `index` (SARIF §3.33.3).
 */
class LogicalPlaces {
  readonly list: LogicalLocation[] = [];
  private readonly indexOf = new Map<string, number>();
  private sessionByTrace: Map<string, string> | null = null;
  /** The session whose findings are being placed, its turns' trace ids, and those as a set once asked (most sessions never are). */
  private current: { id: string | null; traceIds: Iterable<string>; set: ReadonlySet<string> | null } = { id: null, traceIds: [], set: null };

  constructor(private readonly report: AnalyzeReport) {}

  of(sessionId: string | null, traceId: string | null, spanId: string | null): (LogicalLocation & { index: number }) | null {
    let parent: number | undefined;
    let path: string[] = [];
    for (const [kind, id] of [
      ['session', sessionId],
      ['trace', traceId],
      ['span', traceId === null ? null : spanId],
    ] as const) {
      if (id === null) continue;
      path = [...path, strictText(id)];
      parent = this.add(kind, path, parent);
    }
    if (parent === undefined) return null;
    const { name, fullyQualifiedName, kind } = this.list[parent]!;
    return { index: parent, name, fullyQualifiedName, kind };
  }

  /** The findings placed next are those of session `id` (null: after the sessions'), whose turns are `traceIds`. */
  within(id: string | null, traceIds: Iterable<string>): void {
    this.current = { id, traceIds, set: null };
  }

  /**
   * The session a trace is a turn of: the current session when it is one of its turns (most
   * evidence is in the finding's own trace or session), else from a map of every trace, built at
   * the first need.
   */
  sessionOf(traceId: string): string | null {
    const { current } = this;
    if (current.id !== null) {
      current.set ??= new Set(current.traceIds);
      if (current.set.has(traceId)) return current.id;
    }
    if (this.sessionByTrace === null) {
      this.sessionByTrace = new Map();
      for (const s of this.report.sessions) for (const t of s.turnTraceIds) this.sessionByTrace.set(t, s.id);
    }
    return this.sessionByTrace.get(traceId) ?? null;
  }

  private add(kind: Kind, path: readonly string[], parentIndex: number | undefined): number {
    const key = JSON.stringify([kind, ...path]);
    let index = this.indexOf.get(key);
    if (index === undefined) {
      index = this.list.length;
      this.list.push({ name: path.at(-1)!, fullyQualifiedName: path.join('/'), kind, ...(parentIndex === undefined ? {} : { parentIndex }) });
      this.indexOf.set(key, index);
    }
    return index;
  }
}

/**
 * A plain-text SARIF message: SARIF viewers turn `[text](target)` into a link (§3.11.6), and trace
 * text must not make links, so each `](` gets its `]` escaped with a backslash (the backslashes
 * before it doubled, so they cannot cancel the escape). Then as `clean`.
 */
function plainMessage(text: string): string {
  return strictText(text).replace(/(\\*)\]\(/gu, (_, slashes: string) => `${slashes}${slashes}\\](`);
}
