import { cut } from '../shared/text.js';
import { defineRule } from './api.js';
import { earlierMessages, missingStart } from './util/partial.js';

type MessageId = 'pagedExport' | 'firstTurnMissing';

/** Characters of a page token shown in a message. */
const TOKEN_SHOWN = 40;

/**
 * A dump that holds part of what happened reads as if it held all of it: `mlflow traces search`
 * returns 100 traces per page, and a one-page export shows a session's fourth turn as "turn 1",
 * a failure that built on a missing earlier turn as "isolated", and a root cause where there is
 * only the first failure the dump happens to hold. This rule says where the dump is partial —
 * an input that is one page of a longer search, a session whose first turn in the dump already
 * carries earlier exchanges in its model input — so that its verdicts are read for what they
 * are (error-propagation marks the ones at such a first turn), and so that CI does not take the
 * run for a clean one (`analyze` exits 1 on any of these findings: docs/analyze.md).
 */
export default defineRule<MessageId>({
  meta: {
    id: 'partial-dump',
    type: 'problem',
    description: 'The dump holds part of the conversations: an input is one page of a longer search, or a session starts mid-conversation (its first turn carries earlier exchanges).',
    severity: 'warn',
    messages: {
      pagedExport:
        'Input {{source}} is one page of a search, not all of it: more traces exist (next_page_token {{token}}); its sessions may lack turns, and verdicts at their first turn in the dump may have their cause in the turns not read.',
      firstTurnMissing:
        'Turns before turn 1 are not in the dump: its model input carries {{messages}} ("{{call}}"). Turn numbers in this session count from the first turn the dump holds (turn 1 of the dump), and a failure there may have its cause in the missing turns.',
    },
    suggestions: {
      pagedExport: 'Fetch every page (mlflow traces search … --page-token <token>, until next_page_token is null, or a larger --max-results) and analyse them together.',
      firstTurnMissing: 'Export the whole session: every page of mlflow traces search filtered on the session (metadata.`mlflow.trace.session`), over a time range that covers its start.',
    },
  },
  create(context) {
    return {
      session(session) {
        // A trace without a session that carries earlier exchanges is a turn cut from its
        // conversation: missing-session-id says so, with the fix.
        if (session.sessionless) return;
        const start = missingStart(session);
        const first = session.turns[0];
        if (start === null || start.carried === null || first === undefined) return;
        const { call, messages } = start.carried;
        context.report({
          messageId: 'firstTurnMissing',
          traceId: first.digest.traceId,
          spanId: call.spanId,
          path: call.path,
          data: { messages: earlierMessages(messages), call: call.name },
          evidence: [
            {
              spanId: call.spanId,
              path: call.path,
              kind: 'earlierMessages',
              label: `model call "${call.name}": ${earlierMessages(messages)} before the turn's own user message`,
            },
          ],
        });
      },
      // dumpExit reads only its DumpInput: nothing gathered over the sessions to merge.
      saveDump: () => null,
      dumpExit(dump) {
        for (const page of dump.pages) {
          context.report({
            messageId: 'pagedExport',
            key: `page:${page.source}`,
            data: { source: page.source, token: JSON.stringify(cut(page.token, TOKEN_SHOWN)) },
          });
        }
      },
    };
  },
});
