import assert from "node:assert/strict";
import { rocAuc, rocCurve } from "../../lib/metrics/mod.ts";
import { assertClose, TIES } from "./_approx.ts";

Deno.test("rocCurve: tied scores make one diagonal step", () => {
  const roc = rocCurve(TIES.y, TIES.p);
  assert.deepEqual(roc.thresholds, [Infinity, 0.9, 0.6, 0.2, 0.1]);
  assertClose(roc.fpr, [0, 0, 1 / 3, 2 / 3, 1]);
  assertClose(roc.tpr, [0, 1 / 3, 2 / 3, 1, 1]);
});

Deno.test("rocAuc: hand values (ties count one half)", () => {
  // Pairs (pos, neg): 0.9 beats 3; 0.6 beats 2 and ties 1; 0.2 beats 1 and ties 1 -> 7/9.
  assertClose(rocAuc(TIES.y, TIES.p), 7 / 9);
  assertClose(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75);
  assert.equal(rocAuc([0, 1], [0.3, 0.3]), 0.5);
  assert.equal(rocAuc([1, 0], [0.9, 0.1]), 1);
  assert.equal(rocAuc([1, 0], [0.1, 0.9]), 0);
});

Deno.test("rocAuc: one class only is NaN", () => {
  assert.ok(Number.isNaN(rocAuc([1, 1, 1], [0.2, 0.6, 0.9])));
  assert.ok(Number.isNaN(rocAuc([0, 0], [0.2, 0.6])));
});
