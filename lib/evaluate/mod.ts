/**
 * Evaluation of a training run: its best checkpoint's predictions on a split, every metric with
 * bootstrap intervals, figures, a Grad-CAM grid and a Markdown report in `<run-dir>/eval-<split>/`.
 *
 * @example
 * ```ts
 * import { evaluateRun } from "./lib/evaluate/mod.ts";
 * const { metrics, outDir } = await evaluateRun({ runDir: "outputs/runs/paper", split: "test" });
 * console.log(metrics.accuracy, metrics.ci?.accuracy, outDir);
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
export { evaluationReport, type ReportInput } from "./report.ts";
