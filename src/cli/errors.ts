/** A known failure: printed as one clean line, exit code 2. Unknown errors keep their stack (`--debug`). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: 'usage' | 'input' | 'output',
  ) {
    super(message);
    this.name = 'CliError';
  }
}
