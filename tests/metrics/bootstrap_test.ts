import assert from "node:assert/strict";
import { bootstrapCi, percentile, rocAuc, summarizeMetrics } from "../../lib/metrics/mod.ts";
import { assertClose } from "./_approx.ts";

Deno.test("percentile: numpy linear interpolation", () => {
  assertClose(percentile([1, 2, 3, 4], 0.025), 1.075);
  assertClose(percentile([1, 2, 3, 4], 0.975), 3.925);
  assert.equal(percentile([5], 0.5), 5);
  assert.ok(Number.isNaN(percentile([], 0.5)));
});

Deno.test("bootstrapCi: stratified, so a separable set keeps AUC 1 and one positive keeps its recall", () => {
  const y = [0, 0, 0, 0, 1];
  const p = [0.1, 0.2, 0.3, 0.4, 0.9];
  const ci = bootstrapCi(y, p, (ys, ps) => ({
    auc: rocAuc(ys, ps),
    positives: ys.reduce((s, v) => s + v, 0),
  }), { replicates: 200, seed: 3 });
  assert.deepEqual(ci.auc, [1, 1]);
  assert.deepEqual(ci.positives, [1, 1]);
});

Deno.test("bootstrapCi: seeded, repeatable, and brackets the estimate", () => {
  const y = Array.from({ length: 60 }, (_, i) => i % 2);
  const p = y.map((v, i) =>
    Math.min(1, Math.max(0, 0.5 + (v ? 0.2 : -0.2) + ((i * 37) % 11 - 5) / 20))
  );
  const a = summarizeMetrics(y, p, { bootstrap: 300, seed: 7 });
  const b = summarizeMetrics(y, p, { bootstrap: 300, seed: 7 });
  const c = summarizeMetrics(y, p, { bootstrap: 300, seed: 8 });
  assert.deepEqual(a.ci, b.ci);
  assert.notDeepEqual(a.ci, c.ci);
  for (const key of ["accuracy", "roc_auc", "brier", "log_loss"] as const) {
    const [lo, hi] = a.ci![key];
    assert.ok(lo < a[key] && a[key] < hi, `${key}: ${lo} < ${a[key]} < ${hi}`);
  }
});

Deno.test("bootstrapCi: more than 100,000 replicates is refused with a message", () => {
  assert.throws(
    () => bootstrapCi([0, 1], [0.2, 0.8], () => ({ a: 0 }), { replicates: 100_001 }),
    /bootstrap replicates 100001: expected a whole number from 0 to 100000/,
  );
});
