/**
 * The carrier table, as data: where each convention (MLflow, Langfuse, OTel GenAI, OpenInference,
 * Traceloop, Vercel AI, generic keys) keeps a span's input and output, the five kinds of source
 * those places are read as, and the rows the configuration adds. `carriers.ts` reads them.
 */

/**
 * One place a side (input or output) of a span can be read from. The kinds are the few ways the
 * conventions store I/O; which keys use which kind is data, in {@link CARRIERS}.
 *
 * - `attribute`: one attribute, as `Attributes` decodes it. `json: true` means the convention
 *   itself writes JSON text into a string attribute (Traceloop, Langfuse, GenAI, Vercel), so a
 *   value that is still a string after that decoding is decoded once more: raw OTel strings of
 *   the TypeScript SDK and REST bodies, and JSON scalars (`"\"Yes\""`) that MLflow's OTLP
 *   ingestion encoded on top and `Attributes` only unwraps once. MLflow's own keys are `false`:
 *   `Attributes` already undoes the one encoding MLflow adds.
 * - `mime`: OpenInference `input.value` / `output.value`: JSON only when the mime type says so.
 * - `indexed`: flattened lists such as `gen_ai.prompt.0.role` or
 *   `llm.input_messages.0.message.content`, reassembled into an array of objects; `unwrap` lifts
 *   the single wrapper key of each element (`message` for OpenInference).
 * - `events`: span events named in `roles` (event name → message role), each giving one message
 *   from its `content` attribute (GenAI message events).
 * - `chat-split`: MLflow 2.x `mlflow.chat.messages`, which holds the input messages with the
 *   output message(s) appended: `input` takes what precedes the trailing assistant messages,
 *   `output` takes those.
 */
export type CarrierSource =
  | { kind: 'attribute'; key: string; json: boolean }
  | { kind: 'mime'; key: string; mimeKey: string }
  | { kind: 'indexed'; prefix: string; unwrap?: string }
  | { kind: 'events'; roles: Readonly<Record<string, string>>; attribute: string }
  | { kind: 'chat-split'; key: string; take: 'input' | 'output' };

/** One row of the carrier table: where a convention keeps a span's input and output. */
export interface Carrier {
  /** Stable id, reported with every value found through this row. */
  id: string;
  /** The convention, for people (docs, `--help`). */
  convention: string;
  /** Sources of the input, tried in order; the first non-empty one wins. */
  input: readonly CarrierSource[];
  /** Sources of the output, tried in order. */
  output: readonly CarrierSource[];
}

const attr = (key: string, json = true): CarrierSource => ({ kind: 'attribute', key, json });
const mlflowAttr = (key: string): CarrierSource => attr(key, false);

/**
 * The carriers, in the order they are tried (peers-and-io-conventions.md §3, §3.1). MLflow's own
 * keys come first because these are MLflow exports and, from 3.6 on, MLflow copies translated
 * OTel values into them (`mlflow/tracing/otel/translation/__init__.py`,
 * `translate_span_when_storing`). Within the GenAI row, tool-call arguments/results follow the
 * messages as in MLflow's `GenAiTranslator` (`genai_semconv.py`). The generic `input` / `output`
 * keys come last because any library may use them for something else.
 */
export const CARRIERS: readonly Carrier[] = [
  {
    id: 'mlflow.span',
    convention: 'MLflow (Python and TypeScript SDKs, every version)',
    input: [mlflowAttr('mlflow.spanInputs')],
    output: [mlflowAttr('mlflow.spanOutputs')],
  },
  {
    id: 'mlflow.chat.messages',
    convention: 'MLflow 2.20 – 3.1 chat attribute (OpenAI-style list, input then output messages)',
    input: [{ kind: 'chat-split', key: 'mlflow.chat.messages', take: 'input' }],
    output: [{ kind: 'chat-split', key: 'mlflow.chat.messages', take: 'output' }],
  },
  {
    id: 'langfuse',
    convention: 'Langfuse SDK (observation I/O; trace-level I/O as a fallback)',
    input: [attr('langfuse.observation.input'), attr('langfuse.trace.input')],
    output: [attr('langfuse.observation.output'), attr('langfuse.trace.output')],
  },
  {
    id: 'gen_ai.messages',
    convention: 'OTel GenAI semantic conventions (message parts)',
    input: [attr('gen_ai.input.messages')],
    output: [attr('gen_ai.output.messages')],
  },
  {
    id: 'gen_ai.tool.call',
    convention: 'OTel GenAI semantic conventions (execute_tool spans)',
    input: [attr('gen_ai.tool.call.arguments')],
    output: [attr('gen_ai.tool.call.result')],
  },
  {
    id: 'gen_ai.indexed',
    convention: 'OpenLLMetry / deprecated GenAI indexed prompt and completion attributes',
    input: [{ kind: 'indexed', prefix: 'gen_ai.prompt' }, attr('gen_ai.prompt')],
    output: [{ kind: 'indexed', prefix: 'gen_ai.completion' }, attr('gen_ai.completion')],
  },
  {
    id: 'openinference.value',
    convention: 'OpenInference input.value / output.value with their mime type',
    input: [{ kind: 'mime', key: 'input.value', mimeKey: 'input.mime_type' }],
    output: [{ kind: 'mime', key: 'output.value', mimeKey: 'output.mime_type' }],
  },
  {
    id: 'openinference.messages',
    convention: 'OpenInference flattened LLM messages',
    input: [{ kind: 'indexed', prefix: 'llm.input_messages', unwrap: 'message' }],
    output: [{ kind: 'indexed', prefix: 'llm.output_messages', unwrap: 'message' }],
  },
  {
    id: 'traceloop.entity',
    convention: 'Traceloop / OpenLLMetry SDK decorators',
    input: [attr('traceloop.entity.input')],
    output: [attr('traceloop.entity.output')],
  },
  {
    id: 'vercel.ai',
    convention: 'Vercel AI SDK telemetry',
    input: [attr('ai.prompt.messages'), attr('ai.prompt'), attr('ai.toolCall.args')],
    output: [attr('ai.response.text', false), attr('ai.response.toolCalls'), attr('ai.response.object'), attr('ai.toolCall.result')],
  },
  {
    id: 'gen_ai.events',
    convention: 'OTel GenAI message events (interim event-based conventions)',
    input: [
      {
        kind: 'events',
        roles: {
          'gen_ai.system.message': 'system',
          'gen_ai.user.message': 'user',
          'gen_ai.assistant.message': 'assistant',
          'gen_ai.tool.message': 'tool',
        },
        attribute: 'content',
      },
    ],
    output: [{ kind: 'events', roles: { 'gen_ai.choice': 'assistant' }, attribute: 'content' }],
  },
  {
    id: 'generic',
    convention: 'Generic input / output attributes',
    input: [attr('input')],
    output: [attr('output')],
  },
];

/**
 * A carrier row for plain attribute keys, the shape the configuration adds
 * (`resolveSpanIo(span, { extraCarriers: [keyCarrier('app', ['app.request'], ['app.reply'])] })`).
 * Values are decoded like every other attribute, JSON text included.
 */
export function keyCarrier(id: string, inputKeys: readonly string[], outputKeys: readonly string[]): Carrier {
  return {
    id,
    convention: 'configuration',
    input: inputKeys.map((key) => attr(key)),
    output: outputKeys.map((key) => attr(key)),
  };
}

/** The built-in rows with the extra rows placed before `generic`, in the order they are tried. */
export function carrierTable(extra: readonly Carrier[] = []): readonly Carrier[] {
  if (extra.length === 0) return CARRIERS;
  const generic = CARRIERS.findIndex((c) => c.id === 'generic');
  return [...CARRIERS.slice(0, generic), ...extra, ...CARRIERS.slice(generic)];
}
