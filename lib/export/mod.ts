/**
 * Export of a trained run for the web: TF.js layers files a page loads with
 * `tf.loadLayersModel`, optionally with float16 weights, and a model card.
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
 * import { exportRun } from "./mod.ts";
 * const outDir = await Deno.makeTempDir();
 * const { card } = await exportRun({ runDir, outDir, float16: true, print: () => {} });
 * console.log(card.float16_check); // float16 against float32 predictions on validation images
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
