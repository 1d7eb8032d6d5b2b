/**
 * Inference-mode BatchNormalization inside a trained model part.
 *
 * tfjs-layers' BatchNormalization normalises with batch statistics and updates its moving ones
 * whenever it is called with `training: true`, even when `trainable` is false. Keras (TF2) runs
 * the BN layers of a pretrained base in inference mode during fine-tuning (the base was called
 * with `training=False`), and these ImageNet weights are only faithful in inference mode (see
 * the weights README). So while a step runs we make each BN layer ignore `training: true`: it
 * keeps normalising with its moving statistics, never updates them, and its gamma/beta still
 * receive gradients (as in Keras). Dropout and every other layer still see `training: true`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => unknown;

/** Runs `fn` with every BatchNormalization layer of `model` forced to inference mode. */
export function withInferenceBatchNorm<T>(model: tf.LayersModel, fn: () => T): T {
  const patched: { layer: { call: Call }; own: boolean; call: Call }[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() !== "BatchNormalization") continue;
    const target = layer as unknown as { call: Call };
    const own = Object.prototype.hasOwnProperty.call(target, "call");
    const call = target.call;
    target.call = (inputs, kwargs) => call.call(target, inputs, { ...kwargs, training: false });
    patched.push({ layer: target, own, call });
  }
  try {
    return fn();
  } finally {
    for (const { layer, own, call } of patched) {
      if (own) layer.call = call;
      else delete (layer as Partial<typeof layer>).call;
    }
  }
}
