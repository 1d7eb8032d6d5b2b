/**
 * Using a trained run on new images: its best checkpoint scores image files decoded exactly as
 * training decodes them, with a decision at the run's threshold and optional Grad-CAM overlays.
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
 * import { listImages, openRun, predictImages } from "./mod.ts";
 * import { join } from "node:path";
 * const run = await openRun(runDir);
 * const image = join(dataRoot(), "test", "NORMAL", "IM-0001-0001.jpeg");
 * const { files } = await listImages([image]);
 * const { predictions } = await predictImages(run.model, files, run.inputSize, run);
 * console.log(predictions[0].prob, predictions[0].decision);
 * ```
 *
 * @module
 */
export { IMAGE_EXTENSIONS, type ImageList, listImages } from "./inputs.ts";
export { DEFAULT_THRESHOLD, openRun, type RunModel, runThreshold } from "./run_model.ts";
export {
  type ImageFailure,
  type ImagePrediction,
  predictImages,
  type PredictImagesOptions,
  type PredictImagesResult,
} from "./predict_images.ts";
export {
  formatPredictionTable,
  PREDICTION_COLUMNS,
  predictionsCsv,
  predictionsJson,
  type PredictReport,
} from "./output.ts";
