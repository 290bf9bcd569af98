/**
 * The `tracetriage` commands that reproduce each view of a report, as text to paste in a POSIX
 * shell. Inputs and ids come from the command line and the traces: every argument is quoted
 * unless it is made only of characters a shell leaves alone, so a session id such as
 * `$(rm -rf ~)` or `a b` pastes as the literal it is.
 */
export interface ReproduceCommands {
  /** Every finding of the dump. */
  analyze: string;
  /** The session turn by turn. */
  session: (sessionId: string) => string;
  /** The findings of one session. */
  analyzeSession: (sessionId: string) => string;
  /** One trace, span by span. */
  trace: (traceId: string) => string;
  /** This report again, for one session. */
  report: (sessionId: string, format: 'markdown' | 'html') => string;
}

/** The commands for a report over `inputs` (as given on the command line). */
export function reproduceCommands(inputs: readonly string[]): ReproduceCommands {
  const files = inputs.map(shellQuote).join(' ');
  return {
    analyze: `tracetriage analyze ${files}`,
    session: (id) => `tracetriage session ${shellQuote(id)} ${files}`,
    analyzeSession: (id) => `tracetriage analyze ${files} --session ${shellQuote(id)}`,
    trace: (id) => `tracetriage trace ${shellQuote(id)} ${files}`,
    report: (id, format) => `tracetriage report ${files} --session ${shellQuote(id)} --format ${format}`,
  };
}

/**
 * One argument for a POSIX shell: bare when it is made of safe characters only, else in single
 * quotes (inside which nothing is special but the quote itself, written `'\''`). Control
 * characters cannot be pasted faithfully and are left to the renderer's escaping.
 */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/u.test(arg)) return arg;
  return `'${arg.replace(/'/gu, `'\\''`)}'`;
}
