import assert from "node:assert/strict";
import {
  bestAccuracyThreshold,
  operatingPointCheck,
  operatingPointSentence,
  ratesAt,
  THRESHOLD_LADDER,
} from "../../lib/shift/mod.ts";

// Three NORMAL (0) and three PNEUMONIA (1) test images; NORMAL ones scored up to 0.95.
const test = { yTrue: [0, 0, 0, 1, 1, 1], prob: [0.1, 0.6, 0.95, 0.55, 0.97, 0.99] };
// Validation drawn from the training folders: separated at 0.5.
const validation = { yTrue: [0, 1, 1, 0], prob: [0.2, 0.9, 0.96, 0.3] };

Deno.test("ratesAt: accuracy, sensitivity and specificity at a threshold (>= is PNEUMONIA)", () => {
  // 0.5: only 0.1 is NORMAL, so tp 3, tn 1.
  assert.deepEqual(ratesAt(test.yTrue, test.prob, 0.5), {
    threshold: 0.5,
    accuracy: 4 / 6,
    sensitivity: 1,
    specificity: 1 / 3,
  });
  // 0.97 itself counts as PNEUMONIA: tp 2 (0.97, 0.99), tn 3.
  assert.deepEqual(ratesAt(test.yTrue, test.prob, 0.97), {
    threshold: 0.97,
    accuracy: 5 / 6,
    sensitivity: 2 / 3,
    specificity: 1,
  });
  assert.ok(Number.isNaN(ratesAt([1, 1], [0.2, 0.8], 0.5).specificity));
  assert.throws(() => ratesAt([0, 1], [0.5], 0.5), /2 labels and 1 probabilities/);
});

Deno.test("bestAccuracyThreshold: over 0.5 and every probability; a tie keeps the lowest", () => {
  // Accuracies: 0.1 -> 3/6, 0.5 and 0.55 -> 4/6, 0.6 -> 3/6, 0.95 -> 4/6, 0.97 -> 5/6, 0.99 -> 4/6.
  assert.equal(bestAccuracyThreshold(test.yTrue, test.prob).threshold, 0.97);
  // Validation: 0.5 and 0.9 both reach 1; the lower one is kept.
  const v = bestAccuracyThreshold(validation.yTrue, validation.prob);
  assert.deepEqual([v.threshold, v.accuracy], [0.5, 1]);
});

Deno.test("operatingPointCheck: the ladder on both splits and the test oracle seen on validation", () => {
  const check = operatingPointCheck(validation, test);
  assert.equal(check.ladder.length, 2 * (THRESHOLD_LADDER.length + 1)); // 0.97 joins the ladder
  assert.deepEqual(
    check.ladder.filter((l) => l.split === "test").map((l) => l.rates.threshold),
    [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999],
  );
  assert.equal(check.testOracle.threshold, 0.97);
  assert.equal(check.atDefault.validation.accuracy, 1);
  // At 0.97 every validation image is called NORMAL: 2 of 4 right.
  assert.equal(check.validationAtOracle.accuracy, 0.5);
  assert.equal(check.validationBest.threshold, 0.5);
  assert.equal(
    operatingPointSentence(check),
    "At 0.5 the test accuracy is 0.667 (specificity 0.333). The best single threshold on the " +
      "test images, 0.9700, would give 0.833 (sensitivity 0.667, specificity 1.000): a " +
      "diagnostic that reads test labels, not a result. The same threshold lowers validation " +
      "accuracy from 1.000 to 0.500, so validation points away from it; the best validation " +
      "threshold is 0.5000 (accuracy 1.000).",
  );
});
