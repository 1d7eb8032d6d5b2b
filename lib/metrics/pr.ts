/**
 * Precision-recall curve and average precision, as scikit-learn's `precision_recall_curve`
 * (`drop_intermediate=False`) and `average_precision_score`: AP = sum over thresholds of
 * (R_n - R_{n-1}) * P_n, the step-wise sum with no interpolation.
 *
 * Without positives recall is undefined; scikit-learn then sets recall to 1 and returns AP 0 with a
 * warning. Here AP is NaN (null in JSON) instead, so a set without positives never shows a score.
 *
 * @module
 */
import { binaryClfCurve, classCounts } from "./_binary.ts";

/** Points in order of increasing threshold, ending at (recall 0, precision 1) as scikit-learn. */
export interface PrCurve {
  precision: number[];
  recall: number[];
  /** One fewer than the points: `thresholds[i]` gives point i. */
  thresholds: number[];
}

/** The precision-recall curve of 0/1 labels and positive-class scores. */
export function precisionRecallCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): PrCurve {
  const { fps, tps, thresholds } = binaryClfCurve(yTrue, scores);
  const posTotal = tps[tps.length - 1] ?? 0;
  const precision = tps.map((t, i) => t / (t + fps[i]));
  const recall = tps.map((t) => (posTotal === 0 ? 1 : t / posTotal));
  return {
    precision: [...precision.reverse(), 1],
    recall: [...recall.reverse(), 0],
    thresholds: thresholds.reverse(),
  };
}

/** Average precision; NaN when `yTrue` has no positives. */
export function averagePrecision(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  if (classCounts(yTrue).pos === 0) return NaN;
  const { precision, recall } = precisionRecallCurve(yTrue, scores);
  let ap = 0;
  for (let i = 0; i < recall.length - 1; i++) ap -= (recall[i + 1] - recall[i]) * precision[i];
  return Math.max(0, ap);
}
