// The exit status is decided in src/engine/outcome.ts (the API reports the same verdict); the
// closing line that states it on stderr is the CLI's.
import type { ExitVerdict } from '../engine/outcome.js';

export { exitVerdict, OutcomeCounter, partialDump } from '../engine/outcome.js';
export type { CommandOutcome, ExitCode, ExitVerdict, ReadOutcome } from '../engine/outcome.js';

/** The closing line on stderr: the status the process returns, and why. */
export function closingLine(verdict: ExitVerdict): string {
  return `tracetriage: exit ${verdict.code}: ${verdict.reason}\n`;
}
