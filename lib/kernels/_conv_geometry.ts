/**
 * Shared geometry of the convolution gradient kernels: where each filter tap reads its input.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Padding accepted by tfjs convolution kernels. */
export type ConvPad = "same" | "valid" | number | tf.backend_util.ExplicitPadding;

/** What a convolution kernel's attributes describe, resolved to numbers (NHWC only). */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/** Resolves a convolution's attributes with tfjs' own `computeConv2DInfo`. */
export function convGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  strides: number | [number, number],
  pad: ConvPad,
  dilations: number | [number, number] = 1,
  dimRoundingMode?: "floor" | "round" | "ceil",
  depthwise = false,
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    depthwise,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * Zero-pads `x` so that every tap's strided window lies inside it: tap (i, j) reads rows
 * `i*dilation + stride*oh` of the result, for oh in [0, outHeight).
 */
export function padForTaps(x: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const needH = (g.filterHeight - 1) * g.dilationHeight + g.strideHeight * (g.outHeight - 1) + 1;
  const needW = (g.filterWidth - 1) * g.dilationWidth + g.strideWidth * (g.outWidth - 1) + 1;
  const bottom = needH - g.padTop - g.inHeight;
  const right = needW - g.padLeft - g.inWidth;
  if (g.padTop === 0 && g.padLeft === 0 && bottom <= 0 && right <= 0) return x;
  const padded = tf.pad(x, [[0, 0], [g.padTop, Math.max(0, bottom)], [
    g.padLeft,
    Math.max(0, right),
  ], [0, 0]]);
  return padded;
}

/** The input window tap (i, j) multiplies with the output: shape [batch, outH, outW, C]. */
export function tapWindow(
  xPadded: tf.Tensor4D,
  g: ConvGeometry,
  i: number,
  j: number,
): tf.Tensor4D {
  const top = i * g.dilationHeight;
  const left = j * g.dilationWidth;
  const [n, , , c] = xPadded.shape;
  if (
    g.strideHeight === 1 && g.strideWidth === 1 && top === 0 && left === 0 &&
    xPadded.shape[1] === g.outHeight && xPadded.shape[2] === g.outWidth
  ) {
    return xPadded;
  }
  return tf.stridedSlice(
    xPadded,
    [0, top, left, 0],
    [
      n,
      top + g.strideHeight * (g.outHeight - 1) + 1,
      left + g.strideWidth * (g.outWidth - 1) + 1,
      c,
    ],
    [1, g.strideHeight, g.strideWidth, 1],
  ) as tf.Tensor4D;
}
