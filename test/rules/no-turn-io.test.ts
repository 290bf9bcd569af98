import rule from '../../src/rules/no-turn-io.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { chatTurn, makeTrace, traceIdOf } from '../helpers/trace-builder.js';

ruleTester(rule, {
  valid: [
    { name: 'a chat turn with I/O on its root', traces: [chatTurn({ key: 'ok', user: 'hello there', answer: 'hi, how can I help?' })] },
    {
      name: 'I/O only on a child span is still I/O',
      traces: [
        makeTrace({
          key: 'child',
          spans: [
            { id: 'aaaaaaaaaaaaaaaa', name: 'root' },
            { name: 'c', parent: 'aaaaaaaaaaaaaaaa', inputs: 'q', outputs: 'a' },
          ],
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'an app that keeps its I/O under its own keys',
      traces: [makeTrace({ key: 'custom', session: 's1', spans: [{ name: 'handle', attributes: { 'app.request_body': '{"q": "hi"}', 'app.reply': 'hello' } }] })],
      errors: [
        {
          messageId: 'noIo',
          sessionId: 's1',
          traceId: traceIdOf({ key: 'custom' }),
          turn: 1,
          path: '$.data.spans',
          message: "No span carries the turn's I/O and the trace has no previews: the turn is empty. Attribute keys seen: app.reply, app.request_body.",
          suggestion: /"carriers": \[\{"id": "my-app"/,
        },
      ],
    },
    {
      name: 'only the truncated previews',
      traces: [makeTrace({ key: 'prev', session: 's2', spans: [{ name: 'handle' }], metadata: { 'mlflow.traceInputs': '"what is up"', 'mlflow.traceOutputs': '"not much"' } })],
      errors: [{ messageId: 'previewOnly', turn: 1, message: /Attribute keys seen: none\.$/ }],
    },
  ],
});
