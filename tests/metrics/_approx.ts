import assert from "node:assert/strict";

/** Asserts |actual - expected| <= tol (elementwise for arrays); NaN equals NaN. */
export function assertClose(
  actual: number | number[],
  expected: number | number[],
  tol = 1e-12,
): void {
  const a = Array.isArray(actual) ? actual : [actual];
  const e = Array.isArray(expected) ? expected : [expected];
  assert.equal(a.length, e.length, `length ${a.length} != ${e.length}`);
  a.forEach((x, i) => {
    if (Number.isNaN(e[i])) assert.ok(Number.isNaN(x), `[${i}] ${x} is not NaN`);
    else assert.ok(Math.abs(x - e[i]) <= tol, `[${i}] ${x} != ${e[i]} (tol ${tol})`);
  });
}

/** Tied scores: y and p used across the metric tests. Hand values in each test. */
export const TIES = { y: [0, 1, 0, 1, 1, 0], p: [0.2, 0.2, 0.6, 0.6, 0.9, 0.1] };

/**
 * Keys of a metrics summary (`metrics.json`, `cxr metrics --json`) in their documented order,
 * spelled out so a renamed or reordered key fails the tests; `ci` follows when bootstrapping.
 */
export const SUMMARY_KEYS = [
  "n",
  "threshold",
  "accuracy",
  "confusion_matrix",
  "per_class",
  "macro_avg",
  "weighted_avg",
  "sensitivity",
  "specificity",
  "roc_auc",
  "average_precision",
  "log_loss",
  "brier",
  "ece",
];
