import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { jsonVerifier } from 'stream-json/core/utils/verifier.js';

/**
 * stream-chain's "no value" marker, which flushes a flushable stage. It is registered with
 * `Symbol.for` precisely so separate copies of stream-chain agree on it; importing it would make
 * stream-chain (only stream-json's dependency, not ours) a direct import.
 */
export const FLUSH: unique symbol = Symbol.for('object-stream.none');

/** The stream-json tokenizer as called here: text in, tokens (or nothing) out. */
export type Tokenizer = (text: string | typeof FLUSH) => { values: Token[] } | typeof FLUSH;

/** The stream-json verifier as called here: text in, nothing of use out; it throws on bad JSON. */
export type Verifier = (text: string | typeof FLUSH) => unknown;

/** The error stream-json's verifier throws: `offset` counts UTF-16 units of the text it was fed. */
export interface VerifierError extends Error {
  offset: number;
}

/**
 * A tokenizer that streams keys and strings in pieces (so an over-long string never has to be
 * held whole) and packs numbers (so each arrives as one token).
 */
export function createTokenizer(): Tokenizer {
  return jsonParser({
    packKeys: false,
    packStrings: false,
    packNumbers: true,
    streamNumbers: false,
  }) as unknown as Tokenizer;
}

/** A verifier, which unlike the tokenizer reports where malformed JSON goes wrong. */
export function createVerifier(): Verifier {
  return jsonVerifier() as unknown as Verifier;
}

/** Whether `error` is a verifier error, which carries the offset of the offending character. */
export function isVerifierError(error: unknown): error is VerifierError {
  return error instanceof Error && typeof (error as Partial<VerifierError>).offset === 'number';
}
