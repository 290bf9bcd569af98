// A trace's token counts: its `mlflow.trace.tokenUsage` metadata, a model call's own usage
// attributes, and their sum over the calls.
import { decodeAttributeValue } from './attributes.js';
import type { Span } from './types.js';
import { isObject } from './values.js';

/** Token counts of a trace, and whether they are the trace's own or the sum over its model calls. */
export interface TokenFacts {
  input: number | null;
  output: number | null;
  total: number | null;
  source: 'trace' | 'spans';
}

/** Token keys of the conventions, as MLflow maps them on OTLP ingest (mlflow-trace-formats.md §6). */
const INPUT_TOKEN_KEYS = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt', 'llm.usage.prompt_tokens'];
const OUTPUT_TOKEN_KEYS = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion', 'llm.usage.completion_tokens'];

/** A model call's tokens: `mlflow.chat.tokenUsage`, else the first of the conventions' keys for each side. */
export function spanTokens(span: Span): { input: number | null; output: number | null } {
  const usage = span.attributes.get('mlflow.chat.tokenUsage');
  if (isObject(usage)) return { input: count(usage.input_tokens), output: count(usage.output_tokens) };
  const first = (keys: readonly string[]): number | null => {
    for (const key of keys) {
      const n = count(span.attributes.get(key));
      if (n !== null) return n;
    }
    return null;
  };
  return { input: first(INPUT_TOKEN_KEYS), output: first(OUTPUT_TOKEN_KEYS) };
}

/** The trace's `mlflow.trace.tokenUsage` metadata, when it holds a count. */
export function traceTokens(text: string | undefined): TokenFacts | null {
  if (text === undefined) return null;
  const value = decodeAttributeValue(text);
  if (!isObject(value)) return null;
  const facts: TokenFacts = { input: count(value.input_tokens), output: count(value.output_tokens), total: count(value.total_tokens), source: 'trace' };
  return facts.input === null && facts.output === null && facts.total === null ? null : facts;
}

/**
 * Adds a model call's tokens to the sum over the trace's calls, which stays null until a call
 * has a count.
 */
export function addCallTokens(sum: Omit<TokenFacts, 'source'> | null, call: { inputTokens: number | null; outputTokens: number | null }): Omit<TokenFacts, 'source'> | null {
  if (call.inputTokens === null && call.outputTokens === null) return sum;
  const tokens = sum ?? { input: null, output: null, total: null };
  tokens.input = add(tokens.input, call.inputTokens);
  tokens.output = add(tokens.output, call.outputTokens);
  tokens.total = add(tokens.total, add(call.inputTokens, call.outputTokens));
  return tokens;
}

function count(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}

function add(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : a + b;
}
