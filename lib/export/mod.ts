/**
 * Export of a trained run for the web: TF.js layers files a page loads with
 * `tf.loadLayersModel`, optionally with float16 weights, and a model card.
 *
 * @example
 * ```ts
 * import { exportRun } from "./lib/export/mod.ts";
 * const { card } = await exportRun({ runDir: "outputs/runs/quick/patient/mobilenetv2-seed42", outDir: "web-model", float16: true });
 * console.log(card.float16_check);
 * ```
 *
 * @module
 */
export { type ExportOptions, type ExportResult, exportRun } from "./export_run.ts";
export { FLOAT16_MAX, float16Bits, float16Value, toFloat16Weights } from "./float16.ts";
export {
  type CardMetric,
  type Float16Check,
  INTENDED_USE,
  type ModelCard,
  modelCard,
  type ModelCardInput,
} from "./model_card.ts";
