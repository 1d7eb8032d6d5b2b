import assert from "node:assert/strict";
import { averagePrecision, precisionRecallCurve } from "../../lib/metrics/mod.ts";
import { assertClose, TIES } from "./_approx.ts";

Deno.test("precisionRecallCurve: increasing thresholds, ends at (recall 0, precision 1)", () => {
  const pr = precisionRecallCurve(TIES.y, TIES.p);
  assert.deepEqual(pr.thresholds, [0.1, 0.2, 0.6, 0.9]);
  assertClose(pr.precision, [0.5, 0.6, 2 / 3, 1, 1]);
  assertClose(pr.recall, [1, 1, 2 / 3, 1 / 3, 0]);
});

Deno.test("averagePrecision: step-wise sum, no interpolation", () => {
  // (1/3)*1 + (1/3)*(2/3) + (1/3)*(3/5) + 0*(1/2) = 34/45
  assertClose(averagePrecision(TIES.y, TIES.p), 34 / 45);
  // y [0,0,1,1], p [.1,.4,.35,.8]: 0.5*1 + 0.5*(2/3)
  assertClose(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 5 / 6);
});

Deno.test("averagePrecision: all positive is 1, no positive is NaN", () => {
  assert.equal(averagePrecision([1, 1, 1], [0.2, 0.6, 0.9]), 1);
  assert.ok(Number.isNaN(averagePrecision([0, 0, 0], [0.2, 0.6, 0.9])));
});
