/**
 * How an entry point (`cxr`, `reproduce`, `check_notebooks`) ends on an error: a user mistake
 * prints one line, no stack, and picks the exit code; anything else is a bug and keeps its stack.
 *
 * @module
 */
import { CxrError } from "../errors.ts";
import { diskErrorMessage } from "../util/disk_error.ts";

/**
 * Prints `err` as one `error: ...` line and returns its exit code when it is a user mistake:
 * a {@linkcode CxrError} (its own code), a full disk or a permission error (1, naming the path and
 * the fix, lib/util/disk_error.ts) or a malformed flag from `node:util` parseArgs (2, with
 * "try: `help`"). Rethrows anything else.
 */
export function userErrorExitCode(err: unknown, help: string): number {
  if (err instanceof CxrError) {
    console.error(`error: ${err.message}`);
    return err.exitCode;
  }
  const disk = diskErrorMessage(err);
  if (disk) {
    console.error(`error: ${disk}`);
    return 1;
  }
  // node:util parseArgs throws TypeErrors with a code for unknown or malformed flags.
  const code = (err as { code?: string }).code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
    // Some of its messages span lines (an ambiguous "-3" value adds a question and a hint).
    const message = (err as Error).message.split("\n").map((l) => l.trim()).filter(Boolean);
    console.error(`error: ${message.join(" ")} (try: ${help})`);
    return 2;
  }
  throw err;
}
