/**
 * Sums an NHWC tensor over batch, height and width ([0, 1, 2]) with XNNPACK's average pooling.
 *
 * tfjs-wasm reduces only the innermost axis, so summing an NHWC gradient over [0, 1, 2] (every
 * BatchNorm, bias and depthwise-filter gradient) first transposes the whole tensor. A global
 * average pool over H x W (one pass, no transpose), scaled by H*W, then a small sum over the
 * batch gives the same result about 8x faster (float32 rounding differs by ~1e-6 relative).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Below this many pixels per image the backend's own Sum is as fast. */
const MIN_PIXELS = 64;

/** Whether `axes` are exactly [0, 1, 2] of a rank-4 `shape` with enough pixels per image. */
export function isLeadingSum(shape: readonly number[], axes: readonly number[]): boolean {
  if (shape.length !== 4 || axes.length !== 3) return false;
  const sorted = [...axes].sort((a, b) => a - b);
  return sorted[0] === 0 && sorted[1] === 1 && sorted[2] === 2 && shape[1] * shape[2] >= MIN_PIXELS;
}

/** Sum of NHWC `x` over [0, 1, 2]: shape [C] (or [1, 1, 1, C] with `keepDims`). */
export function leadingSum(x: tf.Tensor4D, keepDims = false): tf.Tensor {
  const [n, h, w, c] = x.shape;
  return tf.tidy(() => {
    const perImage = tf.mul(tf.reshape(tf.avgPool(x, [h, w], 1, "valid"), [n, c]), h * w);
    const sum = n === 1 ? tf.reshape(perImage, [c]) : tf.sum(perImage, 0);
    return keepDims ? tf.reshape(sum, [1, 1, 1, c]) : sum;
  });
}
