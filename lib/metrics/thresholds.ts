/**
 * Operating points chosen on the ROC curve: Youden's J and the threshold that reaches a target
 * recall (sensitivity).
 *
 * @module
 */
import { rocCurve } from "./roc.ts";

/** A threshold and the rates it gives (`prob >= threshold` predicts PNEUMONIA). */
export interface OperatingPoint {
  threshold: number;
  sensitivity: number;
  specificity: number;
}

function pointAt(roc: ReturnType<typeof rocCurve>, i: number): OperatingPoint {
  return { threshold: roc.thresholds[i], sensitivity: roc.tpr[i], specificity: 1 - roc.fpr[i] };
}

/**
 * The threshold maximising J = sensitivity + specificity - 1 over the distinct scores; on a tie
 * the highest threshold wins (numpy `argmax` order). Null when `yTrue` holds one class.
 */
export function youdenThreshold(
  yTrue: ArrayLike<number>,
  prob: ArrayLike<number>,
): OperatingPoint | null {
  const roc = rocCurve(yTrue, prob);
  let best = -1;
  let bestJ = -Infinity;
  // Index 0 is the +Infinity threshold (nothing predicted positive); skip it.
  for (let i = 1; i < roc.tpr.length; i++) {
    const j = roc.tpr[i] - roc.fpr[i];
    if (j > bestJ) [best, bestJ] = [i, j];
  }
  return best < 0 || Number.isNaN(bestJ) ? null : pointAt(roc, best);
}

/**
 * The highest threshold whose sensitivity is at least `targetRecall` (so specificity is as high
 * as that recall allows). Null when `yTrue` has no positives.
 */
export function thresholdForRecall(
  yTrue: ArrayLike<number>,
  prob: ArrayLike<number>,
  targetRecall: number,
): OperatingPoint | null {
  const roc = rocCurve(yTrue, prob);
  for (let i = 1; i < roc.tpr.length; i++) {
    if (roc.tpr[i] >= targetRecall) return pointAt(roc, i);
  }
  return null;
}
