import rule from '../../src/rules/wrapper-root-span.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { chatTurn, hexOf, makeTrace, spanIdOf, traceIdOf } from '../helpers/trace-builder.js';

const handler = hexOf('span/wrap/handler', 16);
const inner = hexOf('span/wrap/inner', 16);

ruleTester(rule, {
  valid: [
    { name: 'the root carries the turn', traces: [chatTurn({ key: 'plain', user: 'Where is my order AC-1?', answer: 'It shipped yesterday.' })] },
    {
      name: 'no I/O anywhere is no-turn-io, not a wrapper',
      traces: [makeTrace({ key: 'empty', session: 's', spans: [{ name: 'handler' }, { name: 'child', parent: hexOf('span/empty/handler', 16) }] })],
    },
  ],
  invalid: [
    {
      name: 'a wrapper root over the agent (depth 1)',
      traces: [
        makeTrace({
          key: 'wrap',
          session: 'sess-w',
          spans: [
            { id: handler, name: 'POST /chat' },
            { id: inner, parent: handler, name: 'support_agent', type: 'AGENT', inputs: { messages: [{ role: 'user', content: 'hi' }] }, outputs: 'hello' },
          ],
        }),
      ],
      errors: [
        {
          messageId: 'wrapperRoot',
          sessionId: 'sess-w',
          traceId: traceIdOf({ key: 'wrap' }),
          spanId: inner,
          turn: 1,
          path: '$.data.spans[1]',
          severity: 'warn',
          message: 'Root span "POST /chat" has no input or output; the turn\'s I/O is on "support_agent" at depth 1 (via POST /chat), read with carrier mlflow.span.',
          evidenceKinds: ['wrapperRoot', 'ioSpan'],
        },
      ],
    },
    {
      name: 'a root with input only, the answer two levels down',
      traces: [
        makeTrace({
          key: 'deep',
          session: 'sess-d',
          spans: [
            { name: 'handler', inputs: { q: 'hi' } },
            { name: 'middle', parent: spanIdOf('deep', { name: 'handler' }) },
            { name: 'agent', parent: spanIdOf('deep', { name: 'middle' }), type: 'AGENT', inputs: { q: 'hi' }, outputs: 'hello' },
          ],
        }),
      ],
      errors: [{ messageId: 'wrapperRoot', turn: 1, spanId: spanIdOf('deep', { name: 'agent' }), message: /^Root span "handler" has no output; .* at depth 2 \(via handler > middle\)/ }],
    },
  ],
});
