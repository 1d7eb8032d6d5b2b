import assert from "node:assert/strict";
import { chooseThreshold, resolveThreshold } from "../../lib/evaluate/operating_point.ts";

// Validation: NORMAL at 0.1 and 0.6, PNEUMONIA at 0.4 and 0.8.
const y = [0, 0, 1, 1];
const p = [0.1, 0.6, 0.4, 0.8];

Deno.test("chooseThreshold: hand-computed thresholds for each rule", () => {
  // J per threshold: 0.8 -> 0.5 - 0 = 0.5; 0.6 -> 0.5 - 0.5 = 0; 0.4 -> 1 - 0.5 = 0.5; 0.1 -> 0.
  // Tie: the highest threshold wins.
  assert.deepEqual(chooseThreshold("youden", y, p), {
    threshold: 0.8,
    sensitivity: 0.5,
    specificity: 1,
  });
  // Sensitivity >= 0.95 first reached at 0.4, where one NORMAL (0.6) is above.
  assert.deepEqual(chooseThreshold("sens95", y, p), {
    threshold: 0.4,
    sensitivity: 1,
    specificity: 0.5,
  });
  assert.deepEqual(chooseThreshold("0.5", y, p), {
    threshold: 0.5,
    sensitivity: 0.5,
    specificity: 0.5,
  });
  assert.equal(chooseThreshold("youden", [1, 1], [0.2, 0.9]), null);
});

Deno.test("resolveThreshold: given wins, 0.5 is fixed, a rule reads validation only", async () => {
  let asked = 0;
  const val = () => {
    asked++;
    return Promise.resolve({ y, p });
  };
  assert.deepEqual(await resolveThreshold(0.3, { threshold: "youden" }, val), {
    rule: "given",
    threshold: 0.3,
    chosenOn: "given",
    valImages: 0,
  });
  assert.deepEqual(await resolveThreshold(undefined, { threshold: "0.5" }, val), {
    rule: "0.5",
    threshold: 0.5,
    chosenOn: "fixed",
    valImages: 0,
  });
  assert.equal(asked, 0, "validation is not predicted when no rule needs it");
  assert.deepEqual(await resolveThreshold(undefined, { threshold: "sens95" }, val), {
    rule: "sens95",
    threshold: 0.4,
    chosenOn: "val",
    valImages: 4,
  });
  const oneClass = () => Promise.resolve({ y: [1, 1], p: [0.2, 0.9] });
  assert.deepEqual(await resolveThreshold(undefined, { threshold: "youden" }, oneClass), {
    rule: "youden",
    threshold: 0.5,
    chosenOn: "fixed",
    valImages: 2,
  });
});
