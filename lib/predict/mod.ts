/**
 * Using a trained run on new images: its best checkpoint scores image files decoded exactly as
 * training decodes them, with a decision at the run's threshold and optional Grad-CAM overlays.
 *
 * @example
 * ```ts
 * import { listImages, openRun, predictImages } from "./lib/predict/mod.ts";
 * const run = await openRun("outputs/runs/full/patient/mobilenetv2-seed42");
 * const { files } = await listImages(["chest.jpeg"]);
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
