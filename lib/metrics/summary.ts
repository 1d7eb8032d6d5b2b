/**
 * Every metric of one predictions set in one object, with the exact keys `deno task cxr metrics
 * --json` prints (snake_case, as written to `metrics.json`).
 *
 * @module
 */
import { bootstrapCi } from "./bootstrap.ts";
import {
  type ConfusionMatrix,
  confusionMatrix,
  predictAt,
  sensitivity,
  specificity,
} from "./confusion.ts";
import { brierScore, expectedCalibrationError, logLoss } from "./calibration.ts";
import { averagePrecision } from "./pr.ts";
import {
  classificationReport,
  type ClassName,
  type ClassScores,
  type PrecisionRecallF1,
} from "./report.ts";
import { rocAuc } from "./roc.ts";

/** The scalar metrics that get a bootstrap confidence interval. */
export const SCALAR_KEYS = [
  "accuracy",
  "sensitivity",
  "specificity",
  "roc_auc",
  "average_precision",
  "log_loss",
  "brier",
  "ece",
] as const;
/** One of {@linkcode SCALAR_KEYS}. */
export type ScalarKey = typeof SCALAR_KEYS[number];

/** All metrics of one set. Undefined values (AUC of a one-class set) are NaN, null in JSON. */
export interface MetricsSummary extends Record<ScalarKey, number> {
  n: number;
  threshold: number;
  confusion_matrix: ConfusionMatrix;
  per_class: Record<ClassName, ClassScores>;
  macro_avg: PrecisionRecallF1;
  weighted_avg: PrecisionRecallF1;
  /** 95% percentile intervals per scalar key; present only when bootstrapping. */
  ci?: Record<ScalarKey, [number, number]>;
}

/** Options for {@linkcode summarizeMetrics}. */
export interface SummaryOptions {
  /** `prob >= threshold` predicts PNEUMONIA. Default 0.5. */
  threshold?: number;
  /** Bootstrap replicates for `ci`; 0 or absent = no `ci`. */
  bootstrap?: number;
  /** Seed of the bootstrap. Default 0. */
  seed?: number;
}

function scalars(yTrue: ArrayLike<number>, prob: ArrayLike<number>, threshold: number) {
  const cm = confusionMatrix(yTrue, predictAt(prob, threshold));
  const scalar: Record<ScalarKey, number> = {
    accuracy: classificationReport(cm).accuracy,
    sensitivity: sensitivity(cm),
    specificity: specificity(cm),
    roc_auc: rocAuc(yTrue, prob),
    average_precision: averagePrecision(yTrue, prob),
    log_loss: logLoss(yTrue, prob),
    brier: brierScore(yTrue, prob),
    ece: expectedCalibrationError(yTrue, prob),
  };
  return { cm, scalar };
}

/** Metrics of 0/1 labels (1 = PNEUMONIA) and PNEUMONIA probabilities. */
export function summarizeMetrics(
  yTrue: ArrayLike<number>,
  prob: ArrayLike<number>,
  opts: SummaryOptions = {},
): MetricsSummary {
  const threshold = opts.threshold ?? 0.5;
  const { cm, scalar } = scalars(yTrue, prob, threshold);
  const report = classificationReport(cm);
  const summary: MetricsSummary = {
    n: yTrue.length,
    threshold,
    accuracy: scalar.accuracy,
    confusion_matrix: cm,
    per_class: report.perClass,
    macro_avg: report.macroAvg,
    weighted_avg: report.weightedAvg,
    sensitivity: scalar.sensitivity,
    specificity: scalar.specificity,
    roc_auc: scalar.roc_auc,
    average_precision: scalar.average_precision,
    log_loss: scalar.log_loss,
    brier: scalar.brier,
    ece: scalar.ece,
  };
  if (opts.bootstrap) {
    summary.ci = bootstrapCi(yTrue, prob, (y, p) => scalars(y, p, threshold).scalar, {
      replicates: opts.bootstrap,
      seed: opts.seed,
    });
  }
  return summary;
}
