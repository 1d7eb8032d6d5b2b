/**
 * Models: Keras-identical MobileNetV2 with ImageNet weights, the paper's classifier head, the
 * baseline CNN, splitting a model into frozen and trainable parts, and TF.js model files.
 *
 * @example
 * ```ts
 * import { mobileNetV2Classifier, saveModel, splitAt, toModelInput } from "./lib/models/mod.ts";
 * import { weightsDir } from "./lib/paths.ts";
 *
 * const model = await mobileNetV2Classifier({ weightsDir: weightsDir() });
 * const { frozen, trainable } = splitAt(model, "out_relu"); // features -> head
 * const x = toModelInput(new Uint8Array(224 * 224), 224, 1);
 * const probs = trainable.predict(frozen.predict(x)); // == model.predict(x)
 * await saveModel(model, "outputs/run/best_mobilenetv2_chestxray");
 * ```
 *
 * @module
 */
export {
  type ClassifierOptions,
  mobileNetV2,
  mobileNetV2Classifier,
  type MobileNetV2Options,
} from "./mobilenet_v2.ts";
export {
  loadImageNetWeights,
  matchWeights,
  type NamedWeight,
  readWeightsArtifact,
  type WeightEntry,
  writeWeightsArtifact,
} from "./weights.ts";
export { cutBefore, cutPoints, splitAt } from "./split_model.ts";
export { MODEL_DISPLAY_NAMES, MODEL_NAMES, type ModelName } from "./names.ts";
export { fileIOHandler, loadModel, saveModel } from "./io.ts";
export { toModelInput } from "./input.ts";
export { baselineCnn, type BaselineCnnOptions } from "./baseline_cnn.ts";
export { formatSummary, type LayerSummary, type ModelSummary, summarizeModel } from "./summary.ts";
export { convertKerasH5 } from "./h5_convert.ts";
export {
  fetchImageNetWeights,
  type FetchWeightsOptions,
  KERAS_WEIGHTS_BASE_URL,
  kerasWeightsFile,
} from "./fetch_weights.ts";
export { formatTop5Table, type Top5Check, verifyImageNetWeights } from "./imagenet_check.ts";
