import assert from "node:assert/strict";
import { confusionMatrix, predictAt, sensitivity, specificity } from "../../lib/metrics/mod.ts";
import { TIES } from "./_approx.ts";

Deno.test("predictAt: prob >= threshold is positive", () => {
  assert.deepEqual(predictAt([0.49, 0.5, 0.51, 0], 0.5), [0, 1, 1, 0]);
  assert.deepEqual(predictAt([0.2, 0.6], 0.6), [0, 1]);
});

Deno.test("confusionMatrix: [[tn, fp], [fn, tp]] and rates", () => {
  const cm = confusionMatrix(TIES.y, predictAt(TIES.p));
  // pred = [0,0,1,1,1,0]: tn idx 0,5; fp idx 2; fn idx 1; tp idx 3,4.
  assert.deepEqual(cm, [[2, 1], [1, 2]]);
  assert.equal(sensitivity(cm), 2 / 3);
  assert.equal(specificity(cm), 2 / 3);
});

Deno.test("sensitivity/specificity: zero division gives 0", () => {
  assert.equal(sensitivity([[3, 1], [0, 0]]), 0);
  assert.equal(specificity([[0, 0], [1, 2]]), 0);
});

Deno.test("confusionMatrix: rejects non-0/1 labels and length mismatch", () => {
  assert.throws(() => confusionMatrix([0, 2], [0, 1]), /label at index 1/);
  assert.throws(() => confusionMatrix([0, 1], [0]), /differ in length/);
});
