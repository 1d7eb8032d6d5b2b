/**
 * L2-regularised logistic regression (Newton's method on standardised features) and a seeded,
 * stratified k-fold cross-validated ROC AUC: a shift classifier. If a classifier on simple
 * image statistics tells two groups of images apart (AUC well above 0.5), the groups differ in
 * ways a network can pick up too.
 *
 * @module
 */
import { fail } from "../errors.ts";
import { rocAuc } from "../metrics/mod.ts";
import { Rng } from "../util/rng.ts";

/** A fitted model: `p = sigmoid(intercept + sum_j weights[j] * (x[j] - mean[j]) / scale[j])`. */
export interface LogisticModel {
  intercept: number;
  /** Weights of the standardised features (comparable in size across features). */
  weights: number[];
  mean: number[];
  scale: number[];
}

/** Options for {@linkcode fitLogistic}. */
export interface LogisticOptions {
  /** L2 penalty `l2 / 2 * |w|^2` on the weights (not the intercept), as scikit-learn's C = 1 / l2. Default 1. */
  l2?: number;
  /** Newton steps at most. Default 50. */
  maxIter?: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function checkData(x: number[][], y: number[]): number {
  if (x.length !== y.length || x.length === 0) {
    fail(`logistic regression: ${x.length} feature rows for ${y.length} labels`);
  }
  const d = x[0].length;
  if (x.some((row) => row.length !== d || row.some((v) => !Number.isFinite(v)))) {
    fail(`logistic regression: every feature row needs ${d} finite numbers`);
  }
  if (y.some((v) => v !== 0 && v !== 1)) fail("logistic regression: labels must be 0 or 1");
  return d;
}

/** Solves `a x = b` (a symmetric positive definite, small) by Gaussian elimination. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i][k]) > Math.abs(m[p][k])) p = i;
    [m[k], m[p]] = [m[p], m[k]];
    for (let i = k + 1; i < n; i++) {
      const f = m[i][k] / m[k][k];
      for (let j = k; j <= n; j++) m[i][j] -= f * m[k][j];
    }
  }
  const out = new Array(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = m[i][n];
    for (let j = i + 1; j < n; j++) s -= m[i][j] * out[j];
    out[i] = s / m[i][i];
  }
  return out;
}

/** Fits the model to rows `x` and 0/1 labels `y`. */
export function fitLogistic(x: number[][], y: number[], opts: LogisticOptions = {}): LogisticModel {
  const d = checkData(x, y);
  const n = x.length;
  const l2 = opts.l2 ?? 1;
  const mean = Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + r[j], 0) / n);
  const scale = mean.map((m, j) => {
    const sd = Math.sqrt(x.reduce((s, r) => s + (r[j] - m) ** 2, 0) / n);
    return sd > 1e-12 ? sd : 1;
  });
  // Design rows: [1, standardised features].
  const z = x.map((r) => [1, ...r.map((v, j) => (v - mean[j]) / scale[j])]);
  let beta = new Array(d + 1).fill(0);
  for (let iter = 0; iter < (opts.maxIter ?? 50); iter++) {
    const grad = beta.map((b, j) => (j === 0 ? 0 : l2 * b));
    const hess = beta.map((_, i) => beta.map((_, j) => (i === j && i > 0 ? l2 : 0)));
    for (let i = 0; i < n; i++) {
      const p = sigmoid(z[i].reduce((s, v, j) => s + v * beta[j], 0));
      const w = Math.max(p * (1 - p), 1e-12);
      for (let a = 0; a <= d; a++) {
        grad[a] += (p - y[i]) * z[i][a];
        for (let b = 0; b <= d; b++) hess[a][b] += w * z[i][a] * z[i][b];
      }
    }
    const step = solve(hess, grad);
    beta = beta.map((b, j) => b - step[j]);
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  return { intercept: beta[0], weights: beta.slice(1), mean, scale };
}

/** The model's probability of class 1 for each row of `x`. */
export function predictLogistic(model: LogisticModel, x: number[][]): number[] {
  return x.map((r) =>
    sigmoid(
      model.intercept +
        r.reduce((s, v, j) => s + model.weights[j] * (v - model.mean[j]) / model.scale[j], 0),
    )
  );
}

/** Fold of each row: each class shuffled (seeded) and dealt round-robin over `k` folds. */
export function stratifiedFolds(y: number[], k: number, seed: number): number[] {
  const fold = new Array(y.length).fill(0);
  const rng = new Rng(seed);
  for (const label of [0, 1]) {
    const idx = rng.shuffle(y.flatMap((v, i) => (v === label ? [i] : [])));
    idx.forEach((i, r) => (fold[i] = r % k));
  }
  return fold;
}

/** Result of {@linkcode crossValidatedAuc}. */
export interface CrossValidation {
  /** ROC AUC of the pooled out-of-fold probabilities. */
  auc: number;
  /** ROC AUC within each fold. */
  foldAuc: number[];
  /** Out-of-fold probability of class 1 per row. */
  oof: number[];
  /** The model fitted on all rows (its weights show which features carry the difference). */
  model: LogisticModel;
}

/** Options for {@linkcode crossValidatedAuc}. */
export interface CrossValidationOptions extends LogisticOptions {
  /** Folds. Default 5. */
  folds?: number;
  /** Seed of the fold assignment. Default 0. */
  seed?: number;
}

/** Stratified k-fold cross-validated AUC of logistic regression on `x`, `y`. */
export function crossValidatedAuc(
  x: number[][],
  y: number[],
  opts: CrossValidationOptions = {},
): CrossValidation {
  checkData(x, y);
  const k = opts.folds ?? 5;
  const counts = [0, 1].map((c) => y.filter((v) => v === c).length);
  if (!(Number.isInteger(k) && k >= 2) || Math.min(...counts) < k) {
    fail(
      `cross-validation: ${k} folds need at least ${k} rows of each class (have ${counts[0]} and ${
        counts[1]
      })`,
    );
  }
  const fold = stratifiedFolds(y, k, opts.seed ?? 0);
  const oof = new Array(y.length).fill(NaN);
  const foldAuc: number[] = [];
  for (let f = 0; f < k; f++) {
    const tr = y.flatMap((_, i) => (fold[i] !== f ? [i] : []));
    const te = y.flatMap((_, i) => (fold[i] === f ? [i] : []));
    const model = fitLogistic(tr.map((i) => x[i]), tr.map((i) => y[i]), opts);
    const p = predictLogistic(model, te.map((i) => x[i]));
    te.forEach((i, j) => (oof[i] = p[j]));
    foldAuc.push(rocAuc(te.map((i) => y[i]), p));
  }
  return { auc: rocAuc(y, oof), foldAuc, oof, model: fitLogistic(x, y, opts) };
}
