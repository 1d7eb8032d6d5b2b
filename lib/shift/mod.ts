/**
 * Dataset shift between the Kaggle train and test folders, and shortcut checks: simple image
 * statistics per folder and class, a cross-validated logistic-regression classifier that tells
 * two groups apart (its AUC measures the shift), Grad-CAM mass inside a lung box or body mask,
 * a model scored with the image border blanked, and its rates over a ladder of thresholds on
 * validation and test (is it the ranking or the operating point?).
 *
 * @example
 * ```ts
 * import { folderStats, shiftComparisons, shiftTable } from "./mod.ts";
 * import { dataRoot } from "../paths.ts";
 * const stats = await folderStats({ dataRoot: dataRoot(), perGroup: 12, size: 64 });
 * console.log(shiftTable(shiftComparisons(stats, { folds: 3 })).toMarkdown());
 * ```
 *
 * @module
 */
export {
  bandWidth,
  type ImageStats,
  imageStats,
  type ImageStatsOptions,
  inBand,
  otsuThreshold,
  STAT_NAMES,
  type StatName,
} from "./stats.ts";
export { blankBorder, bodyMask, type Box, boxMask, LUNG_BOX, massInside } from "./regions.ts";
export {
  crossValidatedAuc,
  type CrossValidation,
  type CrossValidationOptions,
  fitLogistic,
  type LogisticModel,
  type LogisticOptions,
  predictLogistic,
  stratifiedFolds,
} from "./logistic.ts";
export {
  folderSample,
  folderStats,
  type FolderStatsOptions,
  group,
  type NamedShift,
  SHIFT_PAIRS,
  shiftClassifier,
  shiftComparisons,
  type ShiftOptions,
  type ShiftResult,
  shiftTable,
  type StatsRow,
  statsSummary,
  weightTable,
} from "./folders.ts";
export {
  bestAccuracyThreshold,
  type LabelledScores,
  type OperatingPointCheck,
  operatingPointCheck,
  operatingPointFigure,
  type OperatingPointOfRun,
  operatingPointOfRunDir,
  operatingPointSentence,
  ratesAt,
  THRESHOLD_LADDER,
  type ThresholdRates,
} from "./operating_point.ts";
export {
  camMass,
  type CamMassOptions,
  type CamMassRow,
  type ImageRef,
  type MaskedScore,
  maskedScores,
  openRunModel,
  outcomeOf,
  predictRows,
  type PredictRowsOptions,
  type RunModel,
} from "./model_checks.ts";
