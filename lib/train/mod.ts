/**
 * The training engine: a freeze-aware custom loop (frozen front outside the gradient tape, in
 * inference mode; only the trainable back differentiated), the paper's two stages with AdamW,
 * early stopping, best checkpoint, per-epoch history, feature caching and resumable run folders.
 *
 * @example
 * ```ts
 * import { initBackend } from "../backend.ts";
 * import { loadConfig } from "../config.ts";
 * import { dataRoot, weightsDir } from "../paths.ts";
 * import { trainRun } from "./mod.ts";
 * await initBackend({ quiet: true }); // the fastest backend here
 * // The quick profile, cut further: 64 px, 4 images per class, one epoch per stage.
 * const config = await loadConfig({
 *   profile: "quick",
 *   overrides: { inputSize: 64, subsetPerClass: 4, dataRoot: dataRoot(), weightsDir: weightsDir() },
 * });
 * const runDir = await Deno.makeTempDir();
 * const { history, best } = await trainRun({ config, runDir });
 * console.log(history.length, best.epoch); // 2 epochs; rerunning resumes or finds it complete
 * ```
 *
 * @module
 */
export { trainRun } from "./run.ts";
export type { TrainRunOptions, TrainRunResult } from "./run.ts";
export {
  assertSameConfig,
  buildModel,
  configDiff,
  prepareData,
  storedConfig,
  trainingMode,
} from "./prepare.ts";
export type { RunData } from "./prepare.ts";
export { planStages, remainingStages, runStage, stageSources } from "./stage.ts";
export type { RunStageArgs, StagePlan, StageSources, StageSourcesArgs } from "./stage.ts";
export {
  crossEntropy,
  evalStep,
  inferenceForward,
  reseedDropout,
  runEpoch,
  trainStep,
} from "./loop.ts";
export type {
  BatchSource,
  EpochOptions,
  EpochResult,
  Forward,
  StepOptions,
  StepResult,
} from "./loop.ts";
export {
  balancedClassWeights,
  batchIndices,
  CLASSES,
  classIndex,
  disposeBatch,
  makeBatch,
  makeTargets,
} from "./batches.ts";
export type { Batch, Example, ImageSource } from "./batches.ts";
export { computeFeatures, featureSource, imageSource } from "./sources.ts";
export type { ComputeFeaturesOptions, FeatureTable, ImageSourceOptions } from "./sources.ts";
export {
  BestCheckpoint,
  CallbackList,
  EarlyStopping,
  EpochEnd,
  EpochLog,
  formatEpoch,
  historyBundle,
  improves,
  NotebookDisplay,
  ProgressBar,
  RestoreBest,
} from "./callbacks.ts";
export type {
  CheckpointState,
  EarlyStoppingState,
  EpochBegin,
  TrainCallback,
} from "./callbacks.ts";
export { HISTORY_COLUMNS, historyCsv, writeHistory } from "./history.ts";
export type { HistoryRow } from "./history.ts";
export {
  appendLog,
  initialState,
  loadLast,
  readState,
  runPaths,
  saveLast,
  SaveRunState,
} from "./run_dir.ts";
export type { LastCheckpoint, RunPaths, RunState } from "./run_dir.ts";
