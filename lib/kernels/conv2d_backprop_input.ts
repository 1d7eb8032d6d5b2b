/**
 * `Conv2DBackpropInput` as a forward convolution, for backends whose own kernel is slow (wasm).
 *
 * tfjs-wasm's own kernel is a direct single-threaded loop: it took a third of a MobileNetV2
 * fine-tuning step and two thirds of a baseline-CNN step. The input gradient of any NHWC
 * convolution is a stride-1 "valid" convolution of the output gradient, spread onto the stride
 * grid and framed (see `gradientFrame`), with the filter flipped in space and its in/out
 * channels swapped; XNNPACK computes that with its thread pool. For a 1x1 stride-1
 * convolution (MobileNetV2's expand and project layers) that is just a 1x1 convolution of dy
 * with the transposed filter.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Conv2DBackpropInputAttrs } from "@tensorflow/tfjs-core";
import { convGeometry, flipTaps, gradientFrame } from "./_conv_geometry.ts";

/** dX of `conv2d(x, W)` (x of shape `attrs.inputShape`, NHWC) given its output gradient. */
export function conv2dBackpropInput(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: Conv2DBackpropInputAttrs,
): tf.Tensor4D {
  if (attrs.dataFormat === "NCHW") throw new Error("conv2dBackpropInput: NCHW is not supported");
  return tf.tidy(() => {
    const g = convGeometry(
      attrs.inputShape,
      filter.shape,
      attrs.strides,
      attrs.pad,
      1,
      attrs.dimRoundingMode,
    );
    // W'[i, j, o, c] = W[kh-1-i, kw-1-j, c, o].
    const swapped = tf.transpose(flipTaps(filter), [0, 1, 3, 2]);
    const framed = gradientFrame(dy, g);
    return tf.reshape(
      tf.conv2d(framed, swapped as tf.Tensor4D, 1, "valid"),
      attrs.inputShape,
    ) as tf.Tensor4D;
  });
}
