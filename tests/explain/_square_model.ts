/**
 * A hand-set model whose answer is known: it recognises a bright area, so Grad-CAM and
 * evaluation tests can check where the heat lies and what the predictions are.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Options for {@linkcode squareModel}. */
export interface SquareModelOptions {
  /** Weight of each pooled channel's vote. Default 2. */
  vote?: number;
  /** Added to the PNEUMONIA logit, subtracted from NORMAL's. Default 0. */
  bias?: number;
}

/**
 * `size` x `size` x 3 input; conv "last_conv": channel 0 fires on bright pixels, channel 1 on
 * dark ones; after global pooling, channel 0 votes PNEUMONIA (class 1), channel 1 NORMAL, so
 * logit(PNEUMONIA) - logit(NORMAL) = 2 * vote * (bright - dark) + 2 * bias.
 */
export function squareModel(size: number, opts: SquareModelOptions = {}): tf.LayersModel {
  const [vote, bias] = [opts.vote ?? 2, opts.bias ?? 0];
  const input = tf.input({ shape: [size, size, 3] });
  const k = tf.concat([tf.fill([3, 3, 3, 1], 1 / 27), tf.fill([3, 3, 3, 1], -1 / 27)], 3);
  const conv = tf.layers.conv2d({
    name: "last_conv",
    filters: 2,
    kernelSize: 3,
    padding: "same",
    activation: "relu",
    weights: [k, tf.zeros([2])],
  }).apply(input) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(conv) as tf.SymbolicTensor;
  const out = tf.layers.dense({
    units: 2,
    activation: "softmax",
    weights: [tf.tensor2d([[-vote, vote], [vote, -vote]]), tf.tensor1d([-bias, bias])],
  }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}
