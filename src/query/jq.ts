import type { Jq } from 'jq-wasm';
import { QuerySyntaxError } from './errors.js';

/** A trace for jq: its JSON text as read (so 19-digit integers keep their digits), or a parsed value. */
export type JqDoc = string | object;

/**
 * What jq made of a batch, in order: each output as the compact JSON text jq printed (one line
 * each for the CLI), a runtime error of one trace (jq reports it and goes on with the next input,
 * and so do we), or what the program wrote to stderr (`debug`, `stderr`).
 */
export type JqOutput =
  | { readonly kind: 'value'; readonly json: string }
  | { readonly kind: 'error'; readonly index: number; readonly message: string }
  | { readonly kind: 'stderr'; readonly text: string };

/** A compiled jq program that traces are fed to. */
export interface JqRunner {
  /** Runs the program on each doc; `index` in an error is the doc's place in `docs`. */
  push(docs: readonly JqDoc[]): Promise<JqOutput[]>;
  /** Lets go of the wasm instance; the runner takes no more docs. */
  close(): void;
}

/** Traces per jq call: one call per trace would pay the wasm round trip each time. */
const BATCH_TRACES = 64;
/** Characters per jq call, so a batch of large traces does not balloon the wasm heap. */
const BATCH_CHARS = 16 * 1024 * 1024;

/**
 * Compiles `program` with real jq 1.8.2 (`jq-wasm`, pinned to `3.0.0-jq-1.8.2`: the package's
 * `latest` build corrupts its memory after a few hundred calls), loaded only now. Each batch runs
 * as `.[] | (program)` over an array of traces, so outputs come out in trace order; a compile
 * error is a `QuerySyntaxError('jq')` with jq's message and the column in `program`. An empty
 * program is `.`, as for the jq command. `input`, `inputs`, `halt` and `halt_error` act on the
 * batch, not on the whole stream.
 */
export async function createJq(program: string): Promise<JqRunner> {
  const { loadJq } = await import('jq-wasm');
  let jq: Jq | null = await loadJq();
  const body = program.trim() === '' ? '.' : program;
  // The newlines keep a trailing `# comment` in the program from swallowing the closing paren.
  const wrapped = `.[] | (\n${body}\n)`;
  const check = jq.raw('[]', wrapped, ['-c']);
  if (check.exitCode !== 0) throw compileError(check.stderr, body);

  const run = (texts: readonly string[], first: number, out: JqOutput[]): void => {
    const result = jq!.raw(`[${texts.join(',')}]`, wrapped, ['-c']);
    if (result.exitCode === 0) {
      for (const json of lines(result.stdout)) out.push({ kind: 'value', json });
      if (result.stderr !== '') out.push({ kind: 'stderr', text: result.stderr });
      return;
    }
    if (texts.length > 1) {
      // An error ends jq's run of the whole batch: run its traces one by one to tell which trace
      // failed, and to keep the outputs of the others, as the jq command does per input.
      texts.forEach((text, i) => run([text], first + i, out));
      return;
    }
    for (const json of lines(result.stdout)) out.push({ kind: 'value', json });
    const { before, message } = runtimeError(result.stderr);
    if (before !== '') out.push({ kind: 'stderr', text: before });
    out.push({ kind: 'error', index: first, message });
  };

  return {
    async push(docs) {
      if (jq === null) throw new Error('jq runner used after close');
      const out: JqOutput[] = [];
      let batch: string[] = [];
      let chars = 0;
      let first = 0;
      docs.forEach((doc, i) => {
        const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
        if (batch.length > 0 && (batch.length >= BATCH_TRACES || chars + text.length > BATCH_CHARS)) {
          run(batch, first, out);
          batch = [];
          chars = 0;
          first = i;
        }
        batch.push(text);
        chars += text.length;
      });
      if (batch.length > 0) run(batch, first, out);
      return out;
    },
    close() {
      jq = null;
    },
  };
}

/** `jq -c` prints one value per line; a string's newlines are escaped, so lines are values. */
function lines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line !== '');
}

/**
 * Splits what a failed run wrote to stderr into what the program printed before (`debug`) and
 * the error: `jq: error (at /dev/stdin:0): boom` → `boom`, as the place jq names is a line of the
 * batch we built, which means nothing to the user. What `halt_error` printed is the message as is.
 */
function runtimeError(stderr: string): { before: string; message: string } {
  const text = stderr.trimEnd();
  const at = text.lastIndexOf('jq: error (at ');
  if (at < 0 || (at > 0 && text[at - 1] !== '\n')) return { before: '', message: text };
  return { before: text.slice(0, Math.max(0, at - 1)), message: text.slice(at).replace(/^jq: error \(at [^)]*\)(:\s*)?/, '') };
}

/**
 * jq's first compile error, placed in the user's program: jq counts lines of the wrapped text
 * (one more than the program's) and columns in bytes from 1.
 */
function compileError(stderr: string, program: string): QuerySyntaxError {
  const located = /^jq: error: ([\s\S]*?) at <top-level>, line (\d+), column (\d+):/m.exec(stderr);
  if (located === null) {
    const first = stderr.split('\n').find((line) => line.startsWith('jq: error')) ?? stderr.split('\n')[0] ?? '';
    return new QuerySyntaxError(`jq cannot compile the program: ${first.replace(/^jq: error:\s*/, '')}`, 'jq', program, null);
  }
  const message = `jq cannot compile the program: ${located[1]}`;
  const programLines = program.split('\n');
  const line = Number(located[2]) - 1;
  if (line < 1 || line > programLines.length) return new QuerySyntaxError(message, 'jq', program, program.length + 1);
  const before = programLines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  const bytes = new TextEncoder().encode(programLines[line - 1]).subarray(0, Math.max(0, Number(located[3]) - 1));
  return new QuerySyntaxError(message, 'jq', program, before + new TextDecoder().decode(bytes).length + 1);
}
