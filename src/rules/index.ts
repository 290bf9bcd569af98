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

/** Every rule, in the order `tracetriage rules` lists them: the core rules first. */
export const RULES: readonly RuleModule[] = [
  errorPropagation as RuleModule,
  scorerErrorAssessment as RuleModule,
  wrapperRootSpan as RuleModule,
  noTurnIo as RuleModule,
  spanTreeIntegrity as RuleModule,
  missingSessionId as RuleModule,
  sessionAssessmentPlacement as RuleModule,
  conflictingAssessments as RuleModule,
  tokenGrowth as RuleModule,
  historyTruncation as RuleModule,
  retryStorm as RuleModule,
  turnGap as RuleModule,
  systemicFailure as RuleModule,
];
