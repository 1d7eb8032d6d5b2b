/**
 * Evaluation of a training run: its best checkpoint's predictions on a split, every metric with
 * bootstrap intervals, figures, a Grad-CAM grid and a Markdown report in `<run-dir>/eval-<split>/`.
 *
 * @example
 * ```ts
 * import { initBackend } from "../backend.ts";
 * import { loadConfig } from "../config.ts";
 * import { dataRoot } from "../paths.ts";
 * import { trainRun } from "../train/mod.ts";
 * await initBackend({ quiet: true });
 * // A tiny run to work on: the baseline at 32 px on 4 images per class, one epoch.
 * const overrides = { model: "baseline", inputSize: 32, subsetPerClass: 4, stage1Epochs: 1 } as const;
 * const config = await loadConfig({ profile: "quick", overrides: { ...overrides, dataRoot: dataRoot() } });
 * const runDir = await Deno.makeTempDir();
 * await trainRun({ config, runDir, print: () => {} });
 * import { evaluateRun } from "./mod.ts";
 * const { metrics, outDir } = await evaluateRun({ runDir, split: "test", bootstrap: 100 });
 * console.log(metrics.accuracy, metrics.ci?.accuracy, outDir); // report.md, figures, Grad-CAM
 * ```
 *
 * @module
 */
export { type EvaluateOptions, type EvaluateResult, evaluateRun } from "./run.ts";
export {
  checkpointDir,
  EVAL_SPLITS,
  type EvalSplit,
  type EvaluationInputs,
  type InputArgs,
  loadInputs,
} from "./inputs.ts";
export { measure, type MeasureArgs, type Measured, predictRows } from "./measure.ts";
export { type WriteArgs, writeEvaluation } from "./write.ts";
export { type PredictOptions, predictProbabilities } from "./predict.ts";
export {
  chooseThreshold,
  type OperatingPointRecord,
  resolveThreshold,
  SENS95_TARGET,
} from "./operating_point.ts";
export { evaluationReport, type ReportInput } from "./report.ts";
export { type DeriveArgs, deriveEvaluationRun, EVALUATION_FIELDS } from "./derive.ts";
