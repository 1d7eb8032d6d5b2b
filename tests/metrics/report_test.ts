import assert from "node:assert/strict";
import { classificationReport } from "../../lib/metrics/mod.ts";
import { assertClose } from "./_approx.ts";

Deno.test("classificationReport: zero division -> 0 (everything predicted PNEUMONIA)", () => {
  // y = [0,1,1], all predicted 1: tn 0, fp 1, fn 0, tp 2.
  const r = classificationReport([[0, 1], [0, 2]]);
  assert.deepEqual(r.perClass.NORMAL, { precision: 0, recall: 0, f1: 0, support: 1 });
  assertClose(r.perClass.PNEUMONIA.precision, 2 / 3);
  assert.equal(r.perClass.PNEUMONIA.recall, 1);
  assertClose(r.perClass.PNEUMONIA.f1, 0.8); // 2*2 / (2*2 + 1 + 0)
  assert.equal(r.perClass.PNEUMONIA.support, 2);
  assertClose(r.accuracy, 2 / 3);
  assertClose([r.macroAvg.precision, r.macroAvg.recall, r.macroAvg.f1], [1 / 3, 0.5, 0.4]);
  // weighted by support 1 and 2: precision (0 + 2 * 2/3) / 3, f1 (0 + 2 * 0.8) / 3.
  assertClose([r.weightedAvg.precision, r.weightedAvg.recall, r.weightedAvg.f1], [
    4 / 9,
    2 / 3,
    1.6 / 3,
  ]);
});

Deno.test("classificationReport: unequal classes", () => {
  // tn 5, fp 1, fn 2, tp 8 (n 16).
  const r = classificationReport([[5, 1], [2, 8]]);
  assertClose([r.perClass.NORMAL.precision, r.perClass.NORMAL.recall], [5 / 7, 5 / 6]);
  assertClose(r.perClass.NORMAL.f1, 10 / 13); // 2*5 / (10 + 2 + 1)
  assertClose([r.perClass.PNEUMONIA.precision, r.perClass.PNEUMONIA.recall], [8 / 9, 0.8]);
  assertClose(r.perClass.PNEUMONIA.f1, 16 / 19);
  assertClose(r.accuracy, 13 / 16);
  assertClose(r.macroAvg.f1, (10 / 13 + 16 / 19) / 2);
  assertClose(r.weightedAvg.recall, 13 / 16); // weighted recall equals accuracy
  assertClose(r.weightedAvg.precision, (6 * 5 / 7 + 10 * 8 / 9) / 16);
});

Deno.test("classificationReport: empty matrix is all zeros", () => {
  const r = classificationReport([[0, 0], [0, 0]]);
  assert.equal(r.accuracy, 0);
  assert.deepEqual(r.weightedAvg, { precision: 0, recall: 0, f1: 0 });
});
