/**
 * Models: Keras-identical MobileNetV2 with ImageNet weights, the paper's classifier head, the
 * baseline CNN, splitting a model into frozen and trainable parts, and TF.js model files.
 *
 * @example
 * ```ts
 * import { mobileNetV2Classifier, saveModel, splitAt, toModelInput } from "./mod.ts";
 * import { weightsDir } from "../paths.ts";
 * import type * as tf from "@tensorflow/tfjs";
 * const model = await mobileNetV2Classifier({ inputSize: 96, weightsDir: weightsDir() });
 * const { frozen, trainable } = splitAt(model, "out_relu"); // features -> head
 * const x = toModelInput([new Uint8Array(96 * 96)], 96, 1);
 * const probs = trainable.predict(frozen.predict(x)) as tf.Tensor; // == model.predict(x)
 * console.log(probs.shape); // [1, 2]
 * await saveModel(model, `${await Deno.makeTempDir()}/best_mobilenetv2_chestxray`);
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
