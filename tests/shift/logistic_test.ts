import assert from "node:assert/strict";
import {
  crossValidatedAuc,
  fitLogistic,
  predictLogistic,
  stratifiedFolds,
} from "../../lib/shift/mod.ts";
import { CxrError } from "../../lib/errors.ts";

Deno.test("fitLogistic: two symmetric points solve w = 2 sigmoid(-w) (l2 = 1), intercept 0", () => {
  // Standardised x is -1 and +1. Stationarity: sum (p - y) z + w = 0 gives -2 sigmoid(-w) + w = 0.
  const m = fitLogistic([[-3], [5]], [0, 1], { l2: 1 });
  const w = m.weights[0];
  assert.ok(Math.abs(w - 2 / (1 + Math.exp(w))) < 1e-9, `w = ${w}`);
  assert.ok(Math.abs(w - 0.6749) < 1e-3);
  assert.ok(Math.abs(m.intercept) < 1e-12);
  assert.deepEqual(m.mean, [1]);
  assert.deepEqual(m.scale, [4]);
  const [p0, p1] = predictLogistic(m, [[-3], [5]]);
  assert.ok(Math.abs(p0 + p1 - 1) < 1e-12 && p1 > 0.5);
});

Deno.test("stratifiedFolds: each class dealt evenly over the folds, seeded", () => {
  const y = [...new Array(10).fill(0), ...new Array(15).fill(1)];
  const folds = stratifiedFolds(y, 5, 3);
  for (let f = 0; f < 5; f++) {
    assert.equal(folds.filter((v, i) => v === f && y[i] === 0).length, 2);
    assert.equal(folds.filter((v, i) => v === f && y[i] === 1).length, 3);
  }
  assert.deepEqual(stratifiedFolds(y, 5, 3), folds);
  assert.notDeepEqual(stratifiedFolds(y, 5, 4), folds);
});

Deno.test("crossValidatedAuc: separable data scores 1, identical groups 0.5", () => {
  const x = [
    ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => [v, 1]),
    ...[20, 21, 22, 23, 24, 25, 26, 27, 28, 29].map((v) => [v, 1]),
  ];
  const y = [...new Array(10).fill(0), ...new Array(10).fill(1)];
  const sep = crossValidatedAuc(x, y, { folds: 5, seed: 1 });
  assert.equal(sep.auc, 1);
  assert.deepEqual(sep.foldAuc, [1, 1, 1, 1, 1]);
  assert.ok(sep.model.weights[0] > 0);
  // Constant features, 2 + 2 per fold: every training fold is balanced, so every
  // out-of-fold probability is sigmoid(0) = 0.5 and the AUC is exactly 0.5.
  const flat = crossValidatedAuc(y.map(() => [3, 7]), y, { folds: 5 });
  assert.ok(flat.oof.every((p) => p === 0.5));
  assert.equal(flat.auc, 0.5);
});

Deno.test("crossValidatedAuc: too few rows per class or bad labels say so", () => {
  assert.throws(
    () => crossValidatedAuc([[1], [2], [3]], [0, 1, 1], { folds: 2 }),
    (e: Error) => e instanceof CxrError && /at least 2 rows of each class/.test(e.message),
  );
  assert.throws(() => fitLogistic([[1], [2]], [0, 2]), CxrError);
  assert.throws(() => fitLogistic([[1], [NaN]], [0, 1]), CxrError);
});
