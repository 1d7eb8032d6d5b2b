/**
 * Confusion matrix, sensitivity and specificity for NORMAL (0, negative) vs PNEUMONIA
 * (1, positive).
 *
 * @module
 */
import { checkBinary } from "./_binary.ts";

/** `[[tn, fp], [fn, tp]]`: rows are the true class, columns the predicted class (scikit-learn order). */
export type ConfusionMatrix = [[number, number], [number, number]];

/** Predicted classes: 1 where `prob >= threshold`, else 0. */
export function predictAt(prob: ArrayLike<number>, threshold = 0.5): number[] {
  return Array.from(prob, (p) => (p >= threshold ? 1 : 0));
}

/** The 2x2 confusion matrix `[[tn, fp], [fn, tp]]` of true and predicted 0/1 labels. */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
): ConfusionMatrix {
  checkBinary(yTrue, yPred);
  checkBinary(yPred, yTrue);
  const m: ConfusionMatrix = [[0, 0], [0, 0]];
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]][yPred[i]]++;
  return m;
}

/** tp / (tp + fn), the recall of PNEUMONIA; 0 when there are no positives (zero division). */
export function sensitivity(cm: ConfusionMatrix): number {
  const [, [fn, tp]] = cm;
  return tp + fn === 0 ? 0 : tp / (tp + fn);
}

/** tn / (tn + fp), the recall of NORMAL; 0 when there are no negatives (zero division). */
export function specificity(cm: ConfusionMatrix): number {
  const [[tn, fp]] = cm;
  return tn + fp === 0 ? 0 : tn / (tn + fp);
}
