/**
 * scikit-learn's `classification_report(labels=[0, 1], zero_division=0)` for the two classes:
 * a ratio whose denominator is 0 is 0, and both classes are always reported (support 0 if absent).
 *
 * @module
 */
import type { ConfusionMatrix } from "./confusion.ts";

/** The class names, index = label (0 negative, 1 positive). */
export const CLASS_NAMES = ["NORMAL", "PNEUMONIA"] as const;
/** One of {@linkcode CLASS_NAMES}. */
export type ClassName = typeof CLASS_NAMES[number];

/** Precision, recall and F1 of one class or an average. */
export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}
/** Per-class scores plus the number of true samples of that class. */
export interface ClassScores extends PrecisionRecallF1 {
  support: number;
}
/** The report: accuracy, per class, macro (unweighted mean) and weighted (by support) averages. */
export interface ClassificationReport {
  accuracy: number;
  perClass: Record<ClassName, ClassScores>;
  macroAvg: PrecisionRecallF1;
  weightedAvg: PrecisionRecallF1;
}

const ratio = (num: number, den: number): number => (den === 0 ? 0 : num / den);

function classScores(tp: number, fp: number, fn: number): ClassScores {
  return {
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    // F1 as 2tp / (2tp + fp + fn), scikit-learn's form, equal to the harmonic mean when defined.
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    support: tp + fn,
  };
}

/** The classification report of a confusion matrix `[[tn, fp], [fn, tp]]`. */
export function classificationReport(cm: ConfusionMatrix): ClassificationReport {
  const [[tn, fp], [fn, tp]] = cm;
  const n = tn + fp + fn + tp;
  const normal = classScores(tn, fn, fp);
  const pneumonia = classScores(tp, fp, fn);
  const classes = [normal, pneumonia];
  const avg = (key: keyof PrecisionRecallF1, weighted: boolean): number => {
    if (!weighted) return (normal[key] + pneumonia[key]) / 2;
    return ratio(classes.reduce((s, c) => s + c[key] * c.support, 0), n);
  };
  const average = (weighted: boolean): PrecisionRecallF1 => ({
    precision: avg("precision", weighted),
    recall: avg("recall", weighted),
    f1: avg("f1", weighted),
  });
  return {
    accuracy: ratio(tn + tp, n),
    perClass: { NORMAL: normal, PNEUMONIA: pneumonia },
    macroAvg: average(false),
    weightedAvg: average(true),
  };
}
