/** Fixed vocabulary of the synthetic export: apps, tools, models, judges, exceptions. */

/** An agent app: how its root span takes input, how often it retrieves, which tools it may call. */
export const APPS = [
  { name: 'support_agent', source: 'support_bot/app.py', io: 'messages', retrieval: 0.6, maxRounds: 4, tools: ['lookup_order', 'get_customer', 'search_kb', 'create_ticket', 'issue_refund'] },
  { name: 'rag_chatbot', source: 'rag/serve.py', io: 'query', retrieval: 1, maxRounds: 1, tools: ['web_search'] },
  { name: 'code_assistant', source: 'assistant/main.py', io: 'messages', retrieval: 0.15, maxRounds: 8, tools: ['read_file', 'search_code', 'run_tests', 'apply_patch', 'export_table'] },
  {
    name: 'travel_planner',
    source: 'travel/agent.py',
    io: 'messages',
    retrieval: 0.3,
    maxRounds: 3,
    tools: ['get_weather', 'search_flights', 'search_hotels', 'research_destination', 'currency_convert'],
  },
];

/** Tool name → shape of its output. `agent` tools run a nested sub-agent. */
export const TOOL_KIND = {
  lookup_order: 'record',
  get_customer: 'record',
  search_kb: 'results',
  create_ticket: 'record',
  issue_refund: 'record',
  web_search: 'results',
  read_file: 'text',
  search_code: 'results',
  run_tests: 'text',
  apply_patch: 'text',
  export_table: 'text',
  get_weather: 'record',
  search_flights: 'results',
  search_hotels: 'results',
  research_destination: 'agent',
  currency_convert: 'record',
};

/** Tools whose output can now and then be huge (file dumps, table exports). */
export const BULKY_TOOLS = new Set(['read_file', 'export_table', 'search_code']);

export const MODELS = [
  ['gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 'Completions'],
  ['gpt-4o', 'gpt-4o-2024-08-06', 'Completions'],
  ['gpt-4.1-mini', 'gpt-4.1-mini-2025-04-14', 'Completions'],
  ['databricks-claude-3-7-sonnet', 'claude-3-7-sonnet-20250219', 'ChatDatabricks'],
  ['databricks-meta-llama-3-3-70b-instruct', 'meta-llama-3.3-70b-instruct', 'ChatDatabricks'],
];

export const JUDGES = ['relevance_to_query', 'safety', 'correctness', 'groundedness', 'guideline_adherence', 'retrieval_relevance', 'helpfulness'];

export const SESSION_JUDGES = ['conversation_completeness', 'user_frustration', 'knowledge_retention'];

export const SCORER_ERRORS = [
  ['RATE_LIMIT_EXCEEDED', 'judge rate limited'],
  ['INTERNAL_ERROR', 'Failed to parse judge output: Expecting value: line 1 column 1 (char 0)'],
  ['TIMEOUT', 'Judge call exceeded 60s'],
  ['BAD_REQUEST', "Error code: 400 - {'error': {'message': \"This model's maximum context length is 128000 tokens.\"}}"],
];

export const EXCEPTIONS = [
  [
    'openai.RateLimitError',
    "Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o-mini in organization org-4a1b on tokens per min (TPM): Limit 200000, Used 199812, Requested 1024.', 'type': 'tokens', 'param': None, 'code': 'rate_limit_exceeded'}}",
  ],
  ['TimeoutError', 'The read operation timed out'],
  ['requests.exceptions.HTTPError', '503 Server Error: Service Unavailable for url: https://api.internal.example.com/v1/orders/A-10293'],
  ['KeyError', "'customer_id'"],
  ['ValueError', "Could not parse tool arguments: Expecting ',' delimiter: line 1 column 57 (char 56)"],
  ['mlflow.exceptions.MlflowException', 'Endpoint "databricks-meta-llama-3-3-70b-instruct" returned status 500: {"error_code": "INTERNAL_ERROR", "message": "upstream model failure"}'],
  ['sqlite3.OperationalError', 'database is locked'],
];

export const FRAMES = [
  ['site-packages/opentelemetry/trace/__init__.py', 'use_span', 'yield span'],
  ['site-packages/mlflow/tracing/fluent.py', 'start_span', 'yield mlflow_span'],
  ['site-packages/mlflow/tracing/fluent.py', '_wrapping_logic', 'result = yield  # sync/async function output to be sent here'],
  ['site-packages/mlflow/tracing/fluent.py', 'wrapper', 'return wrapping_coro.send(fn(*args, **kwargs))'],
  ['site-packages/openai/_base_client.py', '_request', 'raise self._make_status_error_from_response(err.response) from None'],
  ['site-packages/httpx/_transports/default.py', 'handle_request', 'resp = self._pool.handle_request(req)'],
  ['site-packages/requests/models.py', 'raise_for_status', 'raise HTTPError(http_error_msg, response=self)'],
  ['app/tools.py', 'call_tool', 'return TOOLS[name](**json.loads(arguments))'],
  ['app/agent.py', 'run_turn', 'result = self.llm.invoke(messages, tools=self.tools)'],
];

/** Words of a support conversation, for the generated sentences of the long-session and huge-trace benches. */
export const SUPPORT_WORDS = [
  'refund',
  'order',
  'invoice',
  'shipping',
  'account',
  'password',
  'delivery',
  'address',
  'warranty',
  'return',
  'label',
  'payment',
  'card',
  'discount',
  'coupon',
  'tracking',
  'parcel',
  'store',
  'manager',
  'policy',
];
