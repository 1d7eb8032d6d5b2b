/**
 * Sums over all leading axes (e.g. batch, height and width of an NHWC tensor) as one product.
 *
 * tfjs-wasm reduces only the innermost axis, so summing an NHWC gradient over [0, 1, 2] (every
 * BatchNorm, bias and depthwise-filter gradient) first transposes the whole tensor. The same
 * sum is a 1x1 convolution of a row of ones by the tensor viewed as a [rows, C] filter, which
 * XNNPACK does about 8x faster with the same float32 accumulation.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Below this many rows the backend's own Sum is as fast. */
const MIN_ROWS = 1024;

/** Whether `axes` are exactly the leading axes 0..rank-2 of `shape` (with enough rows). */
export function isLeadingSum(shape: readonly number[], axes: readonly number[]): boolean {
  const rank = shape.length;
  if (rank < 2 || axes.length !== rank - 1) return false;
  const sorted = [...axes].sort((a, b) => a - b);
  if (!sorted.every((a, i) => a === i)) return false;
  return shape.slice(0, -1).reduce((p, q) => p * q, 1) >= MIN_ROWS;
}

/** Sum of `x` over its leading axes: shape [C] (or [1, ..., 1, C] with `keepDims`). */
export function leadingSum(x: tf.Tensor, keepDims = false): tf.Tensor {
  const c = x.shape[x.rank - 1];
  const rows = x.size / c;
  return tf.tidy(() => {
    const ones = tf.ones([1, 1, 1, rows]) as tf.Tensor4D;
    const sum = tf.conv2d(ones, tf.reshape(x, [1, 1, rows, c]) as tf.Tensor4D, 1, "valid");
    return tf.reshape(sum, keepDims ? [...x.shape.slice(0, -1).map(() => 1), c] : [c]);
  });
}
