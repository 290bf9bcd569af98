/** A command of the CLI campaign. */
export declare const COMMANDS: ReadonlyArray<{ name: string; args: string[]; forEyes: boolean }>;
/** One thing that went wrong on one command. */
export interface CliFailure {
  class: string;
  command: string;
  detail: string;
}
/** Runs every command over the records (one JSON text a line); what went wrong. */
export declare function checkRecords(lines: readonly string[]): Promise<CliFailure[]>;
