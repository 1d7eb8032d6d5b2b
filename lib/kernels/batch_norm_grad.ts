/**
 * A leaner gradient for `FusedBatchNorm` (tf.batchNorm), replacing tfjs' own for every backend.
 *
 * tfjs 4.22 computes dx as `dy * tile(rsqrt(var + eps), [N, H, W, 1]) * scale`, which
 * materialises a full-size tile and two full-size products per BatchNormalization layer.
 * Here the per-channel factor `scale * rsqrt(var + eps)` is formed first (C values) and
 * broadcast, so dx costs one full-size product. The other gradients are the same math.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { FusedBatchNormAttrs } from "@tensorflow/tfjs-core";

/** The gradient config registered by {@linkcode registerBatchNormGradient}. */
export const batchNormGradConfig: tf.GradConfig = {
  kernelName: "FusedBatchNorm",
  inputsToSave: ["x", "mean", "variance", "scale"],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const g = dy as tf.Tensor;
    const { varianceEpsilon: eps } = attrs as FusedBatchNormAttrs & tf.NamedAttrMap;
    const [x, mean, variance, scale] = saved;
    const scaleValue = scale ?? tf.scalar(1);
    // Axes that broadcasting added to mean (all but channels for rank-1 statistics).
    const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const reduce = (t: tf.Tensor) => tf.reshape(axes.length ? tf.sum(t, axes) : t, mean.shape);
    const rstd = tf.rsqrt(tf.add(variance, tf.scalar(eps)));
    return {
      x: () => tf.mul(g, tf.mul(rstd, scaleValue)),
      mean: () => reduce(tf.mul(g, tf.neg(tf.mul(rstd, scaleValue)))),
      variance: () => {
        const minusHalfRCube = tf.mul(tf.pow(rstd, 3), tf.scalar(-0.5));
        return reduce(tf.mul(tf.mul(g, tf.sub(x, mean)), tf.mul(minusHalfRCube, scaleValue)));
      },
      scale: () => tf.mul(reduce(tf.mul(g, tf.sub(x, mean))), rstd),
      offset: () => reduce(g),
    };
  },
};
