/**
 * Depthwise convolution gradients built from fast kernels, for backends that lack them (wasm).
 *
 * - Filter gradient: per tap (i, j), the input window that tap reads times the output gradient,
 *   summed over batch and space (9 elementwise products and reductions for a 3x3 filter).
 * - Input gradient: a stride-1 depthwise convolution of the output gradient with the spatially
 *   flipped filter. For stride s the output gradient is first spread onto the stride grid
 *   (s-1 zeros between samples), and padded so the result has the input's size.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  convGeometry,
  type ConvPad,
  gradientFrame,
  padForTaps,
  tapWindow,
} from "./_conv_geometry.ts";

/** Attributes tfjs passes to the two depthwise gradient kernels. */
export interface DepthwiseBackpropAttrs {
  strides: number | [number, number];
  pad: ConvPad;
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** dW[kh, kw, inC, multiplier] of `depthwiseConv2d(x, W)` given its output gradient `dy`. */
export function depthwiseBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  attrs: DepthwiseBackpropAttrs,
): tf.Tensor4D {
  const [kh, kw, inC, mult] = filterShape;
  return tf.tidy(() => {
    const g = convGeometry(
      x.shape,
      filterShape,
      attrs.strides,
      attrs.pad,
      attrs.dilations ?? 1,
      attrs.dimRoundingMode,
      true,
    );
    const xPadded = padForTaps(x, g);
    // dy's channel c*mult+m belongs to input channel c.
    const dy5 = mult === 1 ? dy : tf.reshape(dy, [g.batch, g.outHeight, g.outWidth, inC, mult]);
    const taps: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const window = tapWindow(xPadded, g, i, j);
        const xs = mult === 1 ? window : tf.expandDims(window, 4);
        taps.push(tf.sum(tf.mul(xs, dy5), [0, 1, 2]));
      }
    }
    return tf.reshape(tf.stack(taps), [kh, kw, inC, mult]);
  });
}

/** dX of `depthwiseConv2d(x, W)` (x of shape `xShape`) given its output gradient `dy`. */
export function depthwiseBackpropInput(
  xShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: DepthwiseBackpropAttrs,
): tf.Tensor4D {
  const [kh, kw, inC, mult] = filter.shape;
  return tf.tidy(() => {
    const g = convGeometry(
      xShape,
      filter.shape,
      attrs.strides,
      attrs.pad,
      attrs.dilations ?? 1,
      attrs.dimRoundingMode,
      true,
    );
    const framed = gradientFrame(dy, g);
    const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, inC * mult, 1]) as tf.Tensor4D;
    const dxAll = tf.depthwiseConv2d(framed, flipped, 1, "valid", "NHWC", [
      g.dilationHeight,
      g.dilationWidth,
    ]);
    if (mult === 1) return dxAll;
    return tf.sum(tf.reshape(dxAll, [g.batch, g.inHeight, g.inWidth, inC, mult]), 4) as tf.Tensor4D;
  });
}
