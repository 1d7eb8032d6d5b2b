import assert from "node:assert/strict";
import { thresholdForRecall, youdenThreshold } from "../../lib/metrics/mod.ts";

const y = [1, 1, 1, 0, 1, 0, 0, 0];
const p = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2];

Deno.test("youdenThreshold: max J, ties to the highest threshold", () => {
  // J: .9 -> .25, .8 -> .5, .7 -> .75, .6 -> .5, .5 -> .75 (tie), then falling.
  assert.deepEqual(youdenThreshold(y, p), { threshold: 0.7, sensitivity: 0.75, specificity: 1 });
  assert.deepEqual(youdenThreshold([0, 1], [0.2, 0.8]), {
    threshold: 0.8,
    sensitivity: 1,
    specificity: 1,
  });
  assert.equal(youdenThreshold([1, 1], [0.2, 0.8]), null);
});

Deno.test("thresholdForRecall: highest threshold reaching the target", () => {
  assert.deepEqual(thresholdForRecall(y, p, 0.95), {
    threshold: 0.5,
    sensitivity: 1,
    specificity: 0.75,
  });
  assert.deepEqual(thresholdForRecall(y, p, 0.7), {
    threshold: 0.7,
    sensitivity: 0.75,
    specificity: 1,
  });
  assert.deepEqual(thresholdForRecall(y, p, 0.25), {
    threshold: 0.9,
    sensitivity: 0.25,
    specificity: 1,
  });
  assert.equal(thresholdForRecall([0, 0], [0.1, 0.2], 0.9), null);
});
