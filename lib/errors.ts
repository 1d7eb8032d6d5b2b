/**
 * One error type for mistakes a user can fix (bad path, bad flag, bad file).
 *
 * The CLI prints a `CxrError` as one line, without a stack trace; anything else is a bug and
 * keeps its stack.
 *
 * @module
 */

/** A user-facing error whose message says what is wrong, where, and how to fix it. */
export class CxrError extends Error {
  /** Exit code the CLI uses for this error (2 for usage errors, 1 otherwise). */
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "CxrError";
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Throws a {@linkcode CxrError}; handy in expressions (`x ?? fail("...")`). */
export function fail(message: string, options?: { exitCode?: number; cause?: unknown }): never {
  throw new CxrError(message, options);
}
