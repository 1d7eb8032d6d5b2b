import assert from "node:assert/strict";
import { countFlag, isUnit, numberFlag, requiredFlag } from "../../lib/cli/_flags.ts";
import { CxrError } from "../../lib/errors.ts";

const usage = (pattern: RegExp) => (e: unknown) =>
  e instanceof CxrError && e.exitCode === 2 && pattern.test(e.message);

Deno.test("countFlag: whole numbers >= 0, undefined when absent, usage error otherwise", () => {
  assert.equal(countFlag("seed", "0"), 0);
  assert.equal(countFlag("seed", "42"), 42);
  assert.equal(countFlag("seed", undefined), undefined);
  assert.throws(
    () => countFlag("seed", "-1"),
    usage(/--seed must be a non-negative integer, got '-1'/),
  );
  assert.throws(() => countFlag("images", "2.5"), usage(/--images .* got '2\.5'/));
  assert.throws(() => countFlag("size", "abc"), usage(/--size/));
});

Deno.test("numberFlag: fallback when absent, the check decides, blanks refused", () => {
  assert.equal(numberFlag("threshold", undefined, 0.5, isUnit, "a number in [0, 1]"), 0.5);
  assert.equal(numberFlag("threshold", "0.25", 0.5, isUnit, "a number in [0, 1]"), 0.25);
  assert.throws(
    () => numberFlag("threshold", "1.5", 0.5, isUnit, "a number in [0, 1]"),
    usage(/--threshold 1\.5: expected a number in \[0, 1\]/),
  );
  assert.throws(() => numberFlag("threshold", " ", 0.5, isUnit, "x"), usage(/--threshold/));
});

Deno.test("requiredFlag: the value, or a usage error (exit 2) naming the flag", () => {
  assert.equal(requiredFlag("--run-dir DIR", "runs/a"), "runs/a");
  assert.throws(
    () => requiredFlag("--run-dir DIR", undefined),
    (e) =>
      e instanceof CxrError && e.exitCode === 2 &&
      e.message === "--run-dir DIR is required (try --help)",
  );
});
