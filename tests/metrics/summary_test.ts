import assert from "node:assert/strict";
import { summarizeMetrics } from "../../lib/metrics/mod.ts";
import { assertClose, SUMMARY_KEYS, TIES } from "./_approx.ts";

Deno.test("summarizeMetrics: exact keys and hand values", () => {
  const m = summarizeMetrics(TIES.y, TIES.p);
  assert.deepEqual(Object.keys(m), SUMMARY_KEYS);
  assert.equal(m.n, 6);
  assert.equal(m.threshold, 0.5);
  assert.deepEqual(m.confusion_matrix, [[2, 1], [1, 2]]);
  assertClose([m.accuracy, m.roc_auc, m.average_precision], [2 / 3, 7 / 9, 34 / 45]);
  assertClose([m.brier, m.ece], [1.22 / 6, 1 / 6]);
  assert.deepEqual(Object.keys(m.per_class), ["NORMAL", "PNEUMONIA"]);
});

Deno.test("summarizeMetrics: threshold moves the confusion matrix", () => {
  const m = summarizeMetrics(TIES.y, TIES.p, { threshold: 0.2 });
  // pred = [1,1,1,1,1,0]
  assert.deepEqual(m.confusion_matrix, [[1, 2], [0, 3]]);
  assert.equal(m.sensitivity, 1);
  assertClose(m.specificity, 1 / 3);
});

Deno.test("summarizeMetrics: single-class set -> AUC null in JSON, zero-division zeros", () => {
  const m = summarizeMetrics([1, 1, 1], [0.2, 0.6, 0.9], { bootstrap: 50, seed: 1 });
  const json = JSON.parse(JSON.stringify(m));
  assert.equal(json.roc_auc, null);
  assert.equal(json.average_precision, 1);
  assert.equal(json.specificity, 0);
  assert.deepEqual(json.per_class.NORMAL, { precision: 0, recall: 0, f1: 0, support: 0 });
  assert.deepEqual(json.ci.roc_auc, [null, null]);
  assert.deepEqual(Object.keys(json.ci), [
    "accuracy",
    "sensitivity",
    "specificity",
    "roc_auc",
    "average_precision",
    "log_loss",
    "brier",
    "ece",
  ]);
});
