/**
 * Binary classification metrics for NORMAL (0, negative) vs PNEUMONIA (1, positive), defined
 * as scikit-learn defines them (each module's doc says where and why it differs): confusion
 * matrix and classification report, ROC and PR curves with their areas, log loss, Brier score,
 * calibration, operating thresholds, bootstrap intervals and McNemar's test.
 *
 * @example
 * ```ts
 * import { summarizeMetrics } from "./mod.ts";
 * const m = summarizeMetrics([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], { bootstrap: 1000, seed: 1 });
 * console.log(m.roc_auc, m.ci?.roc_auc); // 0.75 [low, high]
 * ```
 *
 * @module
 */
export {
  bootstrapCi,
  type BootstrapOptions,
  MAX_BOOTSTRAP_REPLICATES,
  percentile,
} from "./bootstrap.ts";
export {
  brierScore,
  type CalibrationOptions,
  expectedCalibrationError,
  logLoss,
  type ReliabilityBin,
  reliabilityCurve,
} from "./calibration.ts";
export {
  type ConfusionMatrix,
  confusionMatrix,
  predictAt,
  sensitivity,
  specificity,
} from "./confusion.ts";
export {
  binomialHalfCdf,
  mcnemarExact,
  mcnemarPredictions,
  type McNemarResult,
} from "./mcnemar.ts";
export { averagePrecision, type PrCurve, precisionRecallCurve } from "./pr.ts";
export {
  parsePredictionsCsv,
  type PredictionRow,
  readPredictionsCsv,
  writePredictionsCsv,
} from "./predictions_csv.ts";
export {
  CLASS_NAMES,
  type ClassificationReport,
  classificationReport,
  type ClassName,
  type ClassScores,
  type PrecisionRecallF1,
} from "./report.ts";
export { rocAuc, type RocCurve, rocCurve, trapezoid } from "./roc.ts";
export {
  type MetricsSummary,
  SCALAR_KEYS,
  type ScalarKey,
  summarizeMetrics,
  type SummaryOptions,
} from "./summary.ts";
export { type OperatingPoint, thresholdForRecall, youdenThreshold } from "./thresholds.ts";
export { formatMetricsMarkdown, formatMetricsTable } from "./format.ts";
