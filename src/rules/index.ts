import type { RuleModule } from './api.js';
import errorPropagation from './error-propagation.js';
import scorerErrorAssessment from './scorer-error-assessment.js';
import wrapperRootSpan from './wrapper-root-span.js';
import noTurnIo from './no-turn-io.js';
import spanTreeIntegrity from './span-tree-integrity.js';
import missingSessionId from './missing-session-id.js';
import sessionAssessmentPlacement from './session-assessment-placement.js';
import conflictingAssessments from './conflicting-assessments.js';
import tokenGrowth from './token-growth.js';
import historyTruncation from './history-truncation.js';
import retryStorm from './retry-storm.js';
import turnGap from './turn-gap.js';
import systemicFailure from './systemic-failure.js';
import partialDump from './partial-dump.js';

// Each rule keeps its own message-id and options types; `never` options let the table hold them all.
const TABLE: ReadonlyArray<RuleModule<string, never>> = [
  errorPropagation,
  scorerErrorAssessment,
  wrapperRootSpan,
  noTurnIo,
  spanTreeIntegrity,
  missingSessionId,
  sessionAssessmentPlacement,
  conflictingAssessments,
  tokenGrowth,
  historyTruncation,
  retryStorm,
  turnGap,
  systemicFailure,
  partialDump,
];

/** Every rule, in the order `tracetriage rules` lists them: the core rules first. */
export const RULES = TABLE as readonly RuleModule[];
