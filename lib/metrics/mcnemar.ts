/**
 * McNemar's exact test: do two models, scored on the same samples, err on different ones more
 * often than chance? Only the discordant pairs count: b = A right and B wrong, c = A wrong and B
 * right. Under the null b ~ Binomial(b + c, 1/2); the two-sided p-value is
 * min(1, 2 * P(X <= min(b, c))), as statsmodels' `mcnemar(exact=True)`. With b + c = 0, p = 1.
 *
 * @module
 */
import { fail } from "../errors.ts";
import { checkBinary } from "./_binary.ts";
import { predictAt } from "./confusion.ts";
import type { PredictionRow } from "./predictions_csv.ts";

/** Discordant counts and the exact two-sided p-value. */
export interface McNemarResult {
  /** Samples model A classifies correctly and model B does not. */
  b: number;
  /** Samples model B classifies correctly and model A does not. */
  c: number;
  pValue: number;
}

/** Binomial(n, 1/2) cumulative probability P(X <= k), summed in log space to stay exact for large n. */
export function binomialHalfCdf(k: number, n: number): number {
  let logC = 0; // log C(n, 0)
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    sum += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, sum);
}

/** McNemar's exact test of two models' 0/1 predictions against the same true labels. */
export function mcnemarExact(
  yTrue: ArrayLike<number>,
  predA: ArrayLike<number>,
  predB: ArrayLike<number>,
): McNemarResult {
  checkBinary(yTrue, predA);
  checkBinary(yTrue, predB);
  let b = 0;
  let c = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const aRight = predA[i] === yTrue[i];
    const bRight = predB[i] === yTrue[i];
    if (aRight && !bRight) b++;
    else if (!aRight && bRight) c++;
  }
  const n = b + c;
  return { b, c, pValue: n === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), n)) };
}

/**
 * McNemar's exact test of two models' predictions files on the same images, paired by `path`
 * (order may differ). Throws a CxrError when the image sets or labels differ.
 */
export function mcnemarPredictions(
  a: PredictionRow[],
  b: PredictionRow[],
  threshold = 0.5,
): McNemarResult {
  const byPath = new Map(b.map((r) => [r.path, r]));
  if (byPath.size !== b.length || byPath.size !== a.length) {
    fail(
      `McNemar needs the same images in both predictions (${a.length} vs ${b.length} rows, paths unique)`,
    );
  }
  const paired = a.map((r) => {
    const other = byPath.get(r.path) ??
      fail(`McNemar: image ${r.path} is in the first predictions only`);
    if (other.label !== r.label) {
      fail(`McNemar: image ${r.path} has different labels in the two predictions`);
    }
    return other;
  });
  const y = a.map((r) => r.label);
  return mcnemarExact(
    y,
    predictAt(a.map((r) => r.prob), threshold),
    predictAt(paired.map((r) => r.prob), threshold),
  );
}
