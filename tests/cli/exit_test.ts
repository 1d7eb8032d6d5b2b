import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { userErrorExitCode } from "../../lib/cli/exit.ts";
import { CxrError } from "../../lib/errors.ts";

/** Calls `fn` with console.error captured. */
function captureError<T>(fn: () => T): { value: T; err: string } {
  const error = console.error;
  let err = "";
  console.error = (...a: unknown[]) => void (err += a.join(" ") + "\n");
  try {
    return { value: fn(), err };
  } finally {
    console.error = error;
  }
}

Deno.test("userErrorExitCode: CxrError and bad flags print one line; bugs are rethrown", () => {
  const c = captureError(() => userErrorExitCode(new CxrError("bad row 3", { exitCode: 4 }), "h"));
  assert.deepEqual(c, { value: 4, err: "error: bad row 3\n" });

  let parseError: unknown;
  try {
    parseArgs({ args: ["--bogus"], options: {}, strict: true });
  } catch (e) {
    parseError = e;
  }
  const p = captureError(() => userErrorExitCode(parseError, "deno task cxr x --help"));
  assert.equal(p.value, 2);
  assert.match(p.err, /^error: .*--bogus.* \(try: deno task cxr x --help\)\n$/);

  const bug = new RangeError("index out of range");
  assert.throws(() => captureError(() => userErrorExitCode(bug, "h")), (e) => e === bug);
});

Deno.test("userErrorExitCode: a multi-line parseArgs message prints as one line", () => {
  let parseError: unknown;
  try {
    // A value that starts with a dash: parseArgs explains over three lines.
    parseArgs({ args: ["--bootstrap", "-3"], options: { bootstrap: { type: "string" } } });
  } catch (e) {
    parseError = e;
  }
  const p = captureError(() => userErrorExitCode(parseError, "deno task cxr metrics --help"));
  assert.equal(p.value, 2);
  assert.equal(p.err.split("\n").length, 2, p.err); // one line and its newline
  assert.match(p.err, /^error: Option '--bootstrap' argument is ambiguous\. .*'--bootstrap=-XYZ'/);
});

Deno.test("userErrorExitCode: a disk or permission error prints one line with the path and the fix", () => {
  const full = Object.assign(new Error("No space left on device (os error 28)"), {
    code: "ENOSPC",
    target: "/runs/a/last/weights.bin",
  });
  const c = captureError(() => userErrorExitCode(full, "h"));
  assert.equal(c.value, 1);
  assert.equal(
    c.err,
    "error: no space left on the disk (ENOSPC) writing /runs/a/last/weights.bin; free space " +
      "there (or point --run-dir, --out or CXR_CACHE_DIR at another disk) and rerun the same " +
      "command: what was already written is kept\n",
  );
});
