import { splitPathList } from '../dotted-path.js';
import { QuerySyntaxError } from '../errors.js';
import { compileJsonPath } from '../jsonpath.js';
import { aggregatePlan, type Aggregator } from './aggregate.js';
import { startRun, type QueryProgram } from './run.js';
import { splitStages, walkTopLevel, type Part } from './split.js';
import { limitPlan, pickPlan, sortPlan, uniquePlan, type SortKey } from './stages.js';
import type { StagePlan } from './types.js';
import { parseValuePath, type ValuePath } from './values.js';
import { wherePlan } from './where.js';

/** What a stage takes between its parentheses. */
export type ArgumentKind = 'none' | 'paths' | 'path' | 'comparisons' | 'sort-keys' | 'integer';

/** A stage as the docs and the error messages describe it. */
export interface StageDefinition {
  readonly name: string;
  readonly syntax: string;
  readonly args: ArgumentKind;
  /** Aggregators follow `group_by` (or stand alone over everything) and merge into one record. */
  readonly aggregator: boolean;
}

/** Every stage, in the order the docs list them. */
export const STAGES: readonly StageDefinition[] = [
  { name: 'pick', syntax: 'pick(path, ...)', args: 'paths', aggregator: false },
  { name: 'where', syntax: 'where(comparison AND ...)', args: 'comparisons', aggregator: false },
  { name: 'unique', syntax: 'unique', args: 'none', aggregator: false },
  { name: 'count', syntax: 'count', args: 'none', aggregator: true },
  { name: 'group_by', syntax: 'group_by(path)', args: 'path', aggregator: false },
  { name: 'min', syntax: 'min(path)', args: 'path', aggregator: true },
  { name: 'max', syntax: 'max(path)', args: 'path', aggregator: true },
  { name: 'sum', syntax: 'sum(path)', args: 'path', aggregator: true },
  { name: 'avg', syntax: 'avg(path)', args: 'path', aggregator: true },
  { name: 'sort_by', syntax: 'sort_by(path [asc|desc], ...)', args: 'sort-keys', aggregator: false },
  { name: 'limit', syntax: 'limit(N)', args: 'integer', aggregator: false },
];

const BY_NAME = new Map(STAGES.map((s) => [s.name, s]));

/** One stage as written: its definition, its argument text (null without parentheses), its place. */
interface StageCall {
  readonly definition: StageDefinition;
  readonly text: string;
  /** 0-based offset of the stage name in the whole query. */
  readonly at: number;
  readonly args: Part | null;
}

/**
 * Parses `'<jsonpath> | stage | stage ...'`: the JSONPath is compiled with json-p3, every stage is
 * checked and compiled, and any error is a `QuerySyntaxError` whose column counts in the whole
 * text (`jsonpath` for the path, `pipeline` for the stages).
 */
export function parseQuery(text: string): QueryProgram {
  const [head, ...rest] = splitStages(text);
  const path = compileJsonPath(head!.text, text, head!.offset);
  const calls = rest.map((part) => parseCall(part, text));
  const plans = planStages(calls, text);
  return {
    text,
    path,
    output: plans.some((p) => p.reshapes) ? 'records' : 'items',
    start: () => startRun(path, plans),
  };
}

function fail(message: string, source: string, at: number): never {
  throw new QuerySyntaxError(message, 'pipeline', source, at + 1);
}

/** `name` or `name(args)`, nothing else. */
function parseCall(part: Part, source: string): StageCall {
  const lead = part.text.length - part.text.trimStart().length;
  const at = part.offset + lead;
  const body = part.text.trim();
  if (body === '') fail("expected a stage after '|', found nothing", source, part.offset - 1);
  const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(body)?.[0];
  if (name === undefined) fail(`expected a stage name, found '${body[0]}'`, source, at);
  const definition = BY_NAME.get(name);
  if (definition === undefined) {
    fail(`unknown stage '${name}': expected one of ${STAGES.map((s) => s.name).join(', ')}`, source, at);
  }
  let i = name.length;
  while (body[i] === ' ' || body[i] === '\t' || body[i] === '\n' || body[i] === '\r') i++;
  let args: Part | null = null;
  if (body[i] === '(') {
    const { stop: close, unclosedQuote } = walkTopLevel(body, i, false, (c, _, depth) => c === ')' && depth === 0);
    if (unclosedQuote !== null) {
      const quote = body[unclosedQuote] === '`' ? 'backtick' : 'quote';
      fail(`unclosed ${quote} in ${name}(...): expected a closing ${body[unclosedQuote]}`, source, at + unclosedQuote);
    }
    if (close === body.length) fail(`unclosed '(' after ${name}: expected ')'`, source, at + i);
    args = { text: body.slice(i + 1, close), offset: at + i + 1 };
    i = close + 1;
  }
  const after = body.slice(i).trim();
  if (after !== '') {
    const where = at + body.indexOf(after, i);
    const hint = /^(asc|desc)$/i.test(after) && name === 'sort_by' ? `: write the direction inside, sort_by(path ${after.toLowerCase()})` : `: expected '|' or the end of the query`;
    fail(`unexpected '${after}' after ${name}${hint}`, source, where);
  }
  return { definition, text: body, at, args };
}

/** Turns the calls into plans, folding `group_by` and the aggregators after it into one aggregation. */
function planStages(calls: readonly StageCall[], source: string): StagePlan[] {
  const plans: StagePlan[] = [];
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i]!;
    const { name, aggregator } = call.definition;
    if (name !== 'group_by' && !aggregator) {
      plans.push(simplePlan(call, source));
      continue;
    }
    const groupBy = name === 'group_by' ? onePath(call, source) : null;
    let j = name === 'group_by' ? i + 1 : i;
    const aggregators: Aggregator[] = [];
    const seen = new Set<string>();
    for (; j < calls.length && calls[j]!.definition.aggregator; j++) {
      const next = calls[j]!;
      const kind = next.definition.name as Aggregator['kind'];
      if (seen.has(kind)) {
        fail(`a second '${kind}' in one aggregation: count, min, max, sum and avg each make one field of its record, so each may appear once`, source, next.at);
      }
      seen.add(kind);
      if (kind === 'count') {
        noArgs(next, source);
        aggregators.push({ kind });
      } else aggregators.push({ kind, path: onePath(next, source) });
    }
    if (aggregators.length === 0) {
      const found = calls[j] === undefined ? 'nothing' : `'${calls[j]!.text}'`;
      fail(`group_by must be followed by count, min, max, sum or avg, found ${found}`, source, calls[j]?.at ?? call.at);
    }
    const text = calls
      .slice(i, j)
      .map((c) => c.text)
      .join(' | ');
    plans.push(aggregatePlan(text, groupBy, aggregators));
    i = j - 1;
  }
  return plans;
}

function simplePlan(call: StageCall, source: string): StagePlan {
  switch (call.definition.name) {
    case 'pick':
      return pickPlan(call.text, paths(call, source));
    case 'where':
      return wherePlan(call.text, needArgs(call, source), source);
    case 'unique':
      noArgs(call, source);
      return uniquePlan(call.text);
    case 'sort_by':
      return sortPlan(call.text, sortKeys(call, source));
    case 'limit':
      return limitPlan(call.text, count(call, source));
    default:
      throw new Error(`no plan for stage ${call.definition.name}`);
  }
}

function needArgs(call: StageCall, source: string): Part {
  const { name, syntax } = call.definition;
  if (call.args === null || call.args.text.trim() === '') {
    fail(`${name} needs an argument: write ${syntax}`, source, call.args === null ? call.at + name.length : call.args.offset);
  }
  return call.args;
}

function noArgs(call: StageCall, source: string): void {
  if (call.args !== null && call.args.text.trim() !== '') {
    fail(`${call.definition.name} takes no argument, found '(${call.args.text})'`, source, call.args.offset - 1);
  }
}

function paths(call: StageCall, source: string): ValuePath[] {
  const args = needArgs(call, source);
  const parsed = splitPathList(args.text).map((p) => ({ ...parseValuePath(p.path, source, args.offset + p.offset), at: args.offset + p.offset }));
  const seen = new Set<string>();
  for (const path of parsed) {
    if (seen.has(path.text)) fail(`${call.definition.name} lists '${path.text}' twice`, source, path.at);
    seen.add(path.text);
  }
  return parsed;
}

function onePath(call: StageCall, source: string): ValuePath {
  const args = needArgs(call, source);
  const parts = splitPathList(args.text);
  if (parts.length > 1) {
    fail(`${call.definition.name} takes one path, found ${parts.length}: write ${call.definition.syntax}`, source, args.offset + parts[1]!.offset);
  }
  return parseValuePath(parts[0]!.path, source, args.offset + parts[0]!.offset);
}

function sortKeys(call: StageCall, source: string): SortKey[] {
  const args = needArgs(call, source);
  return splitPathList(args.text).map((part) => {
    const direction = /\s+(asc|desc)$/i.exec(part.path);
    const pathText = direction === null ? part.path : part.path.slice(0, direction.index);
    return {
      path: parseValuePath(pathText, source, args.offset + part.offset),
      descending: direction?.[1]?.toLowerCase() === 'desc',
    };
  });
}

function count(call: StageCall, source: string): number {
  const args = needArgs(call, source);
  const raw = args.text.trim();
  const at = args.offset + args.text.indexOf(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    fail(`${call.definition.name} expects a whole number of 0 or more, found '${raw}'`, source, at);
  }
  return Number(raw);
}
