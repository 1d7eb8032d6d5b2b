/**
 * The baseline: a plain CNN trained from scratch, a documented stand-in for the CNN of
 * Maulana et al. 2022, whose exact layers are not published.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Options for {@linkcode baselineCnn}. */
export interface BaselineCnnOptions {
  /** Height and width of the square 3-channel input (same tensors as MobileNetV2). Default 224. */
  inputSize?: number;
  /** Dropout rate before the output layer. Default 0.5. */
  dropout?: number;
}

/** Filters of the four Conv3x3-BN-ReLU-MaxPool blocks. */
const FILTERS = [32, 64, 128, 256];

/**
 * Stand-in for Maulana et al. 2022 (layers not published): 4 x [Conv3x3 (no bias) ->
 * BatchNorm -> ReLU -> MaxPool 2x2] with 32/64/128/256 filters -> GlobalAveragePooling2D ->
 * Dense(128, ReLU) -> Dropout(0.5) -> Dense(2, softmax). 423,010 parameters (422,050
 * trainable) at any input size, as GAP makes the head size-independent. It takes the same
 * `[-1, 1]` 3-channel input as MobileNetV2 so both share one data pipeline. The last
 * convolutional feature map (for Grad-CAM) is `block4_relu`.
 */
export function baselineCnn(opts: BaselineCnnOptions = {}): tf.LayersModel {
  const size = opts.inputSize ?? 224;
  const input = tf.input({ shape: [size, size, 3], name: "input" });
  let x: tf.SymbolicTensor = input;
  FILTERS.forEach((filters, i) => {
    const b = `block${i + 1}`;
    x = tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: "same",
      useBias: false, // BatchNorm's beta is the bias
      kernelInitializer: "heNormal",
      name: `${b}_conv`,
    }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: `${b}_bn` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({ name: `${b}_relu` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2, name: `${b}_pool` }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.globalAveragePooling2d({ name: "global_average_pooling2d" })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 128, activation: "relu", name: "fc" }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: opts.dropout ?? 0.5, name: "dropout" }).apply(
    x,
  ) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 2, activation: "softmax", name: "dense" })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: "baseline_cnn" });
}
