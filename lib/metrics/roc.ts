/**
 * ROC curve and area, as scikit-learn's `roc_curve(drop_intermediate=False)` and
 * `roc_auc_score`: one point per distinct score (tied scores move both rates in one diagonal
 * step), a first point (0, 0) at threshold +Infinity, and the trapezoidal area.
 *
 * scikit-learn's default `drop_intermediate=True` only removes collinear points, so the area is
 * the same; the full curve is kept here. With one class only the rates and the AUC are undefined:
 * NaN here (scikit-learn raises), which JSON writes as null.
 *
 * @module
 */
import { binaryClfCurve } from "./_binary.ts";

/** ROC points in order of decreasing threshold. */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** `thresholds[i]` gives (fpr[i], tpr[i]) for `score >= thresholds[i]`; the first is +Infinity. */
  thresholds: number[];
}

/** The ROC curve of 0/1 labels and positive-class scores. */
export function rocCurve(yTrue: ArrayLike<number>, scores: ArrayLike<number>): RocCurve {
  const c = binaryClfCurve(yTrue, scores);
  const fps = [0, ...c.fps];
  const tps = [0, ...c.tps];
  const negTotal = fps[fps.length - 1];
  const posTotal = tps[tps.length - 1];
  return {
    fpr: fps.map((f) => (negTotal === 0 ? NaN : f / negTotal)),
    tpr: tps.map((t) => (posTotal === 0 ? NaN : t / posTotal)),
    thresholds: [Infinity, ...c.thresholds],
  };
}

/** Trapezoidal area under a curve given by x (monotone) and y. */
export function trapezoid(x: number[], y: number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
  return area;
}

/** ROC AUC; NaN when `yTrue` holds one class only. */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { fpr, tpr } = rocCurve(yTrue, scores);
  return trapezoid(fpr, tpr);
}
