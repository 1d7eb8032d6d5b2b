/**
 * Probability quality: log loss, Brier score, the reliability curve and the expected
 * calibration error (ECE).
 *
 * - Log loss is scikit-learn's `log_loss` (1.5 and later): probabilities are clipped to
 *   [eps, 1 - eps] with eps = float64 machine epsilon (2.22e-16), so a confident mistake costs
 *   about 36.04 rather than Infinity.
 * - The reliability curve is scikit-learn's `calibration_curve(strategy="uniform")`: bins of
 *   equal width on the PNEUMONIA probability, edges `i * (1 / nBins)` as numpy's `linspace`,
 *   bin i holding edges[i] < p <= edges[i+1] (the first bin also holds 0).
 * - ECE = sum over bins of (count / n) * |mean probability - fraction of positives|, on the same
 *   bins (the positive-class form, which is the one a reliability diagram shows).
 *
 * @module
 */
import { checkBinary } from "./_binary.ts";

/** Mean negative log-likelihood of 0/1 labels under positive-class probabilities. */
export function logLoss(yTrue: ArrayLike<number>, prob: ArrayLike<number>): number {
  const n = checkBinary(yTrue, prob);
  const eps = Number.EPSILON;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(Math.max(yTrue[i] === 1 ? prob[i] : 1 - prob[i], eps), 1 - eps);
    sum -= Math.log(p);
  }
  return sum / n;
}

/** Mean squared difference between the positive-class probability and the 0/1 label. */
export function brierScore(yTrue: ArrayLike<number>, prob: ArrayLike<number>): number {
  const n = checkBinary(yTrue, prob);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (prob[i] - yTrue[i]) ** 2;
  return sum / n;
}

/** One bin of the reliability curve. */
export interface ReliabilityBin {
  /** Bin edges; the bin holds lo < p <= hi (the first also holds p = 0). */
  lo: number;
  hi: number;
  count: number;
  /** Mean predicted probability in the bin; NaN when empty. */
  meanProb: number;
  /** Fraction of true PNEUMONIA in the bin; NaN when empty. */
  fracPositive: number;
}

/** Options for {@linkcode reliabilityCurve} and {@linkcode expectedCalibrationError}. */
export interface CalibrationOptions {
  /** Number of equal-width bins on [0, 1]. Default 10. */
  nBins?: number;
}

/** The reliability curve: every bin, empty ones included (count 0). */
export function reliabilityCurve(
  yTrue: ArrayLike<number>,
  prob: ArrayLike<number>,
  opts: CalibrationOptions = {},
): ReliabilityBin[] {
  const n = checkBinary(yTrue, prob);
  const nBins = opts.nBins ?? 10;
  const step = 1 / nBins;
  const edges = Array.from({ length: nBins + 1 }, (_, i) => (i === nBins ? 1 : i * step));
  const count = new Array(nBins).fill(0);
  const sumProb = new Array(nBins).fill(0);
  const sumPos = new Array(nBins).fill(0);
  for (let i = 0; i < n; i++) {
    // numpy searchsorted(edges[1:-1], p, side="left"): the first inner edge >= p.
    let b = 0;
    while (b < nBins - 1 && edges[b + 1] < prob[i]) b++;
    count[b]++;
    sumProb[b] += prob[i];
    sumPos[b] += yTrue[i];
  }
  return count.map((c, b) => ({
    lo: edges[b],
    hi: edges[b + 1],
    count: c,
    meanProb: c === 0 ? NaN : sumProb[b] / c,
    fracPositive: c === 0 ? NaN : sumPos[b] / c,
  }));
}

/** Expected calibration error over equal-width bins (default 10). */
export function expectedCalibrationError(
  yTrue: ArrayLike<number>,
  prob: ArrayLike<number>,
  opts: CalibrationOptions = {},
): number {
  const bins = reliabilityCurve(yTrue, prob, opts);
  let ece = 0;
  for (const b of bins) {
    if (b.count > 0) ece += (b.count / yTrue.length) * Math.abs(b.meanProb - b.fracPositive);
  }
  return ece;
}
