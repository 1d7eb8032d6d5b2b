/**
 * McNemar's exact test: do two models, scored on the same samples, err on different ones more
 * often than chance? Only the discordant pairs count: b = A right and B wrong, c = A wrong and B
 * right. Under the null b ~ Binomial(b + c, 1/2); the two-sided p-value is
 * min(1, 2 * P(X <= min(b, c))), as statsmodels' `mcnemar(exact=True)`. With b + c = 0, p = 1.
 *
 * @module
 */
import { checkBinary } from "./_binary.ts";

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
