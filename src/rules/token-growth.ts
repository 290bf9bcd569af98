import type { EvidenceInput, Turn } from './api.js';
import { defineRule } from './api.js';

interface Options {
  min_turns: number;
  growth_factor: number;
  min_tokens: number;
  max_input_tokens: number | null;
}

/**
 * The default floor of a reported run: half of 8,192 tokens, the smallest context window of the
 * chat models still in common use. A conversation that ends below it costs little and is far from
 * any window, however fast it grew (a 341 → 779 token chat is a doubling of nothing much).
 */
const MIN_TOKENS = 4000;

/** Evidence entries a tokenGrowth finding lists at most: the first and last turns of the run. */
const MAX_EVIDENCE = 20;

/** A turn's input-token figure and where it was read. */
interface Measure {
  turn: Turn;
  tokens: number;
  /**
   * `call`: the largest single model call's input tokens (the prompt the model was sent);
   * `trace`: the trace's input tokens, a sum over all its model calls.
   */
  kind: 'call' | 'trace';
  spanId: string | null;
  path: string | null;
  /** Where the figure comes from, for messages and evidence. */
  source: string;
}

/**
 * A chat app that sends the whole conversation with every turn pays for it twice: each turn's
 * prompt is larger than the last, cost and latency rise, and the prompt heads for the model's
 * context window, where the provider truncates it or the call fails and older facts silently
 * vanish. The manual workflow (the analyze-mlflow-session skill: "compare
 * mlflow.trace.tokenUsage across turns to see growth and overflow") does this by eye; this rule
 * does it for every session and names the turns.
 */
export default defineRule<'tokenGrowth' | 'contextNearLimit', Options>({
  meta: {
    id: 'token-growth',
    type: 'problem',
    description: 'Finds sessions whose model input grows turn over turn to a size that matters, and turns whose input tokens exceed a configured limit.',
    severity: 'warn',
    messages: {
      tokenGrowth:
        'Model input grew turn over turn from {{first}} tokens (turn {{firstTurn}}) to {{last}} (turn {{lastTurn}}), ×{{factor}} over {{count}} turns ({{measure}}): the conversation piles up in the context.',
      contextNearLimit: "{{subject}} sent {{tokens}} input tokens ({{source}}), over max_input_tokens = {{limit}}: the prompt is near the model's context window.",
    },
    suggestions: {
      tokenGrowth:
        'Bound what each turn sends: keep the last few turns verbatim plus a running summary (or a memory of key facts), and drop earlier tool outputs and retrieved documents once answered.',
      contextNearLimit: 'Trim or summarize the history before it reaches the context window; check whether {{whose}} call was cut by the provider or lost earlier messages (history-truncation).',
    },
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        min_turns: { type: 'integer', minimum: 2, description: 'Consecutive turns of growing input tokens that make a run.' },
        growth_factor: { type: 'number', minimum: 1, description: "How many times the first turn's input tokens the last turn of a run must reach." },
        min_tokens: {
          type: 'integer',
          minimum: 0,
          description: 'Input tokens the last turn of a run must reach to be reported: growth below it costs little and is far from any context window.',
        },
        max_input_tokens: {
          type: ['integer', 'null'],
          minimum: 1,
          description: 'Input tokens above which a turn is reported as near the context limit; null turns the check off.',
        },
      },
    },
    defaultOptions: { min_turns: 3, growth_factor: 2, min_tokens: MIN_TOKENS, max_input_tokens: null },
  },
  create(context) {
    const { min_turns: minTurns, growth_factor: factor, min_tokens: floor, max_input_tokens: limit } = context.options;
    return {
      sessionExit(session) {
        let run: Measure[] = [];
        for (const turn of session.turns) {
          const m = measure(turn);
          if (m !== null && limit !== null && m.tokens > limit) reportLimit(m, limit, session.sessionless);
          const last = run.at(-1);
          // A turn without a count breaks the run: growth across a gap is a guess. So does a
          // change of measure (a prompt size next to a per-trace sum says nothing about growth).
          if (m === null || last === undefined || m.kind !== last.kind || m.tokens <= last.tokens) {
            closeRun(run);
            run = m === null ? [] : [m];
          } else run.push(m);
        }
        closeRun(run);
      },
    };

    function closeRun(run: readonly Measure[]): void {
      const first = run[0];
      const last = run.at(-1);
      if (first === undefined || last === undefined || run.length < minTurns || last.tokens < floor) return;
      const ratio = last.tokens / first.tokens;
      if (ratio < factor) return;
      const shown = run.length <= MAX_EVIDENCE ? run : [...run.slice(0, MAX_EVIDENCE / 2), ...run.slice(-MAX_EVIDENCE / 2)];
      const evidence: EvidenceInput[] = shown.map((m) => ({
        traceId: m.turn.digest.traceId,
        spanId: m.spanId,
        path: m.path,
        kind: 'inputTokens',
        label: `turn ${m.turn.number}: ${m.tokens} input tokens (${m.source})`,
      }));
      if (shown.length < run.length) evidence.push({ kind: 'omitted', label: `${run.length - shown.length} more turns of the run not listed` });
      context.report({
        messageId: 'tokenGrowth',
        traceId: last.turn.digest.traceId,
        spanId: last.spanId,
        path: last.path,
        relatedTurns: run.slice(0, -1).map((m) => m.turn.number),
        data: {
          first: first.tokens,
          firstTurn: first.turn.number,
          last: last.tokens,
          lastTurn: last.turn.number,
          count: run.length,
          factor: ratio.toFixed(1),
          measure: first.kind === 'call' ? 'largest model call per turn' : 'trace token usage',
        },
        evidence,
      });
    }

    /** A trace without a session is said as "this trace", not "turn 1". */
    function reportLimit(m: Measure, max: number, sessionless: boolean): void {
      context.report({
        messageId: 'contextNearLimit',
        traceId: m.turn.digest.traceId,
        spanId: m.spanId,
        path: m.path,
        data: {
          subject: sessionless ? 'This trace' : `Turn ${m.turn.number}`,
          whose: sessionless ? 'its' : `turn ${m.turn.number}'s`,
          tokens: m.tokens,
          source: m.source,
          limit: max,
        },
        evidence: [{ spanId: m.spanId, path: m.path, kind: 'inputTokens', label: `${m.tokens} input tokens (${m.source})` }],
      });
    }
  },
});

/**
 * The turn's input tokens: the largest single model call's when any call has a count (that is
 * the prompt the model saw, what the context window limits), else the trace's. MLflow's
 * `mlflow.trace.tokenUsage` is a sum over the trace's model calls (`aggregate_usage_from_spans`,
 * mlflow/mlflow: mlflow/tracing/utils/__init__.py), so an agent loop of three calls counts its
 * prompt three times there. A zero count is no count (no real prompt has zero tokens); calls
 * past MAX_MODEL_CALLS are not in the facts and cannot be the largest.
 */
function measure(turn: Turn): Measure | null {
  let best: Turn['facts']['modelCalls'][number] | undefined;
  for (const call of turn.facts.modelCalls) {
    if (call.inputTokens !== null && call.inputTokens > 0 && (best === undefined || call.inputTokens > (best.inputTokens ?? 0))) best = call;
  }
  if (best !== undefined && best.inputTokens !== null) {
    return { turn, tokens: best.inputTokens, kind: 'call', spanId: best.spanId, path: best.path, source: `model call "${best.name}"` };
  }
  const tokens = turn.facts.tokens;
  if (tokens === null || tokens.input === null || tokens.input <= 0) return null;
  // The trace's figure lives in its metadata (the key missing-session-id points at too); a
  // per-span sum (`source: 'spans'`) with no call left to name has no one place to point at.
  const path = tokens.source === 'trace' ? `${turn.facts.metadataPath}['mlflow.trace.tokenUsage']` : null;
  return { turn, tokens: tokens.input, kind: 'trace', spanId: null, path, source: tokens.source === 'trace' ? 'mlflow.trace.tokenUsage' : 'sum over spans' };
}
