import assert from "node:assert/strict";
import { summarizeMetrics } from "../../lib/metrics/mod.ts";
import {
  classificationRows,
  confusionRows,
  perSeedRows,
  scalarRows,
} from "../../lib/notebook/tables.ts";

// y = 0,0,1,1 with p = 0.1,0.6,0.7,0.2: TN 1, FP 1, FN 1, TP 1.
const m = summarizeMetrics([0, 0, 1, 1], [0.1, 0.6, 0.7, 0.2]);

Deno.test("classificationRows: scikit-learn layout with hand-computed values", () => {
  const rows = classificationRows(m);
  assert.deepEqual(rows.map((r) => r[""]), [
    "NORMAL",
    "PNEUMONIA",
    "accuracy",
    "macro avg",
    "weighted avg",
  ]);
  assert.deepEqual(rows[0], {
    "": "NORMAL",
    precision: "0.5000",
    recall: "0.5000",
    "f1-score": "0.5000",
    support: "2",
  });
  assert.equal(rows[2]["f1-score"], "0.5000");
  assert.equal(rows[2].support, "4");
});

Deno.test("confusionRows and scalarRows", () => {
  assert.deepEqual(confusionRows(m), [
    { "true \\ predicted": "NORMAL", NORMAL: 1, PNEUMONIA: 1 },
    { "true \\ predicted": "PNEUMONIA", NORMAL: 1, PNEUMONIA: 1 },
  ]);
  const s = scalarRows(m);
  assert.equal(s[0].metric, "accuracy");
  assert.equal(s[0].value, "0.5000");
  assert.equal(s[0]["95% CI"], ""); // no bootstrap
  // AUC: pairs (pos, neg): (0.7 > 0.1), (0.7 > 0.6), (0.2 > 0.1), (0.2 < 0.6) -> 3/4
  assert.equal(s.find((r) => r.metric === "roc_auc")!.value, "0.7500");
});

Deno.test("perSeedRows: four decimals; a null AUC (one-class set, read from JSON) is n/a", () => {
  const oneClass = JSON.parse(JSON.stringify(summarizeMetrics([1, 1], [0.9, 0.4])));
  assert.equal(oneClass.roc_auc, null);
  assert.deepEqual(perSeedRows([{ seed: 1, metrics: m }, { seed: 2, metrics: oneClass }]), [
    {
      seed: 1,
      accuracy: "0.5000",
      sensitivity: "0.5000",
      specificity: "0.5000",
      "ROC AUC": "0.7500",
    },
    { seed: 2, accuracy: "0.5000", sensitivity: "0.5000", specificity: "0.0000", "ROC AUC": "n/a" },
  ]);
});
