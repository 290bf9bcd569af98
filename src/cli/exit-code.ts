// The exit status is decided in src/engine/outcome.ts (the API reports the same verdict as data);
// here it is only applied: the closing line on stderr, and the process's status.
import type { CommandOutcome, ExitVerdict } from '../engine/outcome.js';
import { safeText } from '../shared/escape/terminal.js';
import { writeErr } from './progress.js';

/** The closing line on stderr: the status the process returns, and why. */
export function closingLine(verdict: ExitVerdict): string {
  return `tracetriage: exit ${verdict.code}: ${verdict.reason}\n`;
}

/**
 * Applies a verdict: its closing line on stderr when it is not 0, unless `said` (the command's
 * own output states it already), and the process's exit status.
 */
export function applyVerdict(verdict: ExitVerdict, said = false): void {
  if (verdict.code !== 0 && !said) writeErr(closingLine(verdict));
  process.exitCode = verdict.code;
}

/**
 * A command's outcome as the CLI says it: what is missing (ids from the command line and the
 * traces, made safe for a terminal), followed by the command that lists what is there.
 */
export function missingHint(command: CommandOutcome, hint: string): CommandOutcome {
  return command.missing ? { ...command, missing: `${safeText(command.missing)}; ${hint}` } : command;
}
