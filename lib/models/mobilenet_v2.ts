/**
 * MobileNetV2 (alpha 1.0) built with tfjs layers exactly as `keras.applications.MobileNetV2`
 * builds it, so Keras-layout ImageNet weights load by layer name, plus the paper's classifier.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { loadImageNetWeights } from "./weights.ts";

/** Options for {@linkcode mobileNetV2}. */
export interface MobileNetV2Options {
  /** Height and width of the square RGB input. Default 224. */
  inputSize?: number;
  /** Add Keras' ImageNet classifier (GlobalAveragePooling2D -> Dense(1000, softmax) `predictions`). Default false. */
  includeTop?: boolean;
}

/** Options for {@linkcode mobileNetV2Classifier}. */
export interface ClassifierOptions {
  /** Height and width of the square input. Default 224. */
  inputSize?: number;
  /** Dropout rate between pooling and the Dense(2) head. Default 0.2. */
  dropout?: number;
  /** Folder with the ImageNet `weights.json` + `weights.bin`; omit for random initialisation. */
  weightsDir?: string;
}

/** `[expansion t, filters c, repeats n, first stride s]` per stage, from the MobileNetV2 paper. */
const STAGES: [number, number, number, number][] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

const BN = { epsilon: 1e-3, momentum: 0.999, axis: -1 };

function relu6(name: string): tf.layers.Layer {
  return tf.layers.reLU({ maxValue: 6, name });
}

/** One inverted residual block; block 0 (`expanded_conv`) has no expand conv. */
function invertedResidual(
  x: tf.SymbolicTensor,
  block: number,
  expansion: number,
  filters: number,
  stride: number,
): tf.SymbolicTensor {
  const inChannels = x.shape[x.shape.length - 1] as number;
  const prefix = block === 0 ? "expanded_conv_" : `block_${block}_`;
  let h = x;
  if (block !== 0) {
    h = tf.layers.conv2d({
      filters: expansion * inChannels,
      kernelSize: 1,
      padding: "same",
      useBias: false,
      name: `${prefix}expand`,
    }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.batchNormalization({ ...BN, name: `${prefix}expand_BN` })
      .apply(h) as tf.SymbolicTensor;
    h = relu6(`${prefix}expand_relu`).apply(h) as tf.SymbolicTensor;
  }
  // Keras pads stride-2 blocks with ZeroPadding2D(correct_pad) then uses 'valid'; TF's 'same'
  // pads identically (extra pixel bottom/right for even sizes, 1/1 for odd) without a layer.
  h = tf.layers.depthwiseConv2d({
    kernelSize: 3,
    strides: stride,
    padding: "same",
    useBias: false,
    name: `${prefix}depthwise`,
  }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization({ ...BN, name: `${prefix}depthwise_BN` })
    .apply(h) as tf.SymbolicTensor;
  h = relu6(`${prefix}depthwise_relu`).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2d({
    filters,
    kernelSize: 1,
    padding: "same",
    useBias: false,
    name: `${prefix}project`,
  }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization({ ...BN, name: `${prefix}project_BN` })
    .apply(h) as tf.SymbolicTensor;
  if (stride === 1 && inChannels === filters) {
    h = tf.layers.add({ name: `${prefix}add` }).apply([x, h]) as tf.SymbolicTensor;
  }
  return h;
}

/**
 * MobileNetV2 alpha 1.0 with Keras' layer names and no weights loaded.
 *
 * Without top: 150 layers (Keras has 4 more, the `block_k_pad` ZeroPadding2D layers, which
 * `'same'` padding replaces) and 2,257,984 parameters; with top 152 layers and 3,538,984.
 */
export function mobileNetV2(opts: MobileNetV2Options = {}): tf.LayersModel {
  const size = opts.inputSize ?? 224;
  const input = tf.input({ shape: [size, size, 3], name: "input_1" });
  let x = tf.layers.conv2d({
    filters: 32,
    kernelSize: 3,
    strides: 2,
    padding: "same",
    useBias: false,
    name: "Conv1",
  }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ ...BN, name: "bn_Conv1" }).apply(x) as tf.SymbolicTensor;
  x = relu6("Conv1_relu").apply(x) as tf.SymbolicTensor;
  let block = 0;
  for (const [t, c, n, s] of STAGES) {
    for (let i = 0; i < n; i++) x = invertedResidual(x, block++, t, c, i === 0 ? s : 1);
  }
  x = tf.layers.conv2d({ filters: 1280, kernelSize: 1, useBias: false, name: "Conv_1" })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ ...BN, name: "Conv_1_bn" }).apply(x) as tf.SymbolicTensor;
  x = relu6("out_relu").apply(x) as tf.SymbolicTensor;
  if (opts.includeTop) {
    x = tf.layers.globalAveragePooling2d({ name: "global_average_pooling2d" })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ units: 1000, activation: "softmax", name: "predictions" })
      .apply(x) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: x, name: `mobilenetv2_1.00_${size}` });
}

/**
 * The paper's model: MobileNetV2 base (ImageNet weights when `weightsDir` is given) ->
 * GlobalAveragePooling2D -> Dropout -> Dense(2, softmax); 2,260,546 parameters.
 *
 * One flat model (the base layers are its own layers), so {@linkcode splitAt} can cut it
 * anywhere in the base.
 */
export async function mobileNetV2Classifier(opts: ClassifierOptions = {}): Promise<tf.LayersModel> {
  const base = mobileNetV2({ inputSize: opts.inputSize, includeTop: false });
  if (opts.weightsDir !== undefined) await loadImageNetWeights(base, opts.weightsDir);
  let x = tf.layers.globalAveragePooling2d({ name: "global_average_pooling2d" })
    .apply(base.outputs[0]) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: opts.dropout ?? 0.2, name: "dropout" }).apply(
    x,
  ) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 2, activation: "softmax", name: "dense" })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: base.inputs, outputs: x, name: "mobilenetv2_chestxray" });
}
