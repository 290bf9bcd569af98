import type { Evidence } from '../../engine/analyze/findings.js';
import type { RuleMeta, Severity } from '../../rules/api.js';
import type { AnalyzeReport } from './analyze.js';
import { strictText } from '../../shared/escape/terminal.js';
import { LogicalPlaces, type Place, type Placed } from './sarif-places.js';

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
 * `analyze --format sarif`: a SARIF 2.1.0 log with one run. The rules table is the metadata of
 * the rules that ran; each finding is a result with its level, message, our fingerprint as a
 * partial fingerprint, and a logical location — the span, trace or session it is about, nested
 * session / trace / span through `run.logicalLocations` — with the JSONPath in its properties.
 * Evidence becomes related locations (the label as their message); the suggestion goes to the
 * result's properties (a SARIF `fix` needs a file to edit). Findings about the whole dump have no
 * location. Yields the log in pieces, byte for byte `JSON.stringify(log, null, 2)` and a newline.
 * Reads `report.findings` three times (`LogicalPlaces` says why), so it must be a list that can be
 * read again, as `AnalyzeReport` promises.
 */
export function* analyzeSarifChunks(report: AnalyzeReport, tool: SarifTool): Generator<string> {
  const ruleIndex = new Map(tool.rules.map((r, i) => [r.id, i]));
  const driver = { name: 'tracetriage', version: tool.version, semanticVersion: tool.version, rules: tool.rules.map(ruleDescriptor) };
  yield `{\n  "$schema": ${json(SARIF_SCHEMA_URI, 1)},\n  "version": "2.1.0",\n  "runs": [\n    {\n      "tool": ${json({ driver }, 3)},\n      "results": [`;
  // A first read of the findings, for the logical locations a later block refers back to.
  const places = LogicalPlaces.pinning(report);
  let first = true;
  for (const placed of places.placements()) {
    yield `${first ? '' : ','}\n        ${json(result(placed, ruleIndex.get(placed.finding.ruleId)), 4)}`;
    first = false;
  }
  yield first ? ']' : '\n      ]';
  // After the results: only they tell which sessions, traces and spans the run needs. Item by
  // item, byte for byte `json(list, 3)`, the list made again by placing the findings once more
  // (held whole, it was several hundred MB at a few GB of chat traffic).
  if (places.size > 0) {
    yield ',\n      "logicalLocations": [';
    let i = 0;
    for (const place of places.entries()) yield `${i++ === 0 ? '' : ','}\n        ${json(place, 4)}`;
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

function result({ finding: f, here, evidence }: Placed, ruleIndex: number | undefined): Record<string, unknown> {
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
    ...(f.evidence.length === 0 ? {} : { relatedLocations: f.evidence.map((e, i) => related(e, i + 1, evidence[i] ?? null)) }),
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: props,
  };
}

function related(e: Evidence, id: number, there: Place | null): Record<string, unknown> {
  const props: Record<string, unknown> = { kind: e.kind };
  if (e.turn !== null) props.turn = e.turn;
  if (e.path !== null) props.jsonPath = strictText(e.path);
  return { id, message: { text: plainMessage(e.label) }, ...(there === null ? {} : { logicalLocations: [there] }), properties: props };
}

/**
 * A plain-text SARIF message: SARIF viewers turn `[text](target)` into a link (§3.11.6), and trace
 * text must not make links, so each `](` gets its `]` escaped with a backslash (the backslashes
 * before it doubled, so they cannot cancel the escape). Then as `clean`.
 */
function plainMessage(text: string): string {
  return strictText(text).replace(/(\\*)\]\(/gu, (_, slashes: string) => `${slashes}${slashes}\\](`);
}
