/**
 * `Conv2DBackpropInput` of 1x1 stride-1 convolutions as one matrix product.
 *
 * tfjs-wasm's own kernel is a direct loop that took a third of a MobileNetV2 fine-tuning step;
 * for a 1x1 stride-1 convolution (all of MobileNetV2's expand and project layers) the input
 * gradient is `dy [rows, outC] x W^T [outC, inC]`, i.e. a 1x1 convolution of dy with the
 * transposed filter, which XNNPACK computes many times faster.
 * Other shapes go to the backend's own kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Attributes tfjs passes to `Conv2DBackpropInput`. */
export interface Conv2DBackpropInputAttrs {
  inputShape: [number, number, number, number];
  strides: number | [number, number];
  pad: unknown;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: string;
}

/** Whether {@linkcode pointwiseBackpropInput} applies to this filter and these attributes. */
export function isPointwise(
  filterShape: readonly number[],
  attrs: Conv2DBackpropInputAttrs,
): boolean {
  const [sh, sw] = typeof attrs.strides === "number"
    ? [attrs.strides, attrs.strides]
    : attrs.strides;
  // With a 1x1 filter and stride 1, "same", "valid" and zero explicit padding all coincide.
  const zeroPad = attrs.pad === "same" || attrs.pad === "valid" || attrs.pad === 0 ||
    (Array.isArray(attrs.pad) && attrs.pad.flat().every((p) => p === 0));
  return filterShape[0] === 1 && filterShape[1] === 1 && sh === 1 && sw === 1 && zeroPad &&
    attrs.dataFormat !== "NCHW";
}

/** dX of a 1x1 stride-1 `conv2d(x, W)` (x of shape `inputShape`) given its output gradient. */
export function pointwiseBackpropInput(
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
): tf.Tensor4D {
  const [, , inC, outC] = filter.shape;
  // A 1x1 convolution of dy with the transposed filter (threaded in XNNPACK, unlike matMul).
  return tf.tidy(() => {
    const wT = tf.reshape(tf.transpose(tf.reshape(filter, [inC, outC])), [1, 1, outC, inC]);
    return tf.reshape(tf.conv2d(dy, wT as tf.Tensor4D, 1, "valid"), inputShape);
  });
}
